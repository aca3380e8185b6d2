import FluentKit
import Foundation
import GuichetCore
import Logging

// Transitional (issue 17): `Tests/GuichetAppTests` still import the directory from a bare database, before they pass
// the catalogue's lookup. Delete this file once they call `DirectoryImporter(database:catalog:)` and
// `CentresModule.seedDemo(database:catalog:logger:)`.

extension DirectoryImporter {
    /// An importer that checks no reference against the catalogue and writes outside the write queue.
    @available(*, deprecated, message: "use DirectoryImporter(database: DatabaseService, catalog: any CatalogLookup)")
    package init(database: any Database) {
        self.init(writer: .plain(database), catalog: AcceptingCatalogLookup())
    }
}

@available(*, deprecated, message: "use CentresModule.seedDemo(database:catalog:logger:) and CentresModule.demoDocument()")
package enum CentresDemo {
    package static func seed(database: any Database, logger: Logger) async throws {
        let summary = try await DirectoryImporter(database: database).importDocument(CentresModule.demoDocument(), actor: "system:demo")
        logger.info("demo centres loaded", metadata: ["created": "\(summary.created)"])
    }
}

/// Takes every id for one the catalogue knows.
struct AcceptingCatalogLookup: CatalogLookup {
    func existingInstitutions(_ ids: Set<String>) async throws -> Set<String> { ids }
    func existingProcedures(_ ids: Set<String>) async throws -> Set<String> { ids }
}

/// Where the importer writes: through the core's write queue, or (transitional) straight to a database.
enum DirectoryWriter: Sendable {
    case queued(DatabaseService)
    case plain(any Database)

    func transaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        switch self {
        case .queued(let service): try await service.writeTransaction(body)
        case .plain(let database): try await database.transaction(body)
        }
    }
}

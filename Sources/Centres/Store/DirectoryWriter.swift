import FluentKit
import Foundation
import GuichetCore

/// Where the importer writes: through the core's write queue, or straight to a database inside a transaction.
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

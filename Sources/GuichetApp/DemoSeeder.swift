// SPDX-License-Identifier: MPL-2.0
import Catalog
import Centres
import Ecosystem
import FluentKit
import Foundation
import GuichetCore
import Logging
import ServicePublicImport

/// Fills an empty database with the demo catalogue: our own files for Senegal, Togo and Congo, then Senegal's
/// whole public catalogue when its open data is found.
package enum DemoSeeder {
    package static func seedIfEmpty(database: DatabaseService, servicePublicDirectory: String?, logger: Logger) async throws {
        await EcosystemSeeder.seedIfEmpty(database: database.db, shared: EcosystemSeeder.sharedDirectory(), logger: logger)
        let repository = CatalogRepository(database: database.db)
        guard try await repository.isEmpty() else { return }
        let demo = try CatalogDocument.merged(CatalogResources.demoFiles.map { try CatalogCodec.decode(Data(contentsOf: $0), format: .yaml) })
        let summary = try await repository.importDocument(demo, actor: "system:demo")
        logger.info("demo catalogue loaded", metadata: ["created": "\(summary.created)"])
        try await CentresModule.seedDemo(database: database, catalog: CatalogLookupService(database: database), logger: logger)
        if let servicePublicDirectory {
            // The demo is already committed: a dataset that cannot be read must not keep the site from starting.
            do {
                let started = Date()
                let result = try ServicePublicImporter.read(directory: URL(fileURLWithPath: servicePublicDirectory))
                let imported = try await repository.importDocument(result.document, actor: "system:demo")
                logger.info(
                    "servicepublic.sn catalogue loaded",
                    metadata: ["created": "\(imported.created)", "seconds": "\(Date().timeIntervalSince(started).clampedInt(.towardZero))"])
            } catch {
                logger.error(
                    "servicepublic.sn catalogue not loaded; import it with `guichet catalog import-servicepublic DIR`",
                    metadata: ["error": "\(error)"])
            }
        } else {
            logger.notice("servicepublic.sn dataset not found: only the demo procedures are loaded")
        }
    }
}

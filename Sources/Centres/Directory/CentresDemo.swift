import FluentKit
import Foundation
import Logging

/// The demo directory: Senegal's Espaces Sénégal Services and service points in Togo and Congo
/// (`Resources/Demo/*.yaml`, each centre citing its sources). Loaded after the demo catalogue, which it refers to.
package enum CentresDemo {
    package static func document() throws -> CentresDocument {
        CentresDocument.merged(try CentresResources.demoFiles.map { try CentresDocument.decode(file: $0) })
    }

    package static func seed(database: any Database, logger: Logger) async throws {
        let summary = try await DirectoryImporter(database: database).importDocument(document(), actor: "system:demo")
        logger.info("demo centres loaded", metadata: ["created": "\(summary.created)"])
    }
}

// SPDX-License-Identifier: MPL-2.0
import ArgumentParser
import Catalog
import Centres
import Foundation
import GuichetCore

struct CentresCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "centres", abstract: "The directory of service centres.", subcommands: [Import.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import guichet-centres/1 files (YAML or JSON); nothing is written if any entry is invalid; safe to re-run.")
        @Argument(help: "Directory files.") var files: [String]
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let document = CentresDocument.merged(try files.map { try CentresDocument.decode(file: URL(fileURLWithPath: $0)) })
            let summary = try await withDatabase(database) { database in
                // The running servers' cached procedure pages show the centres: they learn of the change by the catalogue's generation.
                try await DirectoryImporter(
                    database: database, catalog: CatalogLookupService(database: database.db),
                    changes: CatalogContentChanges(database: database, generation: ContentGeneration())
                )
                .importDocument(document, actor: "cli:\(NSUserName())")
            }
            print("created \(summary.created), updated \(summary.updated)")
        }
    }
}

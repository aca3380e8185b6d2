// SPDX-License-Identifier: MPL-2.0
import ArgumentParser
import Ecosystem
import Foundation
import GuichetApp
import GuichetCore
import Insights

struct OpenDataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "opendata", abstract: "The open data: datasets and their DCAT-AP catalogue.", subcommands: [Export.self])

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write every dataset file and the catalogue (catalog.jsonld, catalog.ttl) into a folder, for a portal such as CKAN. "
                + "Addresses start with GUICHET_PUBLIC_URL; the licence is GUICHET_OPENDATA_LICENSE.")
        @Argument(help: "The folder to write into (created when missing).") var directory: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            var configuration = AppConfiguration(database: database.kind(), runMigrations: true)
            try configuration.applySiteSettings(ProcessInfo.processInfo.environment)
            let components = try await GuichetApplication.prepare(configuration: configuration, logger: makeLogger())
            do {
                let ecosystem = EcosystemModule(database: components.database, renderer: components.renderer)
                let openData = GuichetApplication.insights(components, ecosystem: ecosystem).openData
                let folder = URL(fileURLWithPath: directory)
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                var written: [String] = []
                for file in try await openData.allFiles() + openData.catalogueFiles(now: Date()) {
                    try file.body.write(to: folder.appendingPathComponent(file.name))
                    written.append(file.name)
                }
                print("wrote \(written.count) files to \(folder.path): \(written.joined(separator: ", "))")
                await components.database.shutdown()
            } catch {
                await components.database.shutdown()
                throw error
            }
        }
    }
}

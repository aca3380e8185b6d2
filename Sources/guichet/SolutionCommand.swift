// SPDX-License-Identifier: MPL-2.0
import ArgumentParser
import Ecosystem
import Foundation

struct SolutionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solution", abstract: "Import innovative solutions (Accelerator Labs records, CSV).",
        subcommands: [ImportCSV.self, ImportLabs.self])

    struct ImportCSV: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-csv",
            abstract: "Import a CSV of solutions (columns in the README): good rows in one transaction, each rejected row with why.")
        @Argument(help: "CSV files, UTF-8, separated by ; or ,.") var files: [String]
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            var rejected = 0
            try await withDatabase(database) { database in
                for file in files {
                    let report = try await SolutionImporter.importCSV(
                        Data(contentsOf: URL(fileURLWithPath: file)), repository: SolutionRepository(db: database.db), actor: "cli:\(NSUserName())")
                    print("\(file):")
                    for line in report.lines { print("  \(line)") }
                    rejected += report.rejected.count
                }
            }
            if rejected > 0 { throw ExitCode(1) }
        }
    }

    struct ImportLabs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-labs", abstract: "Import the Accelerator Labs' solution records of a folder, without their personal data.")
        @Argument(help: "The folder of .md records (e.g. ../shared/datasets/acclab-solutions/pages).") var directory: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let report = try await withDatabase(database) { database in
                try await SolutionImporter.importLabs(
                    directory: URL(fileURLWithPath: directory), repository: SolutionRepository(db: database.db), actor: "cli:\(NSUserName())")
            }
            for line in report.lines { print(line) }
        }
    }
}

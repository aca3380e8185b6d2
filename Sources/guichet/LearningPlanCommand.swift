// SPDX-License-Identifier: MPL-2.0
import ArgumentParser
import Ecosystem
import Foundation

struct LearningPlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "learning-plan", abstract: "Import and export Accelerator Labs learning plans.", subcommands: [Import.self, Export.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import learning plans in the Labs platform's format; each file is all or nothing, re-importing updates.")
        @Argument(help: "Learning-plan files ([[key:value]] header, ## sections).") var files: [String]
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let reports = try await withDatabase(database) { database in
                await LearningPlanImporter.importFiles(
                    files.map { URL(fileURLWithPath: $0) }, repository: LearningPlanRepository(db: database.db), actor: "cli:\(NSUserName())")
            }
            for line in reports { print(line.line) }
            let rejected = reports.filter { $0.problem != nil }.count
            print("\(reports.count - rejected) imported, \(rejected) rejected")
            if rejected > 0 { throw ExitCode(1) }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write one plan back in the platform's format.")
        @Argument(help: "The plan's id (as in its page address).") var id: String
        @Option(name: .shortAndLong, help: "Output file (default: standard output).") var output: String?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let text = try await withDatabase(database) { database in try await LearningPlanRepository(db: database.db).exportText(id: id) }
            guard let text else { throw ValidationError("no learning plan with id \(id)") }
            if let output {
                try Data(text.utf8).write(to: URL(fileURLWithPath: output))
            } else {
                FileHandle.standardOutput.write(Data(text.utf8))
            }
        }
    }
}

// SPDX-License-Identifier: MPL-2.0
import ArgumentParser
import Ecosystem
import Foundation

struct SurveyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "survey", abstract: "Digital-usage surveys (respondent-level CSV, aggregates only published).", subcommands: [Import.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a respondent CSV; importing the same id again replaces its respondents. Identifying columns are dropped.")
        @Argument(help: "CSV file, UTF-8, separated by ; or ,.") var file: String
        @Option(help: "The survey's id (letters, digits, -).") var id: String
        @Option(help: "The survey's title.") var title: String
        @Flag(help: "The respondents are invented (synthetic data).") var synthetic = false
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            guard !id.isEmpty, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                throw ValidationError("--id: letters, digits and - only")
            }
            let reading = try SurveyCSV.read(Data(contentsOf: URL(fileURLWithPath: file)))
            for line in reading.warnings { print("warning: \(line)") }
            for line in reading.rejected { print("rejected: \(line)") }
            try await withDatabase(database) { database in
                try await SurveyRepository(db: database.db).importSurvey(
                    id: id, title: title, synthetic: synthetic, responses: reading.responses, actor: "cli:\(NSUserName())")
            }
            print("\(reading.responses.count) respondents imported, \(reading.rejected.count) rejected")
            if !reading.rejected.isEmpty { throw ExitCode(1) }
        }
    }
}

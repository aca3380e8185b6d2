// SPDX-License-Identifier: MPL-2.0
import Catalog
import FluentKit
import Foundation

/// Imports of solutions: the Labs platform's records (a folder of `.md` files) and CSV files. Good records are
/// written in one transaction; each rejected one is reported with why.
package enum SolutionImporter {
    package struct Report: Sendable, Equatable {
        package var created = 0
        package var updated = 0
        package var unchanged = 0
        /// "file or line: reason", one per rejected record.
        package var rejected: [String] = []
        package var warnings: [String] = []

        package var lines: [String] {
            warnings.map { "warning: \($0)" } + rejected.map { "rejected: \($0)" }
                + ["created \(created), updated \(updated), unchanged \(unchanged), rejected \(rejected.count)"]
        }

        mutating func count(_ outcomes: [ImportOutcome]) {
            for outcome in outcomes {
                switch outcome {
                case .created: created += 1
                case .updated: updated += 1
                case .unchanged: unchanged += 1
                }
            }
        }
    }

    /// The Labs records of a folder (the dataset's `pages/`), personal data left behind.
    package static func importLabs(directory: URL, repository: SolutionRepository, actor: String) async throws -> Report {
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "md" && $0.lastPathComponent != "README.md" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        return try await importLabs(files: files, repository: repository, actor: actor)
    }

    package static func importLabs(files: [URL], repository: SolutionRepository, actor: String) async throws -> Report {
        var report = Report()
        var solutions: [Solution] = []
        var seen: [String: String] = [:]
        for file in files {
            do {
                guard let text = String(data: try Data(contentsOf: file), encoding: .utf8) else {
                    report.rejected.append("\(file.lastPathComponent): not UTF-8 text")
                    continue
                }
                let solution = try LabsSolution.solution(text: text)
                if let first = seen[solution.id] {
                    report.rejected.append("\(file.lastPathComponent): same solution as \(first)")
                    continue
                }
                seen[solution.id] = file.lastPathComponent
                solutions.append(solution)
            } catch let problem as LabsSolution.Problem {
                report.rejected.append("\(file.lastPathComponent): \(problem.description)")
            } catch {
                report.rejected.append("\(file.lastPathComponent): cannot be read")
            }
        }
        report.count(try await repository.importSolutions(solutions, actor: actor))
        return report
    }

    /// A CSV file of solutions (columns in the README). Rows naming procedures that the catalogue does not have are rejected.
    package static func importCSV(_ data: Data, repository: SolutionRepository, actor: String, requestId: String? = nil) async throws -> Report {
        var report = Report()
        let reading: SolutionCSV.Reading
        do { reading = try SolutionCSV.read(data) } catch {
            report.rejected.append(error.description)
            return report
        }
        report.warnings = reading.warnings
        let procedureIds = Set(reading.accepted.flatMap(\.procedures))
        let known = Set(try await CatalogRepository(database: repository.db).procedures(ids: Array(procedureIds)).map(\.id))
        var accepted: [Solution] = []
        for row in reading.rows {
            var errors = row.errors
            if let solution = row.solution {
                let unknown = solution.procedures.filter { !known.contains($0) }
                if !unknown.isEmpty { errors.append("procedures: not in the catalogue: \(unknown.joined(separator: ", "))") }
                if errors.isEmpty { accepted.append(solution) }
            }
            if !errors.isEmpty { report.rejected.append("line \(row.line): \(errors.joined(separator: "; "))") }
        }
        report.count(try await repository.importSolutions(accepted, actor: actor, requestId: requestId))
        return report
    }
}

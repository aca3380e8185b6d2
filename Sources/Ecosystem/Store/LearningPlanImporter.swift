// SPDX-License-Identifier: MPL-2.0
import FluentKit
import Foundation

/// Imports learning-plan files one by one: each file is read, checked and stored in its own transaction, so that
/// a bad file leaves nothing behind and does not stop the others.
package enum LearningPlanImporter {
    package struct FileReport: Sendable, Equatable {
        package var file: String
        package var id: String?
        package var title: String?
        package var outcome: ImportOutcome?
        package var problem: String?

        package var line: String {
            if let outcome, let id { return "\(file): \(outcome.rawValue) \(id)" }
            return "\(file): rejected: \(problem ?? "unknown error")"
        }
    }

    package static func importFiles(_ files: [URL], repository: LearningPlanRepository, actor: String) async -> [FileReport] {
        var reports: [FileReport] = []
        for file in files {
            var report = FileReport(file: file.lastPathComponent)
            do {
                let data = try Data(contentsOf: file)
                guard let text = String(data: data, encoding: .utf8) else {
                    throw LearningPlan.Problem.format(LabsFormatError(line: 0, reason: .notUTF8, text: ""))
                }
                let plan = try LearningPlan(text: text)
                report.id = plan.id
                report.title = plan.title
                report.outcome = try await repository.importPlan(plan, actor: actor)
            } catch let problem as LearningPlan.Problem {
                report.problem = problem.description
            } catch let error as CocoaError where error.code == .fileReadNoSuchFile || error.code == .fileNoSuchFile {
                report.problem = "file not found"
            } catch {
                report.problem = "\(error)"
            }
            reports.append(report)
        }
        return reports
    }
}

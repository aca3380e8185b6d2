import Audit
import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// The network's commitments as a manager edits them: one per kind, each published or not, checked before anything is
/// written, then written in place of the previous ones with their audit event in one transaction.
package struct CommitmentsService: Sendable {
    let database: DatabaseService

    package init(database: DatabaseService) {
        self.database = database
    }

    package static let targets = 0...100
    package static let minutes = 1...1440
    package static let maxLabel = 160

    /// What the form sent for one kind of commitment, as typed.
    package struct Draft: Sendable, Equatable {
        package var kind: Commitment.Kind
        package var published: Bool
        package var target: String
        package var minutes: String
        package var labelFr: String
        package var labelEn: String

        package init(kind: Commitment.Kind, published: Bool, target: String, minutes: String = "", labelFr: String, labelEn: String) {
            self.kind = kind
            self.published = published
            self.target = target
            self.minutes = minutes
            self.labelFr = labelFr
            self.labelEn = labelEn
        }

        package init(_ commitment: Commitment?, kind: Commitment.Kind) {
            self.init(
                kind: kind, published: commitment != nil, target: commitment.map { String($0.target) } ?? "",
                minutes: commitment?.minutes.map(String.init) ?? "", labelFr: commitment?.label?.fr ?? "", labelEn: commitment?.label?.en ?? "")
        }

        /// The form's field for `part` of this commitment (`wait_target`, `satisfaction_label_en`…).
        package func field(_ part: String) -> String { "\(kind.rawValue)_\(part)" }
    }

    /// The commitments the drafts describe, or the error code of each wrong field (`wait_target` → `target_range`).
    package static func validate(_ drafts: [Draft]) -> (commitments: [Commitment], errors: [String: String]) {
        var commitments: [Commitment] = []
        var errors: [String: String] = [:]
        for draft in drafts where draft.published {
            let target = Int(draft.target.trimmingCharacters(in: .whitespaces))
            if target.map(targets.contains) != true { errors[draft.field("target")] = "target_range" }
            var minutes: Int?
            if draft.kind == .wait {
                minutes = Int(draft.minutes.trimmingCharacters(in: .whitespaces))
                if minutes.map(Self.minutes.contains) != true { errors[draft.field("minutes")] = "minutes_range" }
            }
            let labelFr = draft.labelFr.trimmingCharacters(in: .whitespacesAndNewlines)
            let labelEn = draft.labelEn.trimmingCharacters(in: .whitespacesAndNewlines)
            for (part, label) in [("label_fr", labelFr), ("label_en", labelEn)] {
                if label.isEmpty {
                    errors[draft.field(part)] = "\(part)_required"
                } else if label.count > maxLabel {
                    errors[draft.field(part)] = "label_too_long"
                }
            }
            if let target {
                commitments.append(Commitment(kind: draft.kind, minutes: minutes, target: target, label: LocalText(fr: labelFr, en: labelEn)))
            }
        }
        return errors.isEmpty ? (commitments, [:]) : ([], errors)
    }

    /// Replaces the network's commitments; false (and nothing written) when they are already these.
    @discardableResult
    package func replace(with commitments: [Commitment], origin: ActionOrigin, at date: Date = Date()) async throws -> Bool {
        let current = try await DirectoryRepository(database: database.db).commitments()
        guard current != commitments else { return false }
        try await WriteGate.transaction(database) { db in
            let sql = db.sql
            try await sql.delete(from: "centre_commitments").run()
            for (position, commitment) in commitments.enumerated() {
                try await sql.insert(into: "centre_commitments")
                    .columns("id", "kind", "threshold_minutes", "target_percent", "position", "label_fr", "label_en")
                    .values(
                        SQLBind(commitment.kind.rawValue), SQLBind(commitment.kind.rawValue), SQLBind(commitment.minutes), SQLBind(commitment.target),
                        SQLBind(position), SQLBind(commitment.label?.fr), SQLBind(commitment.label?.en)
                    ).run()
            }
            try await AuditLog.append(origin.entry("commitments.set", entity: "commitments", id: nil, summary: Self.summary(commitments)), on: db, at: date)
        }
        return true
    }

    /// `wait 80% within 20 min; satisfaction 80%`, or `none`.
    static func summary(_ commitments: [Commitment]) -> String {
        guard !commitments.isEmpty else { return "none" }
        return commitments.map { commitment in
            "\(commitment.kind.rawValue) \(commitment.target)%" + (commitment.minutes.map { " within \($0) min" } ?? "")
        }.joined(separator: "; ")
    }
}

// SPDX-License-Identifier: MPL-2.0
import Foundation

/// A published service-quality commitment of the network ("Nos engagements"): a target share of visitors called within
/// `minutes` (wait) or satisfied (satisfaction), with the label the network gives it.
package struct Commitment: Sendable, Equatable {
    package enum Kind: String, Sendable, CaseIterable { case wait, satisfaction }
    package var kind: Kind
    package var minutes: Int?
    package var target: Int
    package var label: LocalText?

    package init(kind: Kind, minutes: Int?, target: Int, label: LocalText? = nil) {
        self.kind = kind
        self.minutes = minutes
        self.target = target
        self.label = label
    }

    /// The wait threshold of the commitments (20 minutes unless the network says otherwise).
    package static func waitMinutes(_ commitments: [Commitment]) -> Int {
        commitments.first { $0.kind == .wait }?.minutes ?? 20
    }

    /// `wait 80% within 20 min; satisfaction 80%`, or `none` (the audit event's summary).
    package static func summary(_ commitments: [Commitment]) -> String {
        guard !commitments.isEmpty else { return "none" }
        return commitments.map { commitment in
            "\(commitment.kind.rawValue) \(commitment.target)%" + (commitment.minutes.map { " within \($0) min" } ?? "")
        }.joined(separator: "; ")
    }
}

/// What the back office's form sent for one kind of commitment, as typed.
package struct CommitmentDraft: Sendable, Equatable {
    package static let targets = 0...100
    package static let minutes = 1...1440
    package static let maxLabel = 160

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

    /// The commitments the drafts describe, or the error code of each wrong field (`wait_target` → `target_range`).
    /// A draft not published is not checked, and not kept.
    package static func validate(_ drafts: [CommitmentDraft]) -> (commitments: [Commitment], errors: [String: String]) {
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
}

// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore

/// Four smileys after service: 4 very satisfied … 1 very dissatisfied, an optional reason and comment.
/// Nothing identifies the person.
package struct FeedbackAnswer: Sendable, Equatable {
    package static let reasons = ["waiting_time", "welcome", "information", "outcome", "premises", "other"]
    package static let maxComment = 500

    package var rating: Int
    package var reason: String?
    package var comment: String?

    package init(rating: Int, reason: String? = nil, comment: String? = nil) {
        self.rating = rating
        self.reason = reason
        self.comment = comment
    }

    /// "Satisfied" and "very satisfied" (3 and 4).
    package static func isSatisfied(_ rating: Int) -> Bool { rating >= 3 }

    /// The answer as kept: an empty reason or comment is none, the comment trimmed; 422 naming a wrong field.
    package func validated() throws -> FeedbackAnswer {
        guard (1...4).contains(rating) else { throw AppError.validation(field: "rating", code: "rating_required") }
        var answer = self
        answer.reason = reason.flatMap { $0.isEmpty ? nil : $0 }
        if let reason = answer.reason, !Self.reasons.contains(reason) { throw AppError.validation(field: "reason", code: "reason_unknown") }
        answer.comment = comment.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        if let comment = answer.comment, comment.count > Self.maxComment { throw AppError.validation(field: "comment", code: "comment_too_long") }
        return answer
    }
}

// SPDX-License-Identifier: MPL-2.0
/// Where an application stands. `draft` is never seen by an agent; `document_issued` follows `approved` at once.
package enum ApplicationStatus: String, Codable, Sendable, CaseIterable {
    case draft
    case submitted
    case inReview = "in_review"
    case actionRequired = "action_required"
    case approved
    case rejected
    case documentIssued = "document_issued"

    /// The GovStack Registration building block's status of the same state (nil for a draft, which it does not know).
    package var govStack: String? {
        switch self {
        case .draft: return nil
        case .submitted, .inReview: return "PENDING"
        case .actionRequired: return "SENDBACK"
        case .approved, .documentIssued: return "APPROVED"
        case .rejected: return "REJECTED"
        }
    }

    /// Still waiting for the administration (counts towards the due date).
    package var isOpen: Bool { self == .submitted || self == .inReview }

    package var isFinal: Bool { self == .rejected || self == .documentIssued || self == .approved }
}

/// What an agent can do to an application.
package enum AgentAction: String, Codable, Sendable, CaseIterable {
    /// Take it (or give it to a named agent): submitted → in review.
    case claim
    case assign
    /// Ask the person for a missing document or a correction: → action required.
    case requestChanges = "request_changes"
    /// Approve, which issues the signed document: → approved → document issued.
    case approve
    case reject
    /// Withdraw an issued document (it then verifies as revoked).
    case revokeDocument = "revoke_document"

    package func allowed(from status: ApplicationStatus) -> Bool {
        switch self {
        case .claim, .assign: return status == .submitted || status == .inReview || status == .actionRequired
        case .requestChanges, .approve, .reject: return status == .submitted || status == .inReview
        case .revokeDocument: return status == .documentIssued
        }
    }
}

package enum FilingChannel: String, Codable, Sendable {
    /// The person, from their own phone or computer.
    case online
    /// An agent at a service centre, filing for the person (assisted digital).
    case assisted
    /// A machine client of the JSON API.
    case api
}

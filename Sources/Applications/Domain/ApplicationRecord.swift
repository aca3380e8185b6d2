// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore

/// What an agent asked the person to fix.
package struct ChangeRequest: Codable, Equatable, Sendable {
    package var fields: [String]
    package var note: String
}

/// An application as stored. `answers` hold personal data: only its owner (browser token or reference + PIN) and the
/// agents of its institution (each opening audited) ever see them. Times are the stored UTC ISO 8601 text
/// (`Timestamps`); pages read them as dates.
package struct ApplicationRecord: Sendable {
    package var id: String
    package var reference: String?
    package var procedureId: String
    package var formId: Int
    package var institutionId: String
    package var country: String
    package var status: ApplicationStatus
    package var channel: FilingChannel
    package var centreId: String?
    package var ticketId: String?
    package var filedBy: String?
    package var ownerHash: String?
    package var answers: [String: String]
    package var revision: Int
    package var assignedTo: String?
    package var requested: ChangeRequest?
    package var createdAt: String
    package var updatedAt: String
    package var submittedAt: String?
    package var dueAt: String?
    package var decidedAt: String?

    /// Still waiting for the administration after its due date.
    package func isOverdue(at now: Date) -> Bool {
        guard status.isOpen, let due = Timestamps.parse(dueAt) else { return false }
        return due < now
    }

    /// Whether the person may still change this field now: anything in a draft, only what was asked for when the
    /// agent requested changes.
    package func isEditable(_ field: String) -> Bool {
        switch status {
        case .draft: return true
        case .actionRequired: return requested?.fields.contains(field) ?? false
        default: return false
        }
    }

    /// The person may still change it (a draft, or changes asked for).
    package var isOpenToApplicant: Bool { status == .draft || status == .actionRequired }
}

package struct ApplicationEvent: Sendable {
    package var at: String
    package var actor: String
    package var action: String
    package var fromStatus: ApplicationStatus?
    package var toStatus: ApplicationStatus
    package var note: String?
    package var fields: [String]
}

package struct StoredFile: Sendable {
    package var field: String
    package var name: String
    package var mediaType: String
    package var size: Int
    package var sha256: String
    package var uploadedAt: String
}

/// Who files an application and how: the person online, an agent at a centre for a visitor, or an API client.
package struct Filing: Sendable {
    package var channel: FilingChannel
    package var ownerHash: String?
    package var filedBy: String?
    package var centreId: String?
    package var ticketId: String?

    package init(channel: FilingChannel, ownerHash: String? = nil, filedBy: String? = nil, centreId: String? = nil, ticketId: String? = nil) {
        self.channel = channel
        self.ownerHash = ownerHash
        self.filedBy = filedBy
        self.centreId = centreId
        self.ticketId = ticketId
    }
}

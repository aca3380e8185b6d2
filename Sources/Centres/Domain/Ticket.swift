// SPDX-License-Identifier: MPL-2.0
import Foundation

/// Who goes first. Priority tickets rank as if issued `QueueRules.priorityHeadStart` earlier: they pass people who
/// arrived less than that before them, never those who have waited longer, so nobody waits forever.
package enum Priority: String, CaseIterable, Sendable, Codable {
    case none, elderly, disability, pregnancy, appointment
}

package enum Channel: String, CaseIterable, Sendable, Codable {
    case kiosk, reception, remote
}

package enum TicketStatus: String, CaseIterable, Sendable, Codable {
    case waiting, called, serving, done
    case noShow = "no_show"
}

/// What an agent does with the ticket at their counter (transfer, which names a service, is apart).
package enum TicketAction: String, Sendable, CaseIterable {
    case recall, start, finish
    case noShow = "no-show"
}

package enum QueueRules {
    /// A priority ticket's head start in the queue.
    package static let priorityHeadStart: TimeInterval = 20 * 60

    /// The time a ticket issued at `date` ranks at.
    package static func rank(issuedAt date: Date, priority: Priority) -> Date {
        priority == .none ? date : date.addingTimeInterval(-priorityHeadStart)
    }

    /// The ticket's label: the service's letter and its number of the day (A001).
    package static func label(letter: String, number: Int) -> String { letter + String(format: "%03d", number) }

    static let codeAlphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")

    /// Eight characters from an alphabet without look-alikes: about 8.5 × 10¹¹ codes, not guessable in practice.
    package static func newCode() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<8).compactMap { _ in codeAlphabet.randomElement(using: &generator) })
    }
}

/// A ticket as pages and the console see it. The phone number of a remote ticket is never read into it.
package struct Ticket: Sendable, Equatable {
    package var id: String
    package var code: String
    package var centreId: String
    package var serviceId: String
    /// The centre's local day `YYYY-MM-DD` it was issued on (queues are numbered per day).
    package var day: String
    package var number: Int
    package var label: String
    package var priority: String
    package var channel: String
    package var status: String
    package var issuedAt: Date
    package var rankAt: Date
    package var calledAt: Date?
    package var startedAt: Date?
    package var finishedAt: Date?
    package var announcedAt: Date?
    package var counterId: String?
    package var agent: String?
    package var recalls: Int

    package var ticketStatus: TicketStatus { TicketStatus(rawValue: status) ?? .waiting }
    package var ticketPriority: Priority { Priority(rawValue: priority) ?? .none }
}

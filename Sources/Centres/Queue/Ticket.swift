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

package enum QueueRules {
    /// A priority ticket's head start in the queue.
    package static let priorityHeadStart: TimeInterval = 20 * 60
}

/// A ticket as pages and the console see it. The phone number of a remote ticket is never read into it.
package struct Ticket: Sendable, Decodable, Equatable {
    package var id: String
    package var code: String
    package var centreId: String
    package var serviceId: String
    package var day: String
    package var number: Int
    package var label: String
    package var priority: String
    package var channel: String
    package var status: String
    package var issuedAt: String
    package var rankAt: String
    package var calledAt: String?
    package var startedAt: String?
    package var finishedAt: String?
    package var announcedAt: String?
    package var counterId: String?
    package var agent: String?
    package var recalls: Int

    package var ticketStatus: TicketStatus { TicketStatus(rawValue: status) ?? .waiting }
    package var ticketPriority: Priority { Priority(rawValue: priority) ?? .none }

    static let columns = [
        "id", "code", "centre_id", "service_id", "day", "number", "label", "priority", "channel", "status", "issued_at", "rank_at", "called_at",
        "started_at", "finished_at", "announced_at", "counter_id", "agent", "recalls",
    ]
}

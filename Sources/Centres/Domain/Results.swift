// SPDX-License-Identifier: MPL-2.0
import Foundation

/// The times of one ticket, as the results and the dashboard count them.
package struct TicketTimes: Sendable, Equatable {
    package var serviceId: String
    package var status: TicketStatus
    package var issuedAt: Date
    package var calledAt: Date?
    package var startedAt: Date?
    package var finishedAt: Date?
    /// Who served it (the audit actor, e.g. `user:<id>`).
    package var agent: String?

    /// Seconds from issue to call, once called.
    var waitSeconds: Double? { calledAt.map { max(0, $0.timeIntervalSince(issuedAt)) } }

    /// Seconds from start to finish, once served.
    var serviceSeconds: Double? {
        guard status == .done, let startedAt, let finishedAt else { return nil }
        return max(0, finishedAt.timeIntervalSince(startedAt))
    }
}

/// A month's results of a centre or of the network, computed from tickets and feedback.
package struct MonthlyResult: Sendable, Equatable {
    package var month: String
    /// Tickets issued in the month that were called (served or not showing up).
    package var called = 0
    /// Of those, called within the wait commitment's minutes of being issued.
    package var calledWithin = 0
    package var noShows = 0
    package var feedback = 0
    /// Answers "satisfied" or "very satisfied" (3 or 4 of 4).
    package var satisfied = 0
    package var totalWaitSeconds = 0.0

    package init(month: String) {
        self.month = month
    }

    /// Percentages rounded to one decimal; nil when nothing was measured.
    package var withinPercent: Double? { Self.percent(calledWithin, called) }
    package var satisfactionPercent: Double? { Self.percent(satisfied, feedback) }
    package var averageWaitMinutes: Double? { called == 0 ? nil : (totalWaitSeconds / Double(called) / 60 * 10).rounded() / 10 }

    static func percent(_ part: Int, _ whole: Int) -> Double? {
        whole == 0 ? nil : (Double(part) * 1000 / Double(whole)).rounded() / 10
    }

    /// A ticket issued in the month; only called ones count.
    mutating func count(_ ticket: TicketTimes, waitMinutes: Int) {
        guard let wait = ticket.waitSeconds else { return }
        called += 1
        totalWaitSeconds += wait
        if wait <= Double(waitMinutes * 60) { calledWithin += 1 }
        if ticket.status == .noShow { noShows += 1 }
    }

    /// The month's feedback ratings (1 to 4).
    mutating func count(ratings: [Int]) {
        feedback += ratings.count
        satisfied += ratings.filter(FeedbackAnswer.isSatisfied).count
    }

    mutating func add(_ other: MonthlyResult) {
        called += other.called
        calledWithin += other.calledWithin
        noShows += other.noShows
        feedback += other.feedback
        satisfied += other.satisfied
        totalWaitSeconds += other.totalWaitSeconds
    }

    /// The `count` months ending with the month of `date` (in `zone`), oldest first.
    package static func months(endingAt date: Date, count: Int, in zone: TimeZone) -> [String] {
        let parts = CentreClock.calendar(zone).dateComponents([.year, .month], from: date)
        guard let year = parts.year, let month = parts.month else { return [] }
        return (0..<count).reversed().map { back in
            let index = year * 12 + (month - 1) - back
            return String(format: "%04d-%02d", index / 12, index % 12 + 1)
        }
    }
}

/// Counts and mean minutes of one group of a day's tickets (the manager's dashboard).
package struct DayFigures: Sendable, Equatable {
    package var issued = 0
    package var waiting = 0
    package var called = 0
    package var served = 0
    package var noShows = 0
    var waitSeconds = 0.0
    var serviceSeconds = 0.0

    package init() {}

    package var meanWaitMinutes: Double? { called == 0 ? nil : (waitSeconds / Double(called) / 6).rounded() / 10 }
    package var meanServiceMinutes: Double? { served == 0 ? nil : (serviceSeconds / Double(served) / 6).rounded() / 10 }

    mutating func add(_ ticket: TicketTimes) {
        issued += 1
        if ticket.status == .waiting { waiting += 1 }
        if ticket.status == .noShow { noShows += 1 }
        if let wait = ticket.waitSeconds {
            called += 1
            waitSeconds += wait
        }
        if let service = ticket.serviceSeconds {
            served += 1
            serviceSeconds += service
        }
    }
}

/// A centre's day for its manager: the flow, waiting and service times by hour, per service and per agent, no-shows
/// and satisfaction. Tickets belong to the local day they were taken; hours are the centre's.
package struct DayReport: Sendable, Equatable {
    package var total = DayFigures()
    /// Local hour (0–23) the tickets were taken.
    package var byHour: [Int: DayFigures] = [:]
    package var byService: [String: DayFigures] = [:]
    /// Served tickets per agent (the audit actor, e.g. `user:<id>`).
    package var byAgent: [String: DayFigures] = [:]
    package var answers = 0
    package var satisfied = 0

    package init() {}

    package var satisfactionPercent: Double? { MonthlyResult.percent(satisfied, answers) }

    mutating func add(_ ticket: TicketTimes, in zone: TimeZone) {
        total.add(ticket)
        byHour[CentreClock.minutesOfDay(ticket.issuedAt, in: zone) / 60, default: DayFigures()].add(ticket)
        byService[ticket.serviceId, default: DayFigures()].add(ticket)
        if ticket.status == .done, let agent = ticket.agent { byAgent[agent, default: DayFigures()].add(ticket) }
    }

    mutating func count(ratings: [Int]) {
        answers += ratings.count
        satisfied += ratings.filter(FeedbackAnswer.isSatisfied).count
    }
}

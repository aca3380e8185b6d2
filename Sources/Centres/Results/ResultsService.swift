import FluentKit
import Foundation
import GuichetCore
import SQLKit

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

    mutating func add(_ other: MonthlyResult) {
        called += other.called
        calledWithin += other.calledWithin
        noShows += other.noShows
        feedback += other.feedback
        satisfied += other.satisfied
        totalWaitSeconds += other.totalWaitSeconds
    }
}

/// "Nos engagements, nos résultats": each month is counted in the centre's own time zone.
package struct ResultsService: Sendable {
    let sql: any SQLDatabase

    package init(database: any Database) {
        self.sql = database.sql
    }

    /// The wait threshold of the commitments (20 minutes unless the network says otherwise).
    package static func waitMinutes(_ commitments: [Commitment]) -> Int {
        commitments.first { $0.kind == .wait }?.minutes ?? 20
    }

    struct TicketTimes: Decodable { let issuedAt: String, calledAt: String?, status: String }
    struct Rating: Decodable { let rating: Int }

    package func result(centre: Centre, month: String, waitMinutes: Int) async throws -> MonthlyResult {
        var result = MonthlyResult(month: month)
        guard let bounds = CentreClock.monthBounds(month, in: centre.timeZone) else { return result }
        let start = CentreClock.stamp(bounds.start)
        let end = CentreClock.stamp(bounds.end)
        let tickets = try await sql.select().columns("issued_at", "called_at", "status").from("centre_tickets").where("centre_id", .equal, centre.id)
            .where("issued_at", .greaterThanOrEqual, start).where("issued_at", .lessThan, end)
            .all(decoding: TicketTimes.self, keyDecodingStrategy: .convertFromSnakeCase)
        for ticket in tickets {
            guard let issued = CentreClock.parse(ticket.issuedAt), let called = CentreClock.parse(ticket.calledAt) else { continue }
            let wait = max(0, called.timeIntervalSince(issued))
            result.called += 1
            result.totalWaitSeconds += wait
            if wait <= Double(waitMinutes * 60) { result.calledWithin += 1 }
            if ticket.status == TicketStatus.noShow.rawValue { result.noShows += 1 }
        }
        let ratings = try await sql.select().column("rating").from("centre_feedback").where("centre_id", .equal, centre.id)
            .where("created_at", .greaterThanOrEqual, start).where("created_at", .lessThan, end).all(decoding: Rating.self)
        result.feedback = ratings.count
        result.satisfied = ratings.filter { $0.rating >= 3 }.count
        return result
    }

    /// Per centre (only centres with any activity) and the network's total, for one month.
    package func network(centres: [Centre], month: String, waitMinutes: Int) async throws -> (total: MonthlyResult, byCentre: [(Centre, MonthlyResult)]) {
        var total = MonthlyResult(month: month)
        var byCentre: [(Centre, MonthlyResult)] = []
        struct IdRow: Decodable { let centreId: String }
        let active = Set(
            try await sql.raw("SELECT DISTINCT centre_id FROM centre_tickets UNION SELECT DISTINCT centre_id FROM centre_feedback")
                .all(decoding: IdRow.self, keyDecodingStrategy: .convertFromSnakeCase).map(\.centreId))
        for centre in centres where active.contains(centre.id) {
            let result = try await result(centre: centre, month: month, waitMinutes: waitMinutes)
            guard result.called > 0 || result.feedback > 0 else { continue }
            total.add(result)
            byCentre.append((centre, result))
        }
        return (total, byCentre)
    }

    /// The `count` months ending with the month of `date` (in `zone`), oldest first.
    package static func months(endingAt date: Date, count: Int, in zone: TimeZone) -> [String] {
        let last = CentreClock.month(date, in: zone)
        let parts = last.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2 else { return [last] }
        return (0..<count).reversed().map { back in
            let index = parts[0] * 12 + (parts[1] - 1) - back
            return String(format: "%04d-%02d", index / 12, index % 12 + 1)
        }
    }
}

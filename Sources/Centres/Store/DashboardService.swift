// SPDX-License-Identifier: MPL-2.0
import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// The figures of a centre's day for its manager (`DayReport`), from its tickets and the feedback given that local day.
package struct DashboardService: Sendable {
    let sql: any SQLDatabase
    /// The demo's simulated rows count only in the demo.
    let simulated: SimulatedRows

    /// Reads through the database's fastest path (`DatabaseService.sql`).
    package init(database: DatabaseService, simulated: SimulatedRows = .excluded) {
        self.sql = database.sql
        self.simulated = simulated
    }

    struct Row: Decodable {
        let serviceId: String
        let status: String
        let issuedAt: String
        let calledAt: String?
        let startedAt: String?
        let finishedAt: String?
        let agent: String?

        var times: TicketTimes? {
            guard let issued = Timestamps.parse(issuedAt), let status = TicketStatus(rawValue: status) else { return nil }
            return TicketTimes(
                serviceId: serviceId, status: status, issuedAt: issued, calledAt: Timestamps.parse(calledAt),
                startedAt: Timestamps.parse(startedAt),
                finishedAt: Timestamps.parse(finishedAt), agent: agent)
        }
    }

    /// `day` is the centre's local day `YYYY-MM-DD`.
    package func day(centre: Centre, day: String) async throws -> DayReport {
        var result = DayReport()
        let zone = centre.timeZone
        let rows = try await sql.select().columns("service_id", "status", "issued_at", "called_at", "started_at", "finished_at", "agent")
            .from("centre_tickets").where("centre_id", .equal, centre.id).where("day", .equal, day).filtering(simulated)
            .all(decoding: Row.self, keyDecodingStrategy: .snakeCaseColumns)
        for ticket in rows.compactMap(\.times) { result.add(ticket, in: zone) }
        guard let parsed = InputParser.day(day),
            let start = CentreClock.calendar(zone).date(from: DateComponents(year: parsed.year, month: parsed.month, day: parsed.day)),
            let end = CentreClock.calendar(zone).date(byAdding: .day, value: 1, to: start)
        else { return result }
        struct Rating: Decodable { let rating: Int }
        let ratings = try await sql.select().column("rating").from("centre_feedback").where("centre_id", .equal, centre.id)
            .where("created_at", .greaterThanOrEqual, CentreClock.stamp(start)).where("created_at", .lessThan, CentreClock.stamp(end))
            .filtering(simulated).all(decoding: Rating.self)
        result.count(ratings: ratings.map(\.rating))
        return result
    }

    package static func isDay(_ text: String) -> Bool {
        InputParser.day(text) != nil
    }
}

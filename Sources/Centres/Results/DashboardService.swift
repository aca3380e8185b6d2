import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// A centre's day for its manager: the flow, waiting and service times by hour, per service and per agent, no-shows and
/// satisfaction. Tickets belong to the local day they were taken; times are shown in the centre's time zone.
package struct DashboardService: Sendable {
    let sql: any SQLDatabase

    package init(database: any Database) {
        self.sql = database.sql
    }

    /// Counts and mean minutes of one group of tickets.
    package struct Figures: Sendable, Equatable {
        package var issued = 0
        package var waiting = 0
        package var called = 0
        package var served = 0
        package var noShows = 0
        var waitSeconds = 0.0
        var serviceSeconds = 0.0

        package var meanWaitMinutes: Double? { called == 0 ? nil : (waitSeconds / Double(called) / 6).rounded() / 10 }
        package var meanServiceMinutes: Double? { served == 0 ? nil : (serviceSeconds / Double(served) / 6).rounded() / 10 }

        mutating func add(_ ticket: Row) {
            issued += 1
            if ticket.status == TicketStatus.waiting.rawValue { waiting += 1 }
            if ticket.status == TicketStatus.noShow.rawValue { noShows += 1 }
            if let issuedAt = CentreClock.parse(ticket.issuedAt), let calledAt = CentreClock.parse(ticket.calledAt) {
                called += 1
                waitSeconds += max(0, calledAt.timeIntervalSince(issuedAt))
            }
            if ticket.status == TicketStatus.done.rawValue, let start = CentreClock.parse(ticket.startedAt), let end = CentreClock.parse(ticket.finishedAt) {
                served += 1
                serviceSeconds += max(0, end.timeIntervalSince(start))
            }
        }
    }

    package struct Day: Sendable, Equatable {
        package var total = Figures()
        /// Local hour (0–23) the tickets were taken.
        package var byHour: [Int: Figures] = [:]
        package var byService: [String: Figures] = [:]
        /// Served tickets per agent (the audit actor, e.g. `user:<id>`).
        package var byAgent: [String: Figures] = [:]
        package var answers = 0
        package var satisfied = 0

        package var satisfactionPercent: Double? { MonthlyResult.percent(satisfied, answers) }
    }

    struct Row: Decodable {
        let serviceId: String
        let status: String
        let issuedAt: String
        let calledAt: String?
        let startedAt: String?
        let finishedAt: String?
        let agent: String?
    }

    package func day(centre: Centre, day: String) async throws -> Day {
        var result = Day()
        let zone = centre.timeZone
        let rows = try await sql.select().columns("service_id", "status", "issued_at", "called_at", "started_at", "finished_at", "agent")
            .from("centre_tickets").where("centre_id", .equal, centre.id).where("day", .equal, day)
            .all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        for row in rows {
            result.total.add(row)
            if let issued = CentreClock.parse(row.issuedAt) { result.byHour[CentreClock.minutesOfDay(issued, in: zone) / 60, default: Figures()].add(row) }
            result.byService[row.serviceId, default: Figures()].add(row)
            if row.status == TicketStatus.done.rawValue, let agent = row.agent { result.byAgent[agent, default: Figures()].add(row) }
        }
        guard let start = CentreClock.calendar(zone).date(from: Self.components(day)),
            let end = CentreClock.calendar(zone).date(byAdding: .day, value: 1, to: start)
        else { return result }
        struct Rating: Decodable { let rating: Int }
        let ratings = try await sql.select().column("rating").from("centre_feedback").where("centre_id", .equal, centre.id)
            .where("created_at", .greaterThanOrEqual, CentreClock.stamp(start)).where("created_at", .lessThan, CentreClock.stamp(end))
            .all(decoding: Rating.self)
        result.answers = ratings.count
        result.satisfied = ratings.filter { $0.rating >= 3 }.count
        return result
    }

    static func components(_ day: String) -> DateComponents {
        let parts = day.split(separator: "-").compactMap { Int($0) }
        return parts.count == 3 ? DateComponents(year: parts[0], month: parts[1], day: parts[2]) : DateComponents()
    }

    package static func isDay(_ text: String) -> Bool {
        InputParser.day(text) != nil
    }
}

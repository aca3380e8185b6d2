// SPDX-License-Identifier: MPL-2.0
import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// "Nos engagements, nos résultats" (`MonthlyResult`): each month is counted in the centre's own time zone.
package struct ResultsService: Sendable {
    let sql: any SQLDatabase
    /// The demo's simulated rows count only in the demo.
    let simulated: SimulatedRows

    /// Reads through the database's fastest path (`DatabaseService.sql`).
    package init(database: DatabaseService, simulated: SimulatedRows = .excluded) {
        self.sql = database.sql
        self.simulated = simulated
    }

    struct TicketRow: Decodable { let serviceId: String, issuedAt: String, calledAt: String?, status: String }
    struct Rating: Decodable { let rating: Int }

    package func result(centre: Centre, month: String, waitMinutes: Int) async throws -> MonthlyResult {
        var result = MonthlyResult(month: month)
        guard let bounds = CentreClock.monthBounds(month, in: centre.timeZone) else { return result }
        let start = CentreClock.stamp(bounds.start)
        let end = CentreClock.stamp(bounds.end)
        let rows = try await sql.select().columns("service_id", "issued_at", "called_at", "status").from("centre_tickets")
            .where("centre_id", .equal, centre.id).where("issued_at", .greaterThanOrEqual, start).where("issued_at", .lessThan, end)
            .filtering(simulated).all(decoding: TicketRow.self, keyDecodingStrategy: .snakeCaseColumns)
        for row in rows {
            guard let issued = Timestamps.parse(row.issuedAt), let status = TicketStatus(rawValue: row.status) else { continue }
            result.count(
                TicketTimes(serviceId: row.serviceId, status: status, issuedAt: issued, calledAt: Timestamps.parse(row.calledAt)),
                waitMinutes: waitMinutes)
        }
        let ratings = try await sql.select().column("rating").from("centre_feedback").where("centre_id", .equal, centre.id)
            .where("created_at", .greaterThanOrEqual, start).where("created_at", .lessThan, end).filtering(simulated).all(decoding: Rating.self)
        result.count(ratings: ratings.map(\.rating))
        return result
    }

    /// Per centre (only centres with any activity) and the network's total, for one month.
    package func network(centres: [Centre], month: String, waitMinutes: Int) async throws -> (
        total: MonthlyResult, byCentre: [(Centre, MonthlyResult)]
    ) {
        var total = MonthlyResult(month: month)
        var byCentre: [(Centre, MonthlyResult)] = []
        struct IdRow: Decodable { let centreId: String }
        let active = Set(
            try await sql.raw(
                """
                SELECT DISTINCT centre_id FROM centre_tickets WHERE 1 = 1\(simulated.andExcluded) \
                UNION SELECT DISTINCT centre_id FROM centre_feedback WHERE 1 = 1\(simulated.andExcluded)
                """
            )
            .all(decoding: IdRow.self, keyDecodingStrategy: .snakeCaseColumns).map(\.centreId))
        for centre in centres where active.contains(centre.id) {
            let result = try await result(centre: centre, month: month, waitMinutes: waitMinutes)
            guard result.called > 0 || result.feedback > 0 else { continue }
            total.add(result)
            byCentre.append((centre, result))
        }
        return (total, byCentre)
    }
}

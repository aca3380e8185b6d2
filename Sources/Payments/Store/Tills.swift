// SPDX-License-Identifier: MPL-2.0
import Audit
import Foundation
import GuichetCore
import SQLKit

/// A counter agent's till for a day: what they took in cash and by card, closed once with its totals (audited); after
/// that the agent records no more payment that day.
package struct Tills: Sendable {
    let database: DatabaseService
    let clock: any WallClock

    package init(database: DatabaseService, clock: any WallClock) {
        self.database = database
        self.clock = clock
    }

    package struct Day: Sendable {
        package var payments: [PaymentRequest]
        package var totals: [String: [String: Int]]
        package var closedAt: String?
    }

    func isClosed(centre: String, agent: String, day: String) async throws -> Bool {
        try await database.sql.raw(
            "SELECT id FROM payment_tills WHERE centre_id = \(bind: centre) AND agent = \(bind: agent) AND day = \(bind: day)"
        ).first() != nil
    }

    /// The agent's counter payments of the day (UTC), totals by method and currency.
    package func day(centre: String, agent: String, day: String) async throws -> Day {
        let payments = try await database.sql.raw(
            """
            SELECT * FROM payment_requests WHERE centre_id = \(bind: centre) AND actor = \(bind: agent) AND method IN ('cash', 'card') \
            AND status = 'successful' AND created_at >= \(bind: day + "T00:00:00") AND created_at <= \(bind: day + "T23:59:59.999Z") \
            ORDER BY created_at
            """
        ).all(decoding: PaymentRequest.self, keyDecodingStrategy: .snakeCaseColumns)
        var totals: [String: [String: Int]] = [:]
        for payment in payments { totals[payment.method, default: [:]][payment.currency, default: 0] += payment.amount }
        let closed = try await database.sql.raw(
            "SELECT closed_at FROM payment_tills WHERE centre_id = \(bind: centre) AND agent = \(bind: agent) AND day = \(bind: day)"
        ).first(decoding: ClosedRow.self, keyDecodingStrategy: .snakeCaseColumns)
        return Day(payments: payments, totals: totals, closedAt: closed?.closedAt)
    }

    struct ClosedRow: Decodable {
        let closedAt: String
    }

    /// Closes today's till with its totals; closing it again changes nothing.
    package func close(centre: String, agent: String) async throws -> Day {
        let now = clock.now
        let today = Timestamps.day(now)
        let current = try await day(centre: centre, agent: agent, day: today)
        guard current.closedAt == nil else { return current }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let totals = String(decoding: try encoder.encode(current.totals), as: UTF8.self)
        let id = RandomID.uuid()
        let stamp = AuditLog.timestamp(now)
        try await database.writeTransaction { db in
            let inserted = try await db.sql.raw(
                """
                INSERT INTO payment_tills (id, centre_id, agent, day, payments, totals, closed_at) VALUES (\(bind: id), \(bind: centre), \
                \(bind: agent), \(bind: today), \(bind: current.payments.count), \(bind: totals), \(bind: stamp)) \
                ON CONFLICT (centre_id, agent, day) DO NOTHING RETURNING id
                """
            ).all()
            guard !inserted.isEmpty else { return }
            try await AuditLog.append(
                AuditEntry(
                    actor: agent, action: "payment.till_closed", entity: "payment_till", entityId: id,
                    summary: "\(centre) \(today): \(current.payments.count) payments, \(totals)"), on: db)
        }
        return try await day(centre: centre, agent: agent, day: today)
    }
}

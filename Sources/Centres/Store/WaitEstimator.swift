// SPDX-License-Identifier: MPL-2.0
import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// The figures the wait estimate (`WaitRules`) is made of: recent service times and recent waits of a service.
package struct WaitEstimator: Sendable {
    let sql: any SQLDatabase
    let clock: any WallClock
    /// The demo's simulated rows count only in the demo.
    let simulated: SimulatedRows

    /// Reads through the database's fastest path (`DatabaseService.sql`).
    package init(database: DatabaseService, clock: any WallClock = SystemClock(), simulated: SimulatedRows = .excluded) {
        self.sql = database.sql
        self.clock = clock
        self.simulated = simulated
    }

    struct SpanRow: Decodable { let start: String?, end: String? }

    func spans(_ rows: [SpanRow]) -> [Double] {
        WaitRules.minutes(rows.map { (start: Timestamps.parse($0.start), end: Timestamps.parse($0.end)) })
    }

    /// Mean service minutes of a service, with the number of tickets it comes from.
    package func serviceMinutes(service: String, now: Date) async throws -> (minutes: Double, samples: Int) {
        let since = CentreClock.stamp(now.addingTimeInterval(-WaitRules.serviceWindow))
        let rows = try await sql.select().column("started_at", as: "start").column("finished_at", as: "end").from("centre_tickets")
            .where("service_id", .equal, service).where("status", .equal, TicketStatus.done.rawValue).where("finished_at", .greaterThanOrEqual, since)
            .where("started_at", .isNot, SQLLiteral.null).filtering(simulated).orderBy("finished_at", .descending).limit(WaitRules.sampleSize).all(
                decoding: SpanRow.self)
        return WaitRules.serviceMinutes(spans(rows))
    }

    /// Mean minutes between issue and call of the service's latest tickets called in the last two hours (at most
    /// `WaitRules.sampleSize` of them: a busy service's two hours are hundreds of calls, read on every ticket page).
    package func recentWaitMinutes(service: String, now: Date) async throws -> Double? {
        let since = CentreClock.stamp(now.addingTimeInterval(-WaitRules.recentCallWindow))
        let rows = try await sql.select().column("issued_at", as: "start").column("called_at", as: "end").from("centre_tickets")
            .where("service_id", .equal, service).where("called_at", .greaterThanOrEqual, since).filtering(simulated)
            .orderBy("called_at", .descending).limit(WaitRules.sampleSize).all(decoding: SpanRow.self)
        let waits = spans(rows)
        return waits.isEmpty ? nil : waits.reduce(0, +) / Double(waits.count)
    }

    /// Minutes a person with `ahead` people before them can expect to wait; nil when not known.
    package func estimate(service: String, ahead: Int, openCounters: Int, now: Date? = nil) async throws -> Int? {
        let now = now ?? clock.now
        if openCounters > 0 {
            let (minutes, _) = try await serviceMinutes(service: service, now: now)
            return WaitRules.combine(ahead: ahead, serviceMinutes: minutes, counters: openCounters)
        }
        return try await recentWaitMinutes(service: service, now: now).map { $0.clampedInt(.up) }
    }
}

// SPDX-License-Identifier: MPL-2.0
import Audit
import Foundation
import GuichetCore
import SQLKit

/// The demo's 90 days of simulated activity in about a dozen of its centres (`CentresSimulationPlan`), written at
/// `serve --demo` on an empty database so that the results, the centre pages, the dashboards and the ecosystem's
/// ranking have figures. Every row it writes is flagged `simulated`: only a demo counts them (`SimulatedRows`). The run
/// is one audit event (actor `system:demo`, the counts in its summary), not one per row.
package enum CentresSimulation {
    package struct Settings: Sendable, Equatable {
        package var seed: UInt64
        package var days: Int
        package var centres: Int

        package init(seed: UInt64 = 20_261_213, days: Int = 90, centres: Int = 12) {
            self.seed = seed
            self.days = days
            self.centres = centres
        }
    }

    package struct Counts: Sendable, Equatable, CustomStringConvertible {
        package var centres = 0
        package var tickets = 0
        package var served = 0
        package var noShows = 0
        package var feedback = 0
        package var appointments = 0

        package var description: String {
            "\(centres) centres: \(tickets) tickets (\(served) served, \(noShows) no-shows), \(feedback) answers, \(appointments) appointments"
        }
    }

    /// The open centres that have hours, services and counters, taken in turn from each country (so that every
    /// country of the directory has some), at most `limit`.
    static func centres(_ directory: DirectoryRepository, limit: Int, now: Date) async throws -> [SimulatedCentre] {
        var byCountry: [String: [SimulatedCentre]] = [:]
        for centre in try await directory.centres() where centre.isOpenStatus {
            let hours = try await directory.hours(centre.id)
            let services = try await directory.services(centre.id)
            let counters = try await directory.counters(centre.id)
            guard !hours.isEmpty, !services.isEmpty, !counters.isEmpty else { continue }
            let from = CentreClock.day(now.addingTimeInterval(-400 * 86_400), in: centre.timeZone)
            let closed = Set(try await directory.closures(centre.id, from: from).map(\.day))
            byCountry[centre.country, default: []].append(
                SimulatedCentre(centre: centre, hours: hours, closedDays: closed, services: services, counters: counters))
        }
        var chosen: [SimulatedCentre] = []
        var round = 0
        let countries = byCountry.keys.sorted()
        while chosen.count < limit, countries.contains(where: { (byCountry[$0]?.count ?? 0) > round }) {
            for country in countries {
                if let list = byCountry[country], list.indices.contains(round), chosen.count < limit { chosen.append(list[round]) }
            }
            round += 1
        }
        return chosen
    }

    /// What the simulation would write for these settings at `now` (the same every time).
    static func plan(directory: DirectoryRepository, now: Date, settings: Settings) async throws -> CentresSimulationPlan {
        CentresSimulationPlan(
            centres: try await centres(directory, limit: settings.centres, now: now), now: now, days: settings.days, seed: settings.seed)
    }

    /// Whether a simulation was already written.
    package static func hasRun(database: DatabaseService) async throws -> Bool {
        try await database.sql.select().column("id").from("centre_tickets").where("simulated", .equal, SQLLiteral.boolean(true)).limit(1)
            .first() != nil
    }

    /// Writes the simulated history once (nothing when some is already there) and returns what it wrote.
    @discardableResult
    package static func run(database: DatabaseService, now: Date = Date(), settings: Settings = Settings()) async throws -> Counts {
        guard try await !hasRun(database: database) else { return Counts() }
        let plan = try await plan(directory: DirectoryRepository(database: database), now: now, settings: settings)
        let counts = plan.counts
        guard counts.tickets + counts.feedback > 0 else { return counts }
        try await database.writeTransaction { db in
            let sql = db.sql
            try await write(plan, on: sql)
            try await AuditLog.append(
                AuditEntry(
                    actor: "system:demo", action: "simulation.generated", entity: "centres", entityId: "simulation",
                    summary: "\(settings.days) days, seed \(settings.seed), \(counts)"), on: db, at: now)
        }
        return counts
    }

    /// Few statements: rows go in batches (well under SQLite's and PostgreSQL's limits on bound values).
    static func write(_ plan: CentresSimulationPlan, on sql: any SQLDatabase) async throws {
        let batch = 400
        for start in stride(from: 0, to: plan.tickets.count, by: batch) {
            let insert = sql.insert(into: "centre_tickets").columns(
                "id", "code", "centre_id", "service_id", "day", "number", "label", "priority", "channel", "status", "issued_at", "rank_at",
                "called_at", "started_at", "finished_at", "announced_at", "counter_id", "agent", "recalls", "simulated")
            for t in plan.tickets[start..<min(start + batch, plan.tickets.count)] {
                insert.values(
                    SQLBind(t.id), SQLBind(t.code), SQLBind(t.centreId), SQLBind(t.serviceId), SQLBind(t.day), SQLBind(t.number), SQLBind(t.label),
                    SQLBind(t.priority.rawValue), SQLBind(t.channel.rawValue), SQLBind(t.status.rawValue), SQLBind(CentreClock.stamp(t.issuedAt)),
                    SQLBind(CentreClock.stamp(t.rankAt)), SQLBind(CentreClock.stamp(t.calledAt)), SQLBind(t.startedAt.map(CentreClock.stamp)),
                    SQLBind(CentreClock.stamp(t.finishedAt)), SQLBind(CentreClock.stamp(t.calledAt)), SQLBind(t.counterId), SQLBind(t.agent),
                    SQLBind(t.recalls), SQLLiteral.boolean(true))
            }
            try await insert.run()
        }
        for start in stride(from: 0, to: plan.feedback.count, by: batch) {
            let insert = sql.insert(into: "centre_feedback").columns(
                "id", "centre_id", "service_id", "ticket_id", "rating", "reason", "source", "created_at", "simulated")
            for f in plan.feedback[start..<min(start + batch, plan.feedback.count)] {
                insert.values(
                    SQLBind(f.id), SQLBind(f.centreId), SQLBind(f.serviceId), SQLBind(f.ticketId), SQLBind(f.rating), SQLBind(f.reason),
                    SQLBind(f.source.rawValue), SQLBind(CentreClock.stamp(f.createdAt)), SQLLiteral.boolean(true))
            }
            try await insert.run()
        }
        for start in stride(from: 0, to: plan.appointments.count, by: batch) {
            let insert = sql.insert(into: "centre_appointments").columns(
                "id", "code", "centre_id", "service_id", "slot_start", "status", "ticket_id", "created_at", "simulated")
            for a in plan.appointments[start..<min(start + batch, plan.appointments.count)] {
                insert.values(
                    SQLBind(a.id), SQLBind(a.code), SQLBind(a.centreId), SQLBind(a.serviceId), SQLBind(CentreClock.stamp(a.slotStart)),
                    SQLBind(a.status), SQLBind(a.ticketId), SQLBind(CentreClock.stamp(a.createdAt)), SQLLiteral.boolean(true))
            }
            try await insert.run()
        }
        // Today's queues go on after the simulated tickets (a ticket taken now does not repeat a label).
        for queue in plan.queueDays {
            try await sql.raw(
                """
                INSERT INTO centre_queue_days (service_id, day, last_number) VALUES (\(bind: queue.serviceId), \(bind: queue.day), \(bind: queue.last)) \
                ON CONFLICT (service_id, day) DO UPDATE SET last_number = CASE WHEN centre_queue_days.last_number > excluded.last_number \
                THEN centre_queue_days.last_number ELSE excluded.last_number END
                """
            ).run()
        }
    }
}

import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// Estimated waits. For a person with `k` people ahead in a service served by `c` open counters:
/// `k × s / c`, where `s` is the mean service time (start → finish) of the service's last 30 finished tickets of the
/// last 14 days (6 minutes while fewer than 5 are known). With no counter open for the service, the estimate is the
/// mean wait (issue → call) of the tickets called in the last 2 hours, or unknown when there are none.
package struct WaitEstimator: Sendable {
    let sql: any SQLDatabase

    package init(database: any Database) {
        self.sql = database.sql
    }

    package static let defaultServiceMinutes = 6.0
    package static let sampleSize = 30
    package static let minimumSamples = 5

    struct SpanRow: Decodable { let start: String?, end: String? }

    /// Mean service minutes of a service, with the number of tickets it comes from.
    package func serviceMinutes(service: String, now: Date) async throws -> (minutes: Double, samples: Int) {
        let since = CentreClock.stamp(now.addingTimeInterval(-14 * 86_400))
        let rows = try await sql.select().column("started_at", as: "start").column("finished_at", as: "end").from("centre_tickets")
            .where("service_id", .equal, service).where("status", .equal, TicketStatus.done.rawValue).where("finished_at", .greaterThanOrEqual, since)
            .where("started_at", .isNot, SQLLiteral.null).orderBy("finished_at", .descending).limit(Self.sampleSize).all(decoding: SpanRow.self)
        let durations = rows.compactMap { row -> Double? in
            guard let start = CentreClock.parse(row.start), let end = CentreClock.parse(row.end), end >= start else { return nil }
            return end.timeIntervalSince(start) / 60
        }
        guard durations.count >= Self.minimumSamples else { return (Self.defaultServiceMinutes, durations.count) }
        return (durations.reduce(0, +) / Double(durations.count), durations.count)
    }

    /// Mean minutes between issue and call of the service's tickets called in the last two hours.
    package func recentWaitMinutes(service: String, now: Date) async throws -> Double? {
        let since = CentreClock.stamp(now.addingTimeInterval(-2 * 3600))
        let rows = try await sql.select().column("issued_at", as: "start").column("called_at", as: "end").from("centre_tickets")
            .where("service_id", .equal, service).where("called_at", .greaterThanOrEqual, since).all(decoding: SpanRow.self)
        let waits = rows.compactMap { row -> Double? in
            guard let start = CentreClock.parse(row.start), let end = CentreClock.parse(row.end), end >= start else { return nil }
            return end.timeIntervalSince(start) / 60
        }
        return waits.isEmpty ? nil : waits.reduce(0, +) / Double(waits.count)
    }

    package func estimate(service: String, ahead: Int, openCounters: Int, now: Date = Date()) async throws -> Int? {
        if openCounters > 0 {
            let (minutes, _) = try await serviceMinutes(service: service, now: now)
            return Self.combine(ahead: ahead, serviceMinutes: minutes, counters: openCounters)
        }
        return try await recentWaitMinutes(service: service, now: now).map { $0.clampedInt(.up) }
    }

    /// `k × s / c`, rounded up to the minute.
    package static func combine(ahead: Int, serviceMinutes: Double, counters: Int) -> Int {
        (Double(ahead) * serviceMinutes / Double(max(counters, 1))).clampedInt(.up)
    }

    /// Open counters per service of a centre.
    package static func openCounters(_ counters: [Counter]) -> [String: Int] {
        var result: [String: Int] = [:]
        for counter in counters where counter.isOpen {
            for service in counter.serviceIds { result[service, default: 0] += 1 }
        }
        return result
    }
}

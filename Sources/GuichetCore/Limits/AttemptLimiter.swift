// SPDX-License-Identifier: MPL-2.0
import FluentKit
import Foundation
import NIOConcurrencyHelpers
import SQLKit

/// Limits that hold under concurrency. Counting and recording an attempt are one transaction, one attempt at a time per
/// bucket (SQLite's single writer; a PostgreSQL advisory lock on the bucket), so however many arrive at once exactly
/// `limit` are let through in a window — never "all of them, because each counted before the others wrote". The
/// attempt is recorded before the expensive or secret check it guards (bcrypt, a PIN); one that turns out not to
/// count (a right password) is released.
package struct AttemptLimiter: Sendable {
    package struct Rule: Sendable, Equatable {
        /// What is counted: `signin-account:<sha256>`, `track-ref:<reference>`, `kiosk:<centre>:<device>`…
        package var bucket: String
        package var limit: Int
        package var window: TimeInterval

        package init(bucket: String, limit: Int, window: TimeInterval) {
            self.bucket = bucket
            self.limit = limit
            self.window = window
        }
    }

    /// The rows an admitted attempt wrote.
    package struct Reservation: Sendable {
        package let ids: [Int]
    }

    package static let table = "limit_attempts"

    let database: any Database
    /// On SQLite (one server process per database file) the attempts are kept in the process, under a lock: as exact
    /// as the table, without two synchronous commits per tracking lookup. PostgreSQL, which several processes share,
    /// keeps them in `limit_attempts`.
    let memory: AttemptMemory?
    /// The service whose write transactions these are (SQLite: behind its one-writer queue; PostgreSQL: any of the pool's
    /// connections, the transaction's body on its connection's event loop); nil: `database`'s own transactions.
    let service: DatabaseService?

    package init(database: any Database, service: DatabaseService?, memory: AttemptMemory? = nil) {
        self.database = database
        self.memory = memory
        self.service = service
    }

    package init(_ service: DatabaseService) {
        self.init(database: service.db, service: service, memory: service.dialect == .sqlite ? service.attempts : nil)
    }

    /// One transaction; on SQLite behind the database's one-writer queue (a deferred transaction that upgrades to a
    /// write while another writes fails with SQLITE_BUSY otherwise).
    package func write<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        guard let service else { return try await database.transaction(body) }
        return try await service.writeTransaction(body)
    }

    /// Counts the attempt in every rule's bucket; nil (and nothing kept) when any bucket is already full.
    package func reserve(_ rules: [Rule], now: Date = Date()) async throws -> Reservation? {
        guard !rules.isEmpty else { return Reservation(ids: []) }
        if let memory { return memory.reserve(rules, at: now.timeIntervalSince1970) }
        let at = now.timeIntervalSince1970
        // Buckets in a fixed order, so that two attempts locking the same buckets never wait for each other in a circle.
        let ordered = rules.sorted { $0.bucket < $1.bucket }
        return try await write { db -> Reservation? in
            let sql = db.sql
            let postgres = sql.dialect.name == "postgresql"
            for (index, rule) in ordered.enumerated() {
                if postgres {
                    // One attempt at a time per bucket, until this transaction ends: the count below is then exact. With the
                    // first lock, in the same statement: an attempt lost in a crash only forgives one try, so this commit
                    // need not wait for the disk (`SET LOCAL synchronous_commit TO OFF`).
                    let lock: SQLQueryString = "pg_advisory_xact_lock(\(literal: Self.lockSpace), hashtext(\(bind: rule.bucket)))"
                    if index == 0 {
                        try await sql.raw("SELECT set_config('synchronous_commit', 'off', true), \(lock)").run()
                    } else {
                        try await sql.raw("SELECT \(lock)").run()
                    }
                    // Rows older than their window are of no use to anyone: they go as the bucket is used, in the statement
                    // that counts the others (a statement fewer for every attempt; the count does not see them either way).
                    let row = try await sql.raw(
                        """
                        WITH pruned AS (DELETE FROM limit_attempts WHERE bucket = \(bind: rule.bucket) AND at <= \(bind: at - rule.window)) \
                        SELECT COUNT(*) AS n FROM limit_attempts WHERE bucket = \(bind: rule.bucket) AND at > \(bind: at - rule.window)
                        """
                    ).first()
                    if try row?.decode(column: "n", as: Int.self) ?? 0 >= rule.limit { return nil }
                    continue
                }
                // Rows older than their window are of no use to anyone: they go as the bucket is used.
                try await sql.delete(from: Self.table).where("bucket", .equal, rule.bucket).where("at", .lessThanOrEqual, at - rule.window).run()
                let row = try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(Self.table)
                    .where("bucket", .equal, rule.bucket).where("at", .greaterThan, at - rule.window).first()
                if try row?.decode(column: "n", as: Int.self) ?? 0 >= rule.limit { return nil }
            }
            var ids: [Int] = []
            for rule in ordered {
                let row = try await sql.insert(into: Self.table).columns("bucket", "at").values(SQLBind(rule.bucket), SQLBind(at)).returning("id")
                    .first()
                guard let id = try row?.decode(column: "id", as: Int.self) else { throw AttemptLimiterError.noId }
                ids.append(id)
            }
            return Reservation(ids: ids)
        }
    }

    /// The first key of PostgreSQL's two-key advisory locks taken here (the second is the bucket's hash).
    static let lockSpace = 0x4755_4943

    /// The attempt does not count after all (the password was right, the PIN matched).
    package func release(_ reservation: Reservation) async throws {
        guard !reservation.ids.isEmpty else { return }
        if let memory { return memory.release(reservation) }
        _ = try await write { db in
            try await db.sql.delete(from: Self.table).where("id", .in, reservation.ids).run()
        }
    }

    /// Forgets a bucket (a successful sign-in clears the account's failures).
    package func clear(_ bucket: String) async throws {
        if let memory { return memory.clear(bucket) }
        _ = try await write { db in
            try await db.sql.delete(from: Self.table).where("bucket", .equal, bucket).run()
        }
    }

    /// How many attempts a bucket holds in its window (for tests and dashboards).
    package func count(_ bucket: String, window: TimeInterval, now: Date = Date()) async throws -> Int {
        if let memory { return memory.count(bucket, since: now.timeIntervalSince1970 - window) }
        let row = try await database.sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(Self.table)
            .where("bucket", .equal, bucket).where("at", .greaterThan, now.timeIntervalSince1970 - window).first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }
}

extension AttemptLimiter {
    /// Moves every recorded attempt `seconds` into the past (tests: "once the window has passed").
    package func age(by seconds: TimeInterval) async throws {
        if let memory { return memory.age(by: seconds) }
        _ = try await write { db in try await db.sql.raw("UPDATE limit_attempts SET at = at - \(bind: seconds)").run() }
    }
}

/// The attempts of one process, for SQLite deployments: buckets of times, pruned as they are used and swept now and then.
package final class AttemptMemory: @unchecked Sendable {
    private let lock = NIOLock()
    private var buckets: [String: [(id: Int, at: Double)]] = [:]
    private var nextId = 1
    private var reservesSinceSweep = 0
    /// No limit looks further back than a day: a bucket idle longer than that is dropped at the next sweep.
    static let longestWindow: Double = 86_400

    package init() {}

    func reserve(_ rules: [AttemptLimiter.Rule], at: Double) -> AttemptLimiter.Reservation? {
        lock.withLock {
            sweepIfDue(at: at)
            for rule in rules {
                let kept = (buckets[rule.bucket] ?? []).filter { $0.at > at - rule.window }
                buckets[rule.bucket] = kept.isEmpty ? nil : kept
                if kept.count >= rule.limit { return nil }
            }
            var ids: [Int] = []
            for rule in rules {
                ids.append(nextId)
                buckets[rule.bucket, default: []].append((nextId, at))
                nextId += 1
            }
            return AttemptLimiter.Reservation(ids: ids)
        }
    }

    func release(_ reservation: AttemptLimiter.Reservation) {
        let ids = Set(reservation.ids)
        lock.withLock {
            for (bucket, entries) in buckets where entries.contains(where: { ids.contains($0.id) }) {
                let kept = entries.filter { !ids.contains($0.id) }
                buckets[bucket] = kept.isEmpty ? nil : kept
            }
        }
    }

    func clear(_ bucket: String) {
        lock.withLock { buckets[bucket] = nil }
    }

    func count(_ bucket: String, since: Double) -> Int {
        lock.withLock { (buckets[bucket] ?? []).filter { $0.at > since }.count }
    }

    func age(by seconds: Double) {
        lock.withLock { buckets = buckets.mapValues { $0.map { ($0.id, $0.at - seconds) } } }
    }

    /// Every 10,000 attempts, buckets nobody used for a day go (a flood from many addresses must not fill memory).
    private func sweepIfDue(at: Double) {
        reservesSinceSweep += 1
        guard reservesSinceSweep >= 10_000 else { return }
        reservesSinceSweep = 0
        buckets = buckets.filter { ($0.value.last?.at ?? 0) > at - Self.longestWindow }
    }
}

package enum AttemptLimiterError: Error {
    case noId
}

/// The tables GuichetCore itself owns.
package enum CoreMigrations {
    package static var all: [any Migration] { [CreateLimitAttempts()] }
}

struct CreateLimitAttempts: AsyncMigration {
    var name: String { "2026-12-02-core-limit-attempts" }

    func prepare(on database: any Database) async throws {
        try await database.schema(AttemptLimiter.table)
            .field("id", .int, .identifier(auto: true))
            .field("bucket", .string, .required)
            .field("at", .double, .required)
            .create()
        try await database.sql.create(index: "limit_attempts_bucket_at").on(AttemptLimiter.table).column("bucket").column("at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AttemptLimiter.table).delete()
    }
}

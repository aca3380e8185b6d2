import FluentKit
import Foundation
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
    /// SQLite's one-writer queue (nil on PostgreSQL, where writers run side by side).
    let writeQueue: WriteQueue?

    package init(database: any Database, writeQueue: WriteQueue?) {
        self.database = database
        self.writeQueue = writeQueue
    }

    package init(_ service: DatabaseService) {
        self.init(database: service.db, writeQueue: service.dialect == .sqlite ? service.writeQueue : nil)
    }

    /// One transaction; on SQLite behind the database's one-writer queue (a deferred transaction that upgrades to a
    /// write while another writes fails with SQLITE_BUSY otherwise).
    package func write<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        guard let writeQueue else { return try await database.transaction(body) }
        await writeQueue.acquire()
        do {
            let result = try await database.transaction(body)
            await writeQueue.release()
            return result
        } catch {
            await writeQueue.release()
            throw error
        }
    }

    /// Counts the attempt in every rule's bucket; nil (and nothing kept) when any bucket is already full.
    package func reserve(_ rules: [Rule], now: Date = Date()) async throws -> Reservation? {
        guard !rules.isEmpty else { return Reservation(ids: []) }
        let at = now.timeIntervalSince1970
        // Buckets in a fixed order, so that two attempts locking the same buckets never wait for each other in a circle.
        let ordered = rules.sorted { $0.bucket < $1.bucket }
        return try await write { db -> Reservation? in
            let sql = db.sql
            for rule in ordered {
                if sql.dialect.name == "postgresql" {
                    // One attempt at a time per bucket, until this transaction ends: the count below is then exact.
                    try await sql.raw("SELECT pg_advisory_xact_lock(\(literal: Self.lockSpace), hashtext(\(bind: rule.bucket)))").run()
                }
                // Rows older than their window are of no use to anyone: they go as the bucket is used.
                try await sql.delete(from: Self.table).where("bucket", .equal, rule.bucket).where("at", .lessThanOrEqual, at - rule.window).run()
                let row = try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(Self.table)
                    .where("bucket", .equal, rule.bucket).where("at", .greaterThan, at - rule.window).first()
                if try row?.decode(column: "n", as: Int.self) ?? 0 >= rule.limit { return nil }
            }
            var ids: [Int] = []
            for rule in ordered {
                let row = try await sql.insert(into: Self.table).columns("bucket", "at").values(SQLBind(rule.bucket), SQLBind(at)).returning("id").first()
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
        _ = try await write { db in
            try await db.sql.delete(from: Self.table).where("id", .in, reservation.ids).run()
        }
    }

    /// Forgets a bucket (a successful sign-in clears the account's failures).
    package func clear(_ bucket: String) async throws {
        _ = try await write { db in
            try await db.sql.delete(from: Self.table).where("bucket", .equal, bucket).run()
        }
    }

    /// How many attempts a bucket holds in its window (for tests and dashboards).
    package func count(_ bucket: String, window: TimeInterval, now: Date = Date()) async throws -> Int {
        let row = try await database.sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(Self.table)
            .where("bucket", .equal, bucket).where("at", .greaterThan, now.timeIntervalSince1970 - window).first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
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

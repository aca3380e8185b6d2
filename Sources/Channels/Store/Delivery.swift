// SPDX-License-Identifier: MPL-2.0
import Audit
import Foundation
import GuichetCore
import Logging
import SQLKit
import ServiceLifecycle

/// A message as the worker sends it.
package struct OutgoingMessage: Sendable {
    package let id: String
    package let phone: String
    package let body: String
    package let event: String
    package let attempts: Int
}

/// What a gateway answered to a send.
package enum SendOutcome: Sendable {
    /// Accepted, with the gateway's id for the message (delivery reports name it).
    case accepted(providerId: String)
    /// Refused for good (a number the gateway rejects): no retry.
    case rejected(reason: String)
    /// Not known to be sent (a timeout, a 5xx): tried again later, with the same id, which the gateway deduplicates.
    case retry(reason: String)
}

/// Sends one message. Implemented by the log, Africa's Talking and the generic webhook.
package protocol SMSTransport: Sendable {
    func send(_ message: OutgoingMessage) async -> SendOutcome
}

/// The delivery side of the outbox: claims due messages (several processes on one PostgreSQL claim different rows,
/// `FOR UPDATE SKIP LOCKED`), sends them, and records what happened.
package struct Delivery: Sendable {
    let database: DatabaseService
    let transport: any SMSTransport
    let settings: ChannelSettings
    let clock: any WallClock
    /// This worker's name in `claimed_by`.
    let worker: String

    package init(database: DatabaseService, transport: any SMSTransport, settings: ChannelSettings, clock: any WallClock = SystemClock()) {
        self.database = database
        self.transport = transport
        self.settings = settings
        self.clock = clock
        self.worker = "\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Claims up to `limit` due messages for this worker.
    func claim(limit: Int = 20) async throws -> [OutgoingMessage] {
        struct Row: Decodable {
            let id: String
            let phone: String?
            let body: String
            let event: String
            let attempts: Int
            let createdAt: String
        }
        let now = clock.now
        let stamp = AuditLog.timestamp(now)
        let until = AuditLog.timestamp(now.addingTimeInterval(settings.claimSeconds))
        // A read first: an idle outbox costs no write transaction (on SQLite, no turn in the one writer's queue).
        let due = try await database.sql.raw(
            """
            SELECT id FROM channel_outbox WHERE (status = 'queued' AND next_attempt_at <= \(bind: stamp)) \
            OR (status = 'sending' AND claimed_until < \(bind: stamp)) LIMIT 1
            """
        ).first()
        guard due != nil else { return [] }
        let lock: SQLQueryString = database.dialect == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        let rows = try await database.writeTransaction { db in
            try await db.sql.raw(
                """
                UPDATE channel_outbox SET status = 'sending', claimed_by = \(bind: worker), claimed_until = \(bind: until), attempts = attempts + 1 \
                WHERE id IN (SELECT id FROM channel_outbox WHERE ((status = 'queued' AND next_attempt_at <= \(bind: stamp)) \
                OR (status = 'sending' AND claimed_until < \(bind: stamp))) ORDER BY next_attempt_at LIMIT \(literal: limit)\(lock)) \
                AND phone IS NOT NULL RETURNING id, phone, body, event, attempts, created_at
                """
            ).all(decoding: Row.self, keyDecodingStrategy: .snakeCaseColumns)
        }
        // RETURNING keeps no order: a person's messages go in the order they were queued ("taken" before "near").
        return rows.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }.compactMap { row in
            row.phone.map { OutgoingMessage(id: row.id, phone: $0, body: row.body, event: row.event, attempts: row.attempts) }
        }
    }

    /// Sends what is due, once; the number of messages handled.
    ///
    /// Up to `sendConcurrency` numbers are served side by side; the messages of one number go one after another, in the
    /// order they were queued. A message whose outcome could not be recorded stays claimed and is sent again, under
    /// the same id, once its claim expires.
    @discardableResult
    package func runOnce() async throws -> Int {
        let batch = try await claim(limit: max(20, 4 * settings.sendConcurrency))
        let failure = await Lanes.run(batch, lane: \.phone, width: settings.sendConcurrency) { lane in await send(lane) }
        if let failure { throw failure }
        try await applyEarlyReports()
        return batch.count
    }

    /// One number's messages, in order; stops at the first that could not be recorded (the rest wait for their claim to
    /// expire, behind it).
    private func send(_ lane: [OutgoingMessage]) async -> (any Error)? {
        for message in lane {
            let outcome = await transport.send(message)
            do {
                try await record(outcome, for: message)
            } catch {
                return error
            }
        }
        return nil
    }

    /// Early reports whose message is now recorded: on PostgreSQL a report and the write of its id can commit side by
    /// side, each before seeing the other; this later pass closes what they left.
    func applyEarlyReports() async throws {
        let waiting = try await database.sql.raw(
            "SELECT provider_id, status, reason FROM channel_early_reports ORDER BY received_at LIMIT 50"
        ).all(decoding: WaitingReport.self, keyDecodingStrategy: .snakeCaseColumns)
        guard !waiting.isEmpty else { return }
        let stamp = AuditLog.timestamp(clock.now)
        try await database.writeTransaction { db in
            for report in waiting {
                _ = try await Self.close(providerId: report.providerId, final: report.status, reason: report.reason, stamp: stamp, on: db.sql)
                if try await db.sql.select().column("id").from("channel_outbox").where("provider_id", .equal, report.providerId).first() != nil {
                    try await db.sql.raw("DELETE FROM channel_early_reports WHERE provider_id = \(bind: report.providerId)").run()
                }
            }
        }
    }

    struct WaitingReport: Decodable {
        let providerId: String
        let status: String
        let reason: String?
    }

    /// Seconds before try `attempt + 1`: 5, 10, 20… up to an hour.
    static func backoff(after attempt: Int) -> Double {
        min(3600, 5 * pow(2, Double(max(0, min(attempt, 12)) - 1)))
    }

    func record(_ outcome: SendOutcome, for message: OutgoingMessage) async throws {
        let now = clock.now
        let stamp = AuditLog.timestamp(now)
        try await database.writeTransaction { db in
            let sql = db.sql
            // Only the claimant records: a worker whose claim expired and was taken over writes nothing.
            let mine: SQLQueryString = "id = \(bind: message.id) AND status = 'sending' AND claimed_by = \(bind: worker)"
            switch outcome {
            case .accepted(let providerId):
                try await sql.raw(
                    """
                    UPDATE channel_outbox SET status = 'sent', provider_id = \(bind: providerId), sent_at = \(bind: stamp), claimed_by = NULL, \
                    claimed_until = NULL, last_error = NULL WHERE \(mine)
                    """
                ).run()
            case .rejected(let reason),
                .retry(let reason) where message.attempts >= settings.maxAttempts:
                // Refused for good, or tried as often as allowed: the dead letters, and the number goes.
                try await sql.raw(
                    """
                    UPDATE channel_outbox SET status = 'dead', phone = NULL, last_error = \(bind: String(reason.prefix(300))), claimed_by = NULL, \
                    claimed_until = NULL WHERE \(mine)
                    """
                ).run()
            case .retry(let reason):
                let next = AuditLog.timestamp(now.addingTimeInterval(Self.backoff(after: message.attempts) * settings.retryScale))
                try await sql.raw(
                    """
                    UPDATE channel_outbox SET status = 'queued', next_attempt_at = \(bind: next), last_error = \(bind: String(reason.prefix(300))), \
                    claimed_by = NULL, claimed_until = NULL WHERE \(mine)
                    """
                ).run()
            }
        }
    }

    /// A delivery report from the gateway (`Success`, `Failed`, `Rejected`…). The number is erased either way once the
    /// report is final. A repeated report changes nothing more; one for an id not recorded yet waits for it.
    package func report(providerId: String, status: String, reason: String?) async throws {
        let final: String
        switch status.lowercased() {
        case "success", "delivered": final = Outbox.Status.delivered.rawValue
        case "failed", "rejected", "undelivered", "expired": final = Outbox.Status.failed.rawValue
        // Intermediate states (`Sent`, `Submitted`, `Buffered`) are the gateway's; the message stays sent.
        default: return
        }
        let stamp = AuditLog.timestamp(clock.now)
        let reason = reason.map { String($0.prefix(300)) }
        try await database.writeTransaction { db in
            if try await Self.close(providerId: providerId, final: final, reason: reason, stamp: stamp, on: db.sql) { return }
            if try await db.sql.select().column("id").from("channel_outbox").where("provider_id", .equal, providerId).first() != nil {
                return
            }
            // Not known yet: the gateway can report before the write recording its id commits (a busy server, a report
            // sent at once). The report waits for that write (`applyEarlyReports`); one nobody claims within a day is dropped.
            try await db.sql.raw(
                """
                INSERT INTO channel_early_reports (provider_id, status, reason, received_at) \
                VALUES (\(bind: providerId), \(bind: final), \(bind: reason), \(bind: stamp)) ON CONFLICT DO NOTHING
                """
            ).run()
        }
    }

    /// Closes a sent message with its final status; false when no message sent under that id is open.
    static func close(providerId: String, final: String, reason: String?, stamp: String, on sql: any SQLDatabase) async throws -> Bool {
        try await !sql.raw(
            """
            UPDATE channel_outbox SET status = \(bind: final), phone = NULL, reported_at = \(bind: stamp), \
            last_error = \(bind: reason) WHERE provider_id = \(bind: providerId) AND status IN ('sent', 'sending') RETURNING id
            """
        ).all().isEmpty
    }

    /// Numbers of messages sent two days ago and never reported on are erased all the same.
    func eraseStaleNumbers() async throws {
        let cutoff = AuditLog.timestamp(clock.now.addingTimeInterval(-2 * 86_400))
        try await database.writeTransaction { db in
            try await db.sql.raw("UPDATE channel_outbox SET phone = NULL WHERE status = 'sent' AND phone IS NOT NULL AND sent_at < \(bind: cutoff)")
                .run()
            let dayAgo = AuditLog.timestamp(clock.now.addingTimeInterval(-86_400))
            try await db.sql.raw("DELETE FROM channel_early_reports WHERE received_at < \(bind: dayAgo)").run()
        }
    }
}

/// The delivery worker of a server process: looks at the outbox every `pollInterval` seconds (at once again after a
/// full batch), until the server stops.
package struct DeliveryWorker: Service {
    let delivery: Delivery
    let logger: Logger

    package init(delivery: Delivery, logger: Logger) {
        self.delivery = delivery
        self.logger = logger
    }

    package func run() async throws {
        var rounds = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            var handled = 0
            do {
                handled = try await delivery.runOnce()
                rounds &+= 1
                if rounds % 3600 == 0 { try await delivery.eraseStaleNumbers() }
            } catch {
                logger.warning("outbox delivery failed", metadata: ["error": "\(String(describing: error).prefix(200))"])
            }
            if handled == 0 {
                try? await Task.sleep(for: .milliseconds((delivery.settings.pollInterval * 1000).clampedInt(.towardZero)))
            }
        }
    }
}

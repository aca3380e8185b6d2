// SPDX-License-Identifier: MPL-2.0
import AsyncHTTPClient
import Audit
import Foundation
import GuichetCore
import Logging
import NIOCore
import SQLKit
import ServiceLifecycle

/// Sends the webhooks' deliveries: claims due ones (several processes on one PostgreSQL claim different rows,
/// `FOR UPDATE SKIP LOCKED`), posts each signed body to its endpoint, and records the answer. A 2xx delivers it;
/// anything else, or no answer, is tried again after 5 s, 10 s, 20 s… up to an hour, and after the last try it goes to
/// the dead letters, which an administrator may send again. Each request carries `X-Guichet-Delivery` (the same on
/// every try), so a receiver that got a delivery whose answer was lost can recognise it.
package struct WebhookDelivery: Sendable {
    let database: DatabaseService
    let webhooks: Webhooks
    let settings: ChannelSettings
    let client: HTTPClient
    let clock: any WallClock
    let worker: String
    static let timeout: TimeAmount = .seconds(10)

    package init(
        database: DatabaseService, webhooks: Webhooks, settings: ChannelSettings, client: HTTPClient = .shared, clock: any WallClock = SystemClock()
    ) {
        self.database = database
        self.webhooks = webhooks
        self.settings = settings
        self.client = client
        self.clock = clock
        self.worker = "\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    struct Claimed: Decodable, Sendable {
        let id: String
        let endpointId: String
        let event: String
        let body: String
        let attempts: Int
        let createdAt: String
    }

    func claim(limit: Int = 20) async throws -> [Claimed] {
        let now = clock.now
        let stamp = AuditLog.timestamp(now)
        let until = AuditLog.timestamp(now.addingTimeInterval(settings.claimSeconds))
        let due: SQLQueryString = """
            ((status = 'queued' AND next_attempt_at <= \(bind: stamp)) OR (status = 'sending' AND claimed_until < \(bind: stamp))) \
            AND endpoint_id IN (SELECT id FROM webhook_endpoints WHERE active = \(bind: true))
            """
        // A read first: nothing due costs no write transaction.
        guard try await database.sql.raw("SELECT id FROM webhook_deliveries WHERE \(due) LIMIT 1").first() != nil else { return [] }
        let lock: SQLQueryString = database.dialect == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        let rows = try await database.writeTransaction { db in
            try await db.sql.raw(
                """
                UPDATE webhook_deliveries SET status = 'sending', claimed_by = \(bind: worker), claimed_until = \(bind: until), \
                attempts = attempts + 1 WHERE id IN (SELECT id FROM webhook_deliveries WHERE \(due) ORDER BY next_attempt_at \
                LIMIT \(literal: limit)\(lock)) RETURNING id, endpoint_id, event, body, attempts, created_at
                """
            ).all(decoding: Claimed.self, keyDecodingStrategy: .snakeCaseColumns)
        }
        return rows.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// Sends what is due, once; the number of deliveries handled. Up to `sendConcurrency` endpoints are served side by
    /// side, each endpoint's deliveries one after another in the order they were queued: an endpoint that answers slowly
    /// (or only at the timeout) holds up its own deliveries, not every institution's.
    @discardableResult
    package func runOnce() async throws -> Int {
        let batch = try await claim(limit: max(20, 4 * settings.sendConcurrency))
        let failure = await Lanes.run(batch, lane: \.endpointId, width: settings.sendConcurrency) { lane in await send(lane) }
        if let failure { throw failure }
        return batch.count
    }

    /// One endpoint's deliveries, in order, the endpoint read once for them all; stops at the first that could not be
    /// recorded (the rest wait for their claim to expire).
    private func send(_ lane: [Claimed]) async -> (any Error)? {
        do {
            guard let first = lane.first, let endpoint = try await webhooks.endpoint(first.endpointId) else { return nil }
            for delivery in lane {
                let outcome = await send(delivery, to: endpoint)
                try await record(outcome, for: delivery)
            }
            return nil
        } catch {
            return error
        }
    }

    enum Outcome {
        case delivered(status: Int)
        case failed(status: Int?, reason: String)
    }

    func send(_ delivery: Claimed, to endpoint: WebhookEndpoint) async -> Outcome {
        var request = HTTPClientRequest(url: endpoint.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Guichet-Webhooks/1")
        request.headers.add(name: "X-Guichet-Event", value: delivery.event)
        request.headers.add(name: "X-Guichet-Delivery", value: delivery.id)
        // The real time, whatever the demo's clock: the receiver compares it with its own.
        let timestamp = Date().timeIntervalSince1970.clampedInt(.towardZero)
        let secret = webhooks.secret(endpoint: endpoint.id, version: endpoint.secretVersion)
        request.headers.add(name: "X-Guichet-Signature", value: Webhooks.signature(body: delivery.body, secret: secret, timestamp: timestamp))
        request.body = .bytes(ByteBuffer(string: delivery.body))
        do {
            let response = try await client.execute(request, timeout: Self.timeout)
            _ = try? await response.body.collect(upTo: 64 * 1024)
            let code = Int(response.status.code)
            return (200..<300).contains(code) ? .delivered(status: code) : .failed(status: code, reason: "HTTP \(code)")
        } catch {
            return .failed(status: nil, reason: "transport: \(String(describing: error).prefix(120))")
        }
    }

    func record(_ outcome: Outcome, for delivery: Claimed) async throws {
        let now = clock.now
        let stamp = AuditLog.timestamp(now)
        try await database.writeTransaction { db in
            // Only the claimant records: a worker whose claim expired and was taken over writes nothing.
            let mine: SQLQueryString = "id = \(bind: delivery.id) AND status = 'sending' AND claimed_by = \(bind: worker)"
            switch outcome {
            case .delivered(let status):
                try await db.sql.raw(
                    """
                    UPDATE webhook_deliveries SET status = 'delivered', delivered_at = \(bind: stamp), last_status = \(bind: status), \
                    last_error = NULL, claimed_by = NULL, claimed_until = NULL WHERE \(mine)
                    """
                ).run()
            case .failed(let status, let reason) where delivery.attempts >= settings.webhookMaxAttempts:
                try await db.sql.raw(
                    """
                    UPDATE webhook_deliveries SET status = 'dead', last_status = \(bind: status), last_error = \(bind: String(reason.prefix(300))), \
                    claimed_by = NULL, claimed_until = NULL WHERE \(mine)
                    """
                ).run()
            case .failed(let status, let reason):
                let next = AuditLog.timestamp(now.addingTimeInterval(Delivery.backoff(after: delivery.attempts) * settings.retryScale))
                try await db.sql.raw(
                    """
                    UPDATE webhook_deliveries SET status = 'queued', next_attempt_at = \(bind: next), last_status = \(bind: status), \
                    last_error = \(bind: String(reason.prefix(300))), claimed_by = NULL, claimed_until = NULL WHERE \(mine)
                    """
                ).run()
            }
        }
    }
}

/// The webhooks' worker of a server process: looks for due deliveries every `pollInterval` seconds (at once again after
/// a full batch), until the server stops.
package struct WebhookWorker: Service {
    let delivery: WebhookDelivery
    let logger: Logger

    package init(delivery: WebhookDelivery, logger: Logger) {
        self.delivery = delivery
        self.logger = logger
    }

    package func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            var handled = 0
            do {
                handled = try await delivery.runOnce()
            } catch {
                logger.warning("webhook delivery failed", metadata: ["error": "\(String(describing: error).prefix(200))"])
            }
            if handled == 0 {
                try? await Task.sleep(for: .milliseconds((delivery.settings.pollInterval * 1000).clampedInt(.towardZero)))
            }
        }
    }
}

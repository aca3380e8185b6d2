// SPDX-License-Identifier: MPL-2.0
import Audit
import Crypto
import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// An application event as an institution's systems receive it.
package enum WebhookEvent: String, Sendable, CaseIterable {
    case applicationSubmitted = "application.submitted"
    case correctionRequested = "application.correction_requested"
    case applicationApproved = "application.approved"
    case applicationRejected = "application.rejected"
    case documentIssued = "document.issued"
    case documentWithdrawn = "document.withdrawn"

    /// The notifications outbox's event it follows; nil for events that are not an application's.
    init?(_ event: NoticeEvent) {
        switch event {
        case .applicationSubmitted: self = .applicationSubmitted
        case .applicationCorrection: self = .correctionRequested
        case .applicationApproved: self = .applicationApproved
        case .applicationRejected: self = .applicationRejected
        case .documentIssued: self = .documentIssued
        case .documentWithdrawn: self = .documentWithdrawn
        default: return nil
        }
    }

    /// The locale key's last part (`webhooks.event.<key>`).
    var key: String { rawValue.replacingOccurrences(of: ".", with: "_") }
}

/// A URL an administrator registered for an institution.
package struct WebhookEndpoint: Sendable, Decodable, Equatable {
    package let id: String
    package let institutionId: String
    package let url: String
    /// Comma-separated `WebhookEvent` values.
    package let events: String
    package let active: Bool
    package let secretVersion: Int
    package let createdAt: String

    var eventSet: Set<WebhookEvent> { Set(events.split(separator: ",").compactMap { WebhookEvent(rawValue: String($0)) }) }
}

/// The institutions' webhooks, seen from the features as one more `Notifier`: an application's event becomes, in the
/// same transaction, one delivery per endpoint of its institution that asked for it (an endpoint switched off keeps
/// them until it is switched on again). The worker
/// (`WebhookDelivery`) sends them, signed, and retries with backoff. Payloads hold the reference, the procedure, the
/// event, the status and the time — nothing about the person.
package struct Webhooks: Notifier {
    let database: DatabaseService
    let siteSecret: SymmetricKey
    let clock: any WallClock

    package init(database: DatabaseService, siteSecret: SymmetricKey, clock: any WallClock = SystemClock()) {
        self.database = database
        self.siteSecret = siteSecret
        self.clock = clock
    }

    /// A delivery's state.
    package enum Status: String, Sendable, CaseIterable {
        case queued, sending, delivered, dead
    }

    /// The secret an endpoint's deliveries are signed with: derived from the site secret, never stored, so a copy of the
    /// database signs nothing. A new version (rotation) gives a new secret.
    package func secret(endpoint id: String, version: Int) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("webhook|\(id)|\(version)".utf8), using: siteSecret)
        return "whsec_" + mac.hexLowercase
    }

    /// `X-Guichet-Signature`'s value: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the secret>`.
    package static func signature(body: String, secret: String, timestamp: Int) -> String {
        "t=\(timestamp),v1=" + Signature.hmac("\(timestamp).\(body)", key: secret)
    }

    /// The body of one delivery: keys sorted, so that the signed bytes are the stored ones.
    static func body(id: String, event: WebhookEvent, facts: ApplicationEventFacts) -> String {
        let object: [String: String] = [
            "deliveryId": id, "event": event.rawValue, "reference": facts.reference, "procedureId": facts.procedureId, "status": facts.status,
            "occurredAt": facts.at,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: - Notifier

    package func notify(_ notice: Notice, on database: any Database) async throws {
        guard let facts = notice.application, let event = WebhookEvent(notice.event) else { return }
        // Raw SQL in the writer's transaction (every submission asks): the builder quotes every name again.
        let endpoints = try await database.sql.raw("SELECT * FROM webhook_endpoints WHERE institution_id = \(bind: facts.institutionId)")
            .all(decoding: WebhookEndpoint.self, keyDecodingStrategy: .snakeCaseColumns)
        let now = AuditLog.timestamp(clock.now)
        for endpoint in endpoints where endpoint.eventSet.contains(event) {
            let id = RandomID.uuid()
            try await database.sql.raw(
                """
                INSERT INTO webhook_deliveries (id, endpoint_id, dedupe_key, event, body, status, attempts, next_attempt_at, created_at) \
                VALUES (\(bind: id), \(bind: endpoint.id), \(bind: endpoint.id + "|" + notice.key), \(bind: event.rawValue), \
                \(bind: Self.body(id: id, event: event, facts: facts)), 'queued', 0, \(bind: now), \(bind: now)) ON CONFLICT (dedupe_key) DO NOTHING
                """
            ).run()
        }
    }

    package func subscribe(subject: String, phone: String, language: String, country: String?, on database: any Database) async throws {}
    package func withdraw(subject: String, events: [NoticeEvent], on database: any Database) async throws {}
    package func forget(subject: String, on database: any Database) async throws {}
    package func nearThreshold(centre: String, on database: any Database) async throws -> Int? { nil }

    // MARK: - Registry (the back office)

    package func endpoints() async throws -> [WebhookEndpoint] {
        try await database.sql.select().columns("*").from("webhook_endpoints").orderBy("institution_id").orderBy("created_at")
            .all(decoding: WebhookEndpoint.self, keyDecodingStrategy: .snakeCaseColumns)
    }

    package func endpoint(_ id: String) async throws -> WebhookEndpoint? {
        try await database.sql.select().columns("*").from("webhook_endpoints").where("id", .equal, id)
            .first(decoding: WebhookEndpoint.self, keyDecodingStrategy: .snakeCaseColumns)
    }

    /// An http(s) URL with a host, no credentials, at most 500 characters; nil otherwise.
    static func checkedURL(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.count <= 500, let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty, components.user == nil,
            components.password == nil
        else { return nil }
        return trimmed
    }

    /// Registers a URL; answers the endpoint and its secret (shown once).
    package func create(
        institution: String, url: String, events: Set<WebhookEvent>, origin: ActionOrigin
    ) async throws -> (endpoint: WebhookEndpoint, secret: String) {
        guard let url = Self.checkedURL(url) else { throw AppError.validation(field: "url", code: "webhook_url_invalid") }
        guard !events.isEmpty else { throw AppError.validation(field: "events", code: "webhook_events_required") }
        let id = RandomID.uuid()
        let stamp = AuditLog.timestamp(clock.now)
        let names = WebhookEvent.allCases.filter(events.contains).map(\.rawValue).joined(separator: ",")
        try await database.writeTransaction { db in
            try await db.sql.insert(into: "webhook_endpoints")
                .columns("id", "institution_id", "url", "events", "active", "secret_version", "created_by", "created_at", "updated_at")
                .values(
                    SQLBind(id), SQLBind(institution), SQLBind(url), SQLBind(names), SQLBind(true), SQLBind(1), SQLBind(origin.actor), SQLBind(stamp),
                    SQLBind(stamp)
                ).run()
            try await AuditLog.append(
                origin.entry("webhook.created", entity: "webhook", id: id, summary: "\(institution) \(Self.host(url)) events=\(names)"), on: db)
        }
        guard let endpoint = try await endpoint(id) else { throw AppError(.internalServerError, code: "internal") }
        return (endpoint, secret(endpoint: id, version: 1))
    }

    /// Switches an endpoint on or off; deliveries queued while it is off wait for it.
    package func setActive(_ id: String, active: Bool, origin: ActionOrigin) async throws {
        try await database.writeTransaction { db in
            let updated = try await db.sql.raw(
                """
                UPDATE webhook_endpoints SET active = \(bind: active), updated_at = \(bind: AuditLog.timestamp(clock.now)) \
                WHERE id = \(bind: id) RETURNING id
                """
            ).all()
            guard !updated.isEmpty else { throw AppError.notFound("webhook_not_found") }
            try await AuditLog.append(
                origin.entry(active ? "webhook.enabled" : "webhook.disabled", entity: "webhook", id: id, summary: active ? "on" : "off"), on: db)
        }
    }

    /// A new secret for an endpoint (the old one signs nothing more); answers it, shown once.
    package func rotate(_ id: String, origin: ActionOrigin) async throws -> String {
        let version = try await database.writeTransaction { db -> Int in
            let rows = try await db.sql.raw(
                """
                UPDATE webhook_endpoints SET secret_version = secret_version + 1, updated_at = \(bind: AuditLog.timestamp(clock.now)) \
                WHERE id = \(bind: id) RETURNING secret_version
                """
            ).all()
            guard let version = try rows.first?.decode(column: "secret_version", as: Int.self) else {
                throw AppError.notFound("webhook_not_found")
            }
            try await AuditLog.append(origin.entry("webhook.secret_rotated", entity: "webhook", id: id, summary: "version \(version)"), on: db)
            return version
        }
        return secret(endpoint: id, version: version)
    }

    /// Removes an endpoint and its deliveries (the audit log keeps that it existed).
    package func delete(_ id: String, origin: ActionOrigin) async throws {
        try await database.writeTransaction { db in
            guard
                let endpoint = try await db.sql.select().columns("*").from("webhook_endpoints").where("id", .equal, id)
                    .first(decoding: WebhookEndpoint.self, keyDecodingStrategy: .snakeCaseColumns)
            else { throw AppError.notFound("webhook_not_found") }
            try await db.sql.delete(from: "webhook_deliveries").where("endpoint_id", .equal, id).run()
            try await db.sql.delete(from: "webhook_endpoints").where("id", .equal, id).run()
            try await AuditLog.append(
                origin.entry("webhook.deleted", entity: "webhook", id: id, summary: "\(endpoint.institutionId) \(Self.host(endpoint.url))"), on: db)
        }
    }

    /// A dead delivery tried again from the first try.
    package func retry(delivery id: String, origin: ActionOrigin) async throws {
        try await database.writeTransaction { db in
            let now = AuditLog.timestamp(clock.now)
            let updated = try await db.sql.raw(
                """
                UPDATE webhook_deliveries SET status = 'queued', attempts = 0, next_attempt_at = \(bind: now), last_error = NULL \
                WHERE id = \(bind: id) AND status = 'dead' RETURNING endpoint_id
                """
            ).all()
            guard !updated.isEmpty else { throw AppError.notFound("webhook_delivery_not_found") }
            try await AuditLog.append(origin.entry("webhook.delivery_retried", entity: "webhook_delivery", id: id, summary: "dead → queued"), on: db)
        }
    }

    package struct LogLine: Sendable, Decodable {
        package let id: String
        package let endpointId: String
        package let event: String
        package let status: String
        package let attempts: Int
        package let lastStatus: Int?
        package let lastError: String?
        package let createdAt: String
        package let deliveredAt: String?
        package let body: String
    }

    /// The latest deliveries, newest first (of one endpoint, or of all).
    package func log(endpoint: String? = nil, limit: Int = 50) async throws -> [LogLine] {
        var query = database.sql.select()
            .columns("id", "endpoint_id", "event", "status", "attempts", "last_status", "last_error", "created_at", "delivered_at", "body")
            .from("webhook_deliveries")
        if let endpoint { query = query.where("endpoint_id", .equal, endpoint) }
        return try await query.orderBy("created_at", .descending).orderBy("id").limit(limit)
            .all(decoding: LogLine.self, keyDecodingStrategy: .snakeCaseColumns)
    }

    /// One delivery of the log.
    package func log(delivery id: String) async throws -> LogLine? {
        try await database.sql.select()
            .columns("id", "endpoint_id", "event", "status", "attempts", "last_status", "last_error", "created_at", "delivered_at", "body")
            .from("webhook_deliveries").where("id", .equal, id).first(decoding: LogLine.self, keyDecodingStrategy: .snakeCaseColumns)
    }

    /// The URL's host, for the audit summary (a URL's path or query may hold a token of the receiver's).
    static func host(_ url: String) -> String { URLComponents(string: url)?.host ?? "?" }
}

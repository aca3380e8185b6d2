// SPDX-License-Identifier: MPL-2.0
import Applications
import Audit
import Foundation
import GuichetApp
import GuichetCore
import GuichetTesting
import Hummingbird
import HummingbirdTesting
import SQLKit
import Testing

@testable import Channels

/// Webhooks end to end, on SQLite or on PostgreSQL (`DATABASE_URL`): an administrator registers a URL in the back office,
/// applications' events queue deliveries in their own transactions, the worker posts them signed over real HTTP to the
/// receiver process (`Tools/webhook-receiver.py`), which checks each signature; refused tries come back after the
/// backoff, the last one goes to the dead letters, and an administrator sends it again.
@Suite(.serialized) struct WebhooksTests {
    static let morning = Timestamps.parse("2026-12-07T10:00:00Z") ?? Date()

    func count(_ sql: any SQLDatabase, _ query: SQLQueryString) async throws -> Int {
        try await sql.raw(query).first(decodingColumn: "n", as: Int.self) ?? -1
    }

    /// Runs the worker until nothing is queued or being sent (retries come back after a few milliseconds).
    func deliverAll(_ delivery: WebhookDelivery, _ sql: any SQLDatabase) async throws {
        for _ in 0..<400 {
            while try await delivery.runOnce() > 0 {}
            if try await count(sql, "SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status IN ('queued', 'sending')") == 0 { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        Issue.record("the deliveries were not all settled within 10 s")
    }

    static func secret(in html: String) -> String? {
        guard let range = html.range(of: #"whsec_[0-9a-f]{64}"#, options: .regularExpression) else { return nil }
        return String(html[range])
    }

    @Test func signedDeliveriesReachARealReceiverWithRetriesAndDeadLetters() async throws {
        let receiver = try await WebhookReceiverProcess(port: SimulatorProcess.freePort())
        defer { receiver.stop() }
        let configure: @Sendable (inout AppConfiguration) -> Void = { configuration in
            configuration.channels.retryScale = 0.001
            configuration.channels.webhookMaxAttempts = 3
        }
        try await TestApp.withComponents(seed: .demo, configure: configure) { components in
            let sql = components.database.sql
            let settings = components.configuration.channels
            let delivery = WebhookDelivery(database: components.database, webhooks: components.webhooks, settings: settings)
            let app = try GuichetApplication.buildApplication(components, logger: TestApp.logger, ownsDatabase: false)
            try await app.test(.router) { client in
                // Who may see the page: administrators only; a form without its CSRF token is refused before anything.
                let agent = try await TestApp.signedIn(client, components, role: .backOfficeAgent, institutions: ["sn-centre-etat-civil"])
                #expect(try await agent.get(ChannelsRoute.webhooks.path()).status == .forbidden)
                let visitor = TestSession(client: client)
                #expect(try await visitor.get(ChannelsRoute.webhooks.path()).status != .ok)
                let admin = try await TestApp.signedIn(client, components, role: .administrator)
                let page = try await admin.get(ChannelsRoute.webhooks.path())
                #expect(page.status == .ok)
                #expect(page.text.contains("name=\"_csrf\""))
                let url = receiver.base + "/hook"
                let allEvents = WebhookEvent.allCases.map { ("events", $0.rawValue) }
                let withoutToken = try await admin.post(
                    ChannelsRoute.webhooks.path(), form: [("institution", "sn-centre-etat-civil"), ("url", url)] + allEvents, withToken: false)
                #expect(withoutToken.status == .forbidden)
                // Wrong input: a clear message in the page, nothing written.
                let badURL = try await admin.post(
                    ChannelsRoute.webhooks.path(), form: [("institution", "sn-centre-etat-civil"), ("url", "ftp://example.org/x")] + allEvents)
                #expect(badURL.status == .unprocessableContent)
                #expect(badURL.text.contains("http://"))
                let noEvent = try await admin.post(ChannelsRoute.webhooks.path(), form: [("institution", "sn-centre-etat-civil"), ("url", url)])
                #expect(noEvent.status == .unprocessableContent)
                let unknown = try await admin.post(ChannelsRoute.webhooks.path(), form: [("institution", "nowhere"), ("url", url)] + allEvents)
                #expect(unknown.status == .unprocessableContent)
                #expect(try await count(sql, "SELECT COUNT(*) AS n FROM webhook_endpoints") == 0)

                // Registered: the secret is shown once, in the answer.
                let created = try await admin.post(
                    ChannelsRoute.webhooks.path(), form: [("institution", "sn-centre-etat-civil"), ("url", url)] + allEvents)
                #expect(created.status == .created)
                let secret = try #require(Self.secret(in: created.text))
                #expect(Self.secret(in: try await admin.get(ChannelsRoute.webhooks.path()).text) == nil)
                let endpoint = try #require(try await components.webhooks.endpoints().first)
                #expect(endpoint.institutionId == "sn-centre-etat-civil" && endpoint.active)
                try await receiver.configure(secret: secret, failFirst: 1)

                // The demo's applications: five submitted, one sent back, one approved (its document issued), one rejected.
                try await ApplicationsDemo.seed(service: components.applications)
                let institution = try await sql.raw("SELECT institution_id FROM applications LIMIT 1").first(
                    decodingColumn: "institution_id", as: String.self)
                #expect(institution == "sn-centre-etat-civil")
                let queued = try await count(sql, "SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status = 'queued'")
                #expect(queued == 8)
                try await deliverAll(delivery, sql)
                #expect(try await count(sql, "SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status = 'delivered' AND attempts = 2") == 8)

                // Each delivery was refused once (503), then taken, every signature good; nothing about the person.
                let received = try await receiver.received()
                #expect(received.count == 16)
                #expect(received.allSatisfy { ($0["valid"] as? Bool) == true })
                #expect(received.filter { ($0["answer"] as? Int) == 200 }.count == 8)
                let references = Set(
                    try await sql.raw("SELECT reference FROM applications WHERE reference IS NOT NULL").all().map {
                        try $0.decode(column: "reference", as: String.self)
                    })
                var events: [String: Int] = [:]
                for item in received where (item["answer"] as? Int) == 200 {
                    let body = try #require(item["body"] as? [String: String])
                    #expect(Set(body.keys) == ["deliveryId", "event", "occurredAt", "procedureId", "reference", "status"])
                    #expect(body["procedureId"] == "sn-extrait-acte-naissance")
                    #expect(references.contains(body["reference"] ?? ""))
                    #expect(body["deliveryId"] == item["delivery"] as? String)
                    #expect(body["event"] == item["event"] as? String)
                    events[body["event"] ?? "", default: 0] += 1
                }
                #expect(
                    events == [
                        "application.submitted": 5, "application.correction_requested": 1, "document.issued": 1, "application.rejected": 1,
                    ])
                #expect(!received.contains { "\($0["body"] ?? "")".contains("démo") || "\($0["body"] ?? "")".contains("+221") })

                // The log shows them to the administrator.
                let log = try await admin.get(ChannelsRoute.webhooks.path())
                #expect(log.text.contains(url))
                #expect(log.text.components(separatedBy: "<td>HTTP 200").count - 1 == 8)

                // Switched off, an event waits; switched on, it goes.
                try await admin.get(ChannelsRoute.webhooks.path())
                #expect(try await admin.post(ChannelsRoute.webhookState.path(endpoint.id), form: [("active", "0")]).status == .seeOther)
                let inReviewId = try #require(
                    try await sql.raw("SELECT id FROM applications WHERE status = 'in_review'").first(decodingColumn: "id", as: String.self))
                let inReview = try #require(try await components.applications.store.application(id: inReviewId))
                let agentPrincipal = Principal(kind: .token, id: "test", displayName: "Test", role: .administrator)
                _ = try await components.applications.casework.act(
                    inReview, .init(action: .reject, expectedRevision: inReview.revision, note: "Registre introuvable."), principal: agentPrincipal,
                    origin: ActionOrigin(actor: "test"))
                #expect(try await delivery.runOnce() == 0)
                #expect(try await count(sql, "SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status = 'queued'") == 1)
                #expect(try await admin.post(ChannelsRoute.webhookState.path(endpoint.id), form: [("active", "1")]).status == .seeOther)

                // A new secret: the receiver still checks the old one and refuses every try, the last goes to the dead letters.
                let rotated = try await admin.post(ChannelsRoute.webhookSecret.path(endpoint.id), form: [])
                let newSecret = try #require(Self.secret(in: rotated.text))
                #expect(newSecret != secret)
                try await deliverAll(delivery, sql)
                let dead = try #require(
                    try await sql.raw("SELECT id FROM webhook_deliveries WHERE status = 'dead' AND attempts = 3").first(
                        decodingColumn: "id", as: String.self))
                #expect(try await receiver.received().suffix(3).allSatisfy { ($0["answer"] as? Int) == 401 })

                // Sent again by the administrator once the receiver has the new secret.
                try await receiver.configure(secret: newSecret, failFirst: 0)
                try await admin.get(ChannelsRoute.webhooks.path())
                #expect(try await admin.post(ChannelsRoute.webhookRetry.path(dead), form: []).status == .seeOther)
                try await deliverAll(delivery, sql)
                #expect(try await count(sql, "SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status = 'delivered'") == 9)
                let last = try #require(try await receiver.received().last)
                #expect(last["valid"] as? Bool == true && last["event"] as? String == "application.rejected")

                // Every change is in the audit log; removing the URL removes its deliveries.
                try await admin.get(ChannelsRoute.webhooks.path())
                #expect(try await admin.post(ChannelsRoute.webhookDelete.path(endpoint.id), form: []).status == .seeOther)
                #expect(try await count(sql, "SELECT COUNT(*) AS n FROM webhook_deliveries") == 0)
                for action in [
                    "webhook.created", "webhook.disabled", "webhook.enabled", "webhook.secret_rotated", "webhook.delivery_retried", "webhook.deleted",
                ] {
                    #expect(try await !AuditLog.search(.init(action: action), limit: 1, on: components.database.db).isEmpty, "\(action)")
                }
                // Another institution's agent, or a missing endpoint: nothing.
                #expect(try await admin.post(ChannelsRoute.webhookDelete.path(endpoint.id), form: []).status == .notFound)
            }
        }
    }

    @Test func signatureIsHMACOverTimestampAndBody() {
        let body = #"{"event":"application.submitted"}"#
        let header = Webhooks.signature(body: body, secret: "whsec_test", timestamp: 1_700_000_000)
        #expect(header == "t=1700000000,v1=" + Signature.hmac("1700000000." + body, key: "whsec_test"))
        #expect(Webhooks.checkedURL("https://example.org/hook?x=1") == "https://example.org/hook?x=1")
        #expect(Webhooks.checkedURL("https://user:pw@example.org/") == nil)
        #expect(Webhooks.checkedURL("javascript:alert(1)") == nil)
        #expect(Webhooks.checkedURL("http://") == nil)
    }
}

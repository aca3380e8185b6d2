// SPDX-License-Identifier: MPL-2.0
import AsyncHTTPClient
import Audit
import Catalog
import Foundation
import GuichetApp
import GuichetCore
import GuichetTesting
import Hummingbird
import HummingbirdTesting
import NIOCore
import SQLKit
import Testing

@testable import Applications
@testable import Payments

/// Fees paid over real HTTP between two processes, on SQLite or PostgreSQL (`DATABASE_URL`): Guichet serves live and
/// the operator simulator (`Tools/momo-simulator.py`) takes requests to pay, answers status queries and calls back.
@Suite(.serialized) struct PaymentsFlowTests {
    static let secret = "payments-callback-secret"
    static let pdf = Array("%PDF-1.4\n% test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".utf8)

    /// The operator's address; no callback address yet (the live server's port is known once it listens): the web's
    /// payments are settled by their page's status polls, those of `payments(_:port:)` by callbacks too.
    static func configure(simulator: Int) -> @Sendable (inout AppConfiguration) -> Void {
        { configuration in
            configuration.payments.url = "http://127.0.0.1:\(simulator)"
            configuration.payments.apiUser = MoMoSimulator.apiUser
            configuration.payments.apiKey = MoMoSimulator.apiKey
            configuration.payments.subscriptionKey = MoMoSimulator.subscriptionKey
            configuration.payments.callbackSecret = Self.secret
            configuration.payments.pollSeconds = 1
            configuration.payments.expirySeconds = 30
        }
    }

    /// A submitted application for a criminal-record extract: its 200 FCFA stamp falls due with it.
    static func fileCasier(_ module: ApplicationsModule, key: String) async throws -> ApplicationRecord {
        let origin = ActionOrigin(actor: "test")
        let procedure = try #require(try await module.catalog.procedures(ids: ["sn-casier-judiciaire"]).first)
        let form = try #require(try await module.forms.current(procedure: procedure.id))
        let answers = [
            "last_name": "SOW (test)", "first_names": "Astou", "birth_date": "1992-04-12", "birth_place": "Louga", "father_name": "Père (test)",
            "mother_name": "Mère (test)", "id_number": "1234567890123", "phone": "77 000 11 22",
        ]
        let (draft, _) = try await module.submissions.create(
            .init(
                procedure: procedure, form: form, answers: answers, submit: false, scope: "test", idempotencyKey: key, requestHash: key,
                filing: .init(channel: .api, filedBy: "test")), origin: origin)
        let field = try #require(form.definition.field("identity"))
        try await module.drafts.attach(draft, field: field, filename: "cni.pdf", bytes: pdf, origin: origin)
        guard
            case .submitted(let record) = try await module.submissions.submit(
                applicationId: draft.id, expectedRevision: draft.revision + 1, origin: origin)
        else {
            Issue.record("the application was not submitted")
            throw AppError(.internalServerError, code: "test")
        }
        return record
    }

    func count(_ sql: any SQLDatabase, _ query: SQLQueryString) async throws -> Int {
        try await sql.raw(query).first(decoding: CountRow.self)?.n ?? -1
    }

    struct CountRow: Decodable {
        let n: Int
    }

    /// Polls the request's page (as the person's browser does, every few seconds) until the operator's answer is in.
    func waitForAnswer(_ session: TestSession, _ path: String) async throws -> String {
        for _ in 0..<100 {
            let page = try await session.get(path)
            if page.headers[.refresh] == nil { return page.text }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("no answer from the operator at \(path)")
        return ""
    }

    func order(of record: ApplicationRecord, _ components: AppComponents, stage: String = "submission") async throws -> PaymentOrder {
        let sql = components.database.sql
        let id = try #require(
            try await sql.raw("SELECT id FROM payment_orders WHERE application_id = \(bind: record.id) AND stage = \(bind: stage)").first(
                decodingColumn: "id", as: String.self))
        return try #require(try await components.fees.order(id: id))
    }

    @Test func feesArePaidOnceByMobileMoneyOrAtTheCounterAndReconciled() async throws {
        let simulatorPort = MoMoSimulator.freePort()
        try await TestApp.withComponents(seed: .demo, configure: Self.configure(simulator: simulatorPort)) { components in
            try await ApplicationsDemo.seedForms(service: components.applications)
            let sql = components.database.sql
            let app = try GuichetApplication.buildApplication(components, logger: TestApp.logger, ownsDatabase: false)
            try await app.test(.live) { client in
                let simulator = try await MoMoSimulator.start(port: simulatorPort)
                defer { simulator.stop() }
                let guichetPort = try #require(client.port)
                // The payments as a process whose operator calls back to the live server.
                var settings = components.configuration.payments
                settings.callbackBase = "http://127.0.0.1:\(guichetPort)"
                let payments = PaymentsModule(
                    books: components.fees, database: components.database, renderer: components.renderer, settings: settings,
                    applications: components.applications, clock: components.clock, logger: TestApp.logger)

                // 1. Submitting puts the stamp on the books in the same transaction; the approval's fee is not due yet.
                let record = try await Self.fileCasier(components.applications, key: "first")
                let summary = try #require(try await components.fees.summary(application: record.id))
                #expect(summary.lines.map(\.key) == ["stamp"])
                #expect(summary.unpaid == ["XOF": 200])
                let payHref = try #require(summary.payHref)
                // A retried submission adds nothing.
                _ = try await components.applications.submissions.submit(
                    applicationId: record.id, expectedRevision: record.revision - 1, origin: ActionOrigin(actor: "test"))
                #expect(try await count(sql, "SELECT COUNT(*) AS n FROM payment_orders WHERE application_id = \(bind: record.id)") == 1)
                // No decision while the stamp is unpaid.
                let agent = Principal(kind: .token, id: "test-agent", displayName: "Agent", role: .administrator)
                await #expect(throws: AppError.self) {
                    _ = try await components.applications.casework.act(
                        record, .init(action: .approve, expectedRevision: record.revision), principal: agent, origin: ActionOrigin(actor: "test"))
                }

                // 2. The person pays on the web, without JavaScript: a wrong number first, then a double click.
                let session = TestSession(client: client)
                let page = try await session.get(payHref)
                #expect(page.status == .ok)
                #expect(page.text.contains("200"))
                let key = try #require(
                    page.text.range(of: "name=\"key\" value=\"").map { range in
                        String(page.text[range.upperBound...].prefix { $0 != "\"" })
                    })
                let wrong = try await session.post(payHref, form: [("operator", "wave"), ("phone", "12"), ("key", key)])
                #expect(wrong.status == .unprocessableContent)
                #expect(try await count(sql, "SELECT COUNT(*) AS n FROM payment_requests") == 0)
                let first = try await session.post(payHref, form: [("operator", "wave"), ("phone", "77 123 45 67"), ("key", key)])
                let again = try await session.post(payHref, form: [("operator", "wave"), ("phone", "77 123 45 67"), ("key", key)])
                #expect(first.status == .seeOther)
                let location = try #require(first.headers[.location])
                #expect(again.headers[.location] == location)
                #expect(!location.contains("221771234567"))
                let paid = try await waitForAnswer(session, location)
                #expect(paid.contains("Paiement reçu"), "\(paid.prefix(2000))")
                let firstOrder = try await order(of: record, components)
                #expect(firstOrder.status == "paid")
                let code = try #require(firstOrder.receiptCode)
                // The number is gone once the request is settled.
                #expect(try await count(sql, "SELECT COUNT(*) AS n FROM payment_requests WHERE phone IS NOT NULL") == 0)

                // 3. The receipt verifies at /verify/{code} and in the API; an altered one does not.
                let verify = try await session.get("/verify/\(code)")
                #expect(verify.status == .ok)
                #expect(verify.text.contains("Reçu de paiement"))
                let api = try await session.get("/api/v1/receipts/\(code)")
                #expect(api.text.contains("\"status\":\"valid\""))
                try await sql.raw(
                    "UPDATE payment_receipts SET payload = REPLACE(payload, '\"amount\":200', '\"amount\":20') WHERE code = \(bind: code)"
                )
                .run()
                #expect(try await session.get("/api/v1/receipts/\(code)").text.contains("\"status\":\"invalid\""))

                // 4. Approval: the delivery fee falls due and the extract waits for it; paid at a counter in cash, the
                // extract is issued in the same transaction.
                let current = try #require(try await components.applications.store.application(id: record.id))
                let approved = try await components.applications.casework.act(
                    current, .init(action: .approve, expectedRevision: current.revision), principal: agent, origin: ActionOrigin(actor: "test"))
                #expect(approved.status == .approved)
                let delivery = try await order(of: record, components, stage: "approval")
                #expect(delivery.amount == 200)
                let cashier = try await TestApp.signedIn(client, components, role: .centreAgent, centres: ["sn-ess-dakar"])
                let counter = try await cashier.get(PaymentsRoute.counter.path() + "?reference=" + (record.reference ?? ""))
                #expect(counter.text.contains(PaymentsRoute.counterOrder.path(delivery.id)))
                let counterKey = try #require(
                    counter.text.range(of: "name=\"key\" value=\"").map { range in
                        String(counter.text[range.upperBound...].prefix { $0 != "\"" })
                    })
                let taken = try await cashier.post(PaymentsRoute.counterOrder.path(delivery.id), form: [("method", "cash"), ("key", counterKey)])
                #expect(taken.status == .seeOther)
                _ = try await cashier.post(PaymentsRoute.counterOrder.path(delivery.id), form: [("method", "cash"), ("key", counterKey)])
                #expect(try await count(sql, "SELECT COUNT(*) AS n FROM payment_requests WHERE method = 'cash'") == 1)
                #expect(try await components.applications.store.application(id: record.id)?.status == .documentIssued)
                // The till closes once, with its total; after that the agent takes no more payment today.
                _ = try await cashier.get(PaymentsRoute.till.path())
                let closed = try await cashier.post(PaymentsRoute.till.path(), form: [])
                #expect(closed.status == .seeOther)
                let till = try await cashier.get(PaymentsRoute.till.path())
                #expect(till.text.contains("200"))
                #expect(try await count(sql, "SELECT COUNT(*) AS n FROM payment_tills") == 1)

                // 5. Refused on the handset: failed, nothing charged, and the order can be paid again.
                let second = try await Self.fileCasier(components.applications, key: "second")
                let secondOrder = try await order(of: second, components)
                let refused = try await payments.collections.startMobile(
                    order: secondOrder.id, operator: "wave", phone: "+221770000000", key: "refused", actor: "test")
                try await waitForStatus(payments, refused.id, not: "pending")
                #expect(try await components.fees.request(id: refused.id)?.status == "failed")
                #expect(try await components.fees.order(id: secondOrder.id)?.status == "due")

                // 6. A lost callback: the status poll finds the payment; a duplicated callback changes nothing more.
                _ = try await simulator.post("/control", json: ["drop_callbacks_next": 1])
                let lost = try await payments.collections.startMobile(
                    order: secondOrder.id, operator: "wave", phone: "+221771112233", key: "lost", actor: "test")
                try await Task.sleep(for: .milliseconds(600))
                #expect(try await components.fees.request(id: lost.id)?.status == "pending")
                try await Task.sleep(for: .milliseconds(1100))
                #expect(try await payments.collections.sweep() >= 1)
                #expect(try await components.fees.order(id: secondOrder.id)?.status == "paid")
                #expect(try await Self.callback(guichet: guichetPort, secret: Self.secret, externalId: lost.id) == 200)
                #expect(try await Self.callback(guichet: guichetPort, secret: "wrong", externalId: lost.id) == 403)
                #expect(try await count(sql, "SELECT COUNT(*) AS n FROM payment_receipts") == 3)

                // 7. A request nobody approves expires; a payment confirmed after the application was closed is flagged
                // for refund.
                let third = try await Self.fileCasier(components.applications, key: "third")
                let thirdOrder = try await order(of: third, components)
                let waiting = try await payments.collections.startMobile(
                    order: thirdOrder.id, operator: "orange-money", phone: "+221779999999", key: "waiting", actor: "test")
                try await sql.raw("UPDATE payment_requests SET expires_at = '2000-01-01T00:00:00.000Z' WHERE id = \(bind: waiting.id)").run()
                _ = try await payments.collections.refresh(try #require(try await components.fees.request(id: waiting.id)))
                #expect(try await components.fees.request(id: waiting.id)?.status == "expired")
                let rejected = try #require(try await components.applications.store.application(id: third.id))
                _ = try await components.applications.casework.act(
                    rejected, .init(action: .reject, expectedRevision: rejected.revision, note: "Pièce illisible"), principal: agent,
                    origin: ActionOrigin(actor: "test"))
                #expect(try await components.fees.order(id: thirdOrder.id)?.status == "cancelled")
                _ = try await simulator.post("/control", json: ["settle": ["referenceId": waiting.id, "status": "SUCCESSFUL"]])
                try await payments.collections.record(
                    waiting.id, status: try await MoMoCollection(settings: components.configuration.payments).status(reference: waiting.id),
                    via: "test")
                #expect(try await components.fees.order(id: thirdOrder.id)?.status == "refund_due")
                #expect(try await components.fees.request(id: waiting.id)?.refund == true)

                // 8. The operator's statement against the books: planted differences are each found.
                let stats = try await simulator.stats()
                #expect(stats["charged_per_external_id_max"] == 1)
                _ = try await simulator.post(
                    "/statement/plant",
                    json: [
                        "extra": [["external_id": UUID().uuidString.lowercased(), "amount": 5000, "currency": "XOF"]], "drop": [lost.id],
                        "amount_delta": [try #require(firstOrder.paidRequest): 10],
                    ])
                let day = Timestamps.day(Date())
                let statement = try await simulator.get("/statement?date=\(day)")
                let finance = Principal(kind: .token, id: "finance", displayName: "Finance", role: .finance, institutions: [record.institutionId])
                let report = try await Reconciliation(database: components.database, clock: SystemClock()).reconcile(
                    statement: statement, day: day, operator: "test", principal: finance)
                #expect(report.count(.theirsOnly) == 1)
                #expect(report.count(.oursOnly) == 1)
                #expect(report.rows.first { $0.kind == .oursOnly }?.requestId == lost.id)
                #expect(report.count(.differs) == 1)
                #expect(report.count(.matched) >= 1)
                #expect(!Reconciliation.csv(report).contains("+221"))
                // The finance role's books, over HTTP, and the statement imported through the form.
                let books = try await TestApp.signedIn(client, components, role: .finance, institutions: [record.institutionId])
                let booksPage = try await books.get(PaymentsRoute.finance.path())
                #expect(booksPage.status == .ok)
                #expect(booksPage.text.contains("extrait de casier judiciaire"), "\(booksPage.text.prefix(3000))")
                _ = try await books.get(PaymentsRoute.reconcile.path())
                let imported = try await books.postMultipart(
                    PaymentsRoute.reconcile.path(), fields: [("day", day)], files: [("statement", "statement.csv", Array(statement.utf8))])
                #expect(imported.status == .seeOther)
                let csv = try await books.get((imported.headers[.location] ?? "") + "/report.csv")
                #expect(csv.text.hasPrefix("kind,request_id,transaction_id"))
                // 9. The month's revenue goes to the published results, a small month without its amount.
                let revenue = try await RevenueFigures(database: components.database).revenue(
                    procedure: "sn-casier-judiciaire", from: Date().addingTimeInterval(-86_400), until: Date().addingTimeInterval(60))
                #expect(revenue.map(\.payments) == [3])
                #expect(revenue.map(\.amount) == [600])
                let results = try await session.get("/resultats/procedures/sn-casier-judiciaire")
                #expect(results.text.contains("Frais perçus"))
                #expect(!results.text.contains("600 XOF"))
                // 10. An order asks the handset at most five times an hour: the sixth request is refused (429).
                let fourth = try await order(of: try await Self.fileCasier(components.applications, key: "fourth"), components)
                for attempt in 0..<PaymentsModule.maxRequestsPerHour {
                    let refusedAgain = try await payments.collections.startMobile(
                        order: fourth.id, operator: "wave", phone: "+221770000000", key: "attempt-\(attempt)", actor: "test")
                    try await waitForStatus(payments, refusedAgain.id, not: "pending")
                }
                await #expect(throws: AppError.self) {
                    _ = try await payments.collections.startMobile(
                        order: fourth.id, operator: "wave", phone: "+221771234567", key: "attempt-6", actor: "test")
                }
                // 11. A request the operator never took (a 500 before it recorded anything, as if the process had stopped
                // between writing and sending): the worker sends it again under the same reference id, and it is paid once.
                let fifth = try await order(of: try await Self.fileCasier(components.applications, key: "fifth"), components)
                _ = try await simulator.post("/control", json: ["error_next": 1])
                let unsent = try await payments.collections.startMobile(
                    order: fifth.id, operator: "wave", phone: "+221771234568", key: "unsent", actor: "test")
                #expect(try await components.fees.request(id: unsent.id)?.sentAt == nil)
                try await Task.sleep(for: .milliseconds(2100))
                try await payments.collections.sweep()
                try await waitForStatus(payments, unsent.id, not: "pending")
                #expect(try await components.fees.order(id: fifth.id)?.status == "paid")
                // Every change is in the audit chain, which still verifies.
                try await AuditLog.chainPending(on: components.database.db)
                #expect(try await count(sql, "SELECT COUNT(*) AS n FROM audit_events WHERE action LIKE 'payment.%'") >= 10)
            }
        }
    }

    /// The operator's callback as MoMo sends it: a PUT with the request's outcome, carrying our secret in its URL.
    static func callback(guichet: Int, secret: String, externalId: String) async throws -> UInt {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(guichet)\(PaymentsRoute.callback.path())?secret=\(secret)")
        request.method = .PUT
        request.headers.add(name: "Content-Type", value: "application/json")
        let body = ["externalId": externalId, "status": "SUCCESSFUL", "amount": "200", "currency": "XOF", "financialTransactionId": "forged"]
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 16)
        return response.status.code
    }

    func waitForStatus(_ payments: PaymentsModule, _ id: String, not status: String) async throws {
        for _ in 0..<100 {
            if let request = try await payments.collections.books.request(id: id), request.status != status { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("request \(id) stayed \(status)")
    }
}

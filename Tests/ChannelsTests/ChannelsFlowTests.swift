// SPDX-License-Identifier: MPL-2.0
import Applications
import AsyncHTTPClient
import Catalog
import Centres
import Foundation
import GuichetApp
import GuichetCore
import GuichetTesting
import Hummingbird
import HummingbirdTesting
import Logging
import SQLKit
import Testing

@testable import Channels

/// The whole loop over real HTTP between two processes, on SQLite or on PostgreSQL (`DATABASE_URL`): Guichet serves
/// live, the aggregator simulator receives its messages, posts back delivery reports, inbound SMS and USSD screens.
@Suite(.serialized) struct ChannelsFlowTests {
    static let secret = "callback-secret-for-tests"
    static let apiKey = "simulator-api-key"
    /// Monday 7 December 2026, 10:00 in Dakar: the Espaces Sénégal Services are open.
    static let morning = Timestamps.parse("2026-12-07T10:00:00Z") ?? Date()
    static let dakar = "sn-ess-dakar"

    func count(_ sql: any SQLDatabase, _ query: SQLQueryString) async throws -> Int {
        try await sql.raw(query).first(decodingColumn: "n", as: Int.self) ?? -1
    }

    /// Sends everything due (again after a retry's short delay), until the simulator's delivery reports closed every
    /// message sent.
    func deliverAll(_ delivery: Delivery, _ sql: any SQLDatabase) async throws {
        // The reports come back over HTTP from the other process: up to two minutes when the machine is busy (the whole
        // suite runs side by side).
        let deadline = ContinuousClock.now.advanced(by: .seconds(120))
        while ContinuousClock.now < deadline {
            while try await delivery.runOnce() > 0 {}
            if try await count(sql, "SELECT COUNT(*) AS n FROM channel_outbox WHERE status IN ('queued', 'sending', 'sent')") == 0 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        let open = try await count(sql, "SELECT COUNT(*) AS n FROM channel_outbox WHERE status IN ('queued', 'sending', 'sent')")
        Issue.record("\(open) messages had no delivery report after two minutes")
    }

    @Test func messagesUSSDAndInboundSMSOverRealHTTP() async throws {
        let port = SimulatorProcess.freePort()
        let clock = ManualClock(Self.morning)
        let configure: @Sendable (inout AppConfiguration) -> Void = { configuration in
            configuration.host = "127.0.0.1"
            configuration.port = 0
            configuration.channels.transport = .africasTalking
            configuration.channels.url = "http://127.0.0.1:\(port)/version1/messaging"
            configuration.channels.username = "guichet"
            configuration.channels.apiKey = Self.apiKey
            configuration.channels.callbackSecret = Self.secret
            configuration.channels.worker = false
            configuration.channels.retryScale = 0.001
        }
        try await TestApp.withComponents(seed: .demo, configure: configure) { prepared in
            var withClock = prepared
            withClock.clock = clock
            let components = withClock
            try await CentresModule.seedDemo(
                database: components.database, catalog: CatalogLookupService(database: components.database.db), logger: TestApp.logger)
            // The demo's applications: submitted ones, one of them sent back for a correction, decided ones.
            try await ApplicationsDemo.seed(service: components.applications)
            let settings = components.configuration.channels
            let delivery = Delivery(
                database: components.database, transport: HTTPTransport(settings: settings, logger: TestApp.logger), settings: settings)
            let sql = components.database.sql
            let app = try GuichetApplication.buildApplication(components, logger: TestApp.logger, ownsDatabase: false)
            try await app.test(.live) { client in
                let simulator = try await SimulatorProcess.start(
                    port: port, guichet: "http://127.0.0.1:\(client.port ?? 0)", secret: Self.secret, apiKey: Self.apiKey)
                defer { simulator.stop() }

                // 1. The applications' messages reach the handsets, in French (the demo's applicants), and are closed by
                // the delivery reports, which erase the numbers.
                try await deliverAll(delivery, sql)
                let first = try await simulator.messages()

                #expect(first.contains { ($0["message"] as? String)?.contains("doit etre complétée") == true }, "\(first)")
                #expect(first.contains { ($0["message"] as? String)?.contains("bien recue") == true })
                #expect(try await count(sql, "SELECT COUNT(*) AS n FROM channel_outbox WHERE status = 'delivered'") == first.count)
                #expect(try await count(sql, "SELECT COUNT(*) AS n FROM channel_outbox WHERE phone IS NOT NULL") == 0)

                // 2. A remote ticket taken in English: taken, then "your turn is near" when the queue moves, then called.
                let directory = DirectoryRepository(database: components.database)
                let queue = QueueService(database: components.database, directory: directory, clock: clock, notifier: components.outbox)
                guard let service = try await directory.services(Self.dakar).first else {
                    Issue.record("the demo's Dakar centre has no service")
                    return
                }
                // A second apart, so that the queue's order is the order of issue.
                for _ in 0..<4 {
                    clock.set(clock.now.addingTimeInterval(1))
                    _ = try await queue.issue(.init(centreId: Self.dakar, serviceId: service.id, channel: .kiosk, actor: "kiosk"))
                }
                clock.set(clock.now.addingTimeInterval(1))
                let number = "+221770001122"
                var remote = QueueService.IssueRequest(
                    centreId: Self.dakar, serviceId: service.id, channel: .remote, phone: "77 000 11 22", actor: "remote")
                remote.language = "en"
                let ticket = try await queue.issue(remote)
                let counter = try await directory.counters(Self.dakar)[0].id
                try await queue.openCounter(centre: Self.dakar, counter: counter, services: [service.id], actor: "agent")
                _ = try await queue.callNext(centre: Self.dakar, counter: counter, actor: "agent")
                try await deliverAll(delivery, sql)
                var mine = try await simulator.messages(to: number).compactMap { $0["message"] as? String }
                #expect(mine.count == 2, "\(mine)")
                #expect(mine.first?.hasPrefix("Guichet: ticket \(ticket.label) taken, 4 people ahead") == true, "\(mine)")
                #expect(mine.last?.contains("your turn is near (3 people ahead") == true, "\(mine)")
                // The same call made again by another path changes nothing: each message has one key.
                try await components.database.writeTransaction { db in
                    try await queue.announceNear(centre: Self.dakar, service: service.id, on: db)
                }
                #expect(try await delivery.runOnce() == 0)

                // 3. USSD: the place in line, in English, screen by screen through the simulator.
                let screens = ["", "2", "2*4", "2*4*\(ticket.code)"]
                var answers: [String] = []
                for text in screens {
                    let reply = try await simulator.post("/ussd", json: ["sessionId": "ussd-1", "phoneNumber": number, "text": text])
                    answers.append(reply["answer"] as? String ?? "")
                }
                #expect(answers[0].hasPrefix("CON Guichet\n1 Fran"))
                #expect(answers[1].hasPrefix("CON Guichet\n1 Follow an application"))
                #expect(answers[2] == "CON Ticket code:\n0 Back")
                #expect(answers[3] == "END Ticket \(ticket.label): 3 people ahead of you.", "\(answers[3])")
                #expect(answers.allSatisfy { $0.count <= 182 && $0.allSatisfy(\.isASCII) })
                // The network's retry of the last screen is answered with the same screen.
                let again = try await simulator.post("/ussd", json: ["sessionId": "ussd-1", "phoneNumber": number, "text": screens[3]])
                #expect(again["answer"] as? String == answers[3])

                // A ticket taken by USSD, in French: Dakar is found on its page of the list of Senegal's open centres.
                let centres = try await directory.centres(country: "SN").filter(\.isOpenStatus).map(\.id)
                let index = centres.firstIndex(of: Self.dakar) ?? 0
                var path = ["1", "3"] + Array(repeating: "9", count: index / USSDMenu.perPage) + [String(index % USSDMenu.perPage + 1)]
                var screen = ""
                for step in 1...path.count {
                    let reply = try await simulator.post(
                        "/ussd", json: ["sessionId": "ussd-2", "phoneNumber": "+221770003344", "text": path.prefix(step).joined(separator: "*")])
                    screen = reply["answer"] as? String ?? ""
                    #expect(screen.count <= 182, "\(screen)")
                }
                #expect(screen.hasPrefix("CON Service :"), "\(screen)")
                path.append("1")
                let taken = try await simulator.post(
                    "/ussd", json: ["sessionId": "ussd-2", "phoneNumber": "+221770003344", "text": path.joined(separator: "*")])
                #expect((taken["answer"] as? String)?.hasPrefix("END Ticket \(service.letter)") == true, "\(taken)")

                // 4. Rating a visit by SMS once it is over: the feedback is recorded, the thanks sent once even if the
                // aggregator posts the same inbound message twice.
                try await finishAll(queue, counter: counter, upTo: ticket)
                let feedback = FeedbackService(database: components.database, clock: clock)
                let inbound = try await simulator.post(
                    "/inbound", json: ["from": number, "text": "avis \(ticket.code.lowercased()) 4", "id": "in-1"])
                #expect(inbound["status"] as? Int == 200, "\(inbound)")
                _ = try await simulator.post("/inbound", json: ["from": number, "text": "avis \(ticket.code.lowercased()) 4", "id": "in-1"])
                #expect(try await feedback.hasAnswer(ticket: try #require(try await queue.ticket(id: ticket.id))))
                try await deliverAll(delivery, sql)
                mine = try await simulator.messages(to: number).compactMap { $0["message"] as? String }
                #expect(mine.filter { $0 == "Merci pour votre avis." }.count == 1, "\(mine)")

                // 5. STOP ends the messages for that number: a new ticket with it is taken but announced to nobody.
                _ = try await simulator.post("/inbound", json: ["from": number, "text": "STOP", "id": "in-2"])
                try await deliverAll(delivery, sql)
                let beforeStop = try await simulator.messages(to: number).count
                #expect(
                    try await simulator.messages(to: number).last?["message"] as? String
                        == "Guichet : vous ne recevrez plus de SMS. Envoyez START pour les recevoir à nouveau.")
                _ = try await queue.issue(remote)
                try await deliverAll(delivery, sql)
                #expect(try await simulator.messages(to: number).count == beforeStop)

                // 6. A gateway that fails once: the message is tried again and reaches the handset once.
                _ = try await simulator.post("/control", json: ["fail_next": 1])
                var other = remote
                other.phone = "+221770005566"
                _ = try await queue.issue(other)
                #expect(try await delivery.runOnce() == 1)
                #expect(try await count(sql, "SELECT COUNT(*) AS n FROM channel_outbox WHERE status = 'queued' AND attempts = 1") == 1)
                try await Task.sleep(for: .milliseconds(50))
                try await deliverAll(delivery, sql)
                #expect(try await simulator.messages(to: "+221770005566").count == 1)

                // 7. Callbacks without the secret, or with a wrong body, change nothing.
                let rows = try await count(sql, "SELECT COUNT(*) AS n FROM channel_inbound")
                let forged = try await client.execute(
                    uri: ChannelsRoute.sms.path(), method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: "from=%2B221770001122&text=STOP&id=forged"))
                #expect(forged.status == .forbidden)
                let missing = try await client.execute(
                    uri: ChannelsRoute.sms.path() + "?secret=\(Self.secret)", method: .post,
                    headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: "text=STOP&id=x"))
                #expect(missing.status == .badRequest)
                let json = try await client.execute(
                    uri: ChannelsRoute.ussd.path() + "?secret=\(Self.secret)", method: .post, headers: [.contentType: "application/json"],
                    body: ByteBuffer(string: "{}"))
                #expect(json.status == .unsupportedMediaType)
                #expect(try await count(sql, "SELECT COUNT(*) AS n FROM channel_inbound") == rows)

                // 8. A report that comes before the write recording its message's id is kept, then closes that message
                // once the write is there (here a delivered message made to look sent under that id, as if its write
                // had committed after the report).
                let early = try await client.execute(
                    uri: ChannelsRoute.delivery.path() + "?secret=\(Self.secret)", method: .post,
                    headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: "id=ATXid_early&status=Success"))
                #expect(early.status == .ok)
                #expect(try await count(sql, "SELECT COUNT(*) AS n FROM channel_early_reports") == 1)
                try await sql.raw(
                    """
                    UPDATE channel_outbox SET status = 'sent', provider_id = 'ATXid_early' \
                    WHERE id = (SELECT id FROM channel_outbox WHERE status = 'delivered' ORDER BY id LIMIT 1)
                    """
                ).run()
                #expect(try await delivery.runOnce() == 0)
                #expect(
                    try await count(sql, "SELECT COUNT(*) AS n FROM channel_outbox WHERE provider_id = 'ATXid_early' AND status = 'delivered'") == 1)
                #expect(try await count(sql, "SELECT COUNT(*) AS n FROM channel_early_reports") == 0)
                let stats = try await simulator.stats()
                #expect(stats["reports_failed"] == 0)
            }
        }
    }

    /// Serves every ticket of the counter until `ticket` is done.
    func finishAll(_ queue: QueueService, counter: String, upTo ticket: Ticket) async throws {
        for _ in 0..<10 {
            guard let current = try await queue.current(counter: counter) else {
                _ = try await queue.callNext(centre: Self.dakar, counter: counter, actor: "agent")
                continue
            }
            if current.ticketStatus == .called {
                _ = try await queue.apply(.start, ticket: current.id, centre: Self.dakar, counter: counter, actor: "agent")
            }
            _ = try await queue.apply(.finish, ticket: current.id, centre: Self.dakar, counter: counter, actor: "agent")
            if current.id == ticket.id { return }
            _ = try await queue.callNext(centre: Self.dakar, counter: counter, actor: "agent")
        }
    }
}

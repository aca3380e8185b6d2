// SPDX-License-Identifier: MPL-2.0
import Audit
import Foundation
import GuichetCore
import GuichetTesting
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SQLKit
import Testing

@testable import Centres

@Suite struct CentresAPITests {
    typealias F = CentresFixtures
    static let key = HTTPField.Name("Idempotency-Key")!

    func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    func post(_ client: any TestClientProtocol, _ centre: String, _ body: String, key: String? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let key { headers[Self.key] = key }
        return try await client.executeRequest(
            uri: CentresRoute.apiTickets.path(centre), method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    /// The JSON error's code and field, after checking its status and that it is JSON.
    func error(_ response: TestResponse, _ status: HTTPResponse.Status) throws -> (code: String?, field: String?) {
        #expect(response.status == status)
        #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
        let error = try #require(try json(response)["error"] as? [String: Any])
        #expect((error["message"] as? String)?.isEmpty == false)
        return (error["code"] as? String, error["field"] as? String)
    }

    @Test func directoryWithHoursServicesAndWaits() async throws {
        try await F.withClient { client, components in
            let queue = F.queue(components)
            try await queue.openCounter(centre: F.dakar, counter: F.counter(1), services: [F.civil], actor: "agent")
            for _ in 0..<3 { _ = try await queue.issue(.init(centreId: F.dakar, serviceId: F.civil, channel: .kiosk, actor: "test")) }

            let list = try await client.execute(uri: CentresRoute.apiCentres.path(), method: .get) { try json($0) }
            let items = try #require(list["items"] as? [[String: Any]])
            #expect(Set(items.compactMap { $0["id"] as? String }) == [F.dakar, F.brazzaville])
            #expect(list["total"] as? Int == 2)
            let congo = try await client.execute(uri: CentresRoute.apiCentres.path() + "?country=cg", method: .get) { try json($0) }
            #expect((congo["items"] as? [[String: Any]])?.map { $0["id"] as? String } == [F.brazzaville])
            let unknown = try await client.execute(uri: CentresRoute.apiCentres.path() + "?country=ZZ", method: .get) { try error($0, .badRequest) }
            #expect(unknown.code == "bad_parameter" && unknown.field == "country")

            let dakar = try await client.execute(uri: CentresRoute.apiCentre.path(F.dakar), method: .get) { response in
                #expect(response.status == .ok)
                return try json(response)
            }
            #expect(dakar["id"] as? String == F.dakar && dakar["timezone"] as? String == "Africa/Dakar" && dakar["openNow"] as? Bool == true)
            #expect((dakar["name"] as? [String: Any])?["en"] as? String == "Dakar test centre")
            let hours = try #require(dakar["hours"] as? [[String: Any]])
            #expect(hours.count == 6 && hours.first?["opens"] as? String == "08:00" && hours.first?["closes"] as? String == "18:00")
            let services = try #require(dakar["services"] as? [[String: Any]])
            #expect(services.map { $0["id"] as? String } == [F.civil, F.identity])
            // Three waiting, one counter, fewer than five services measured: 3 × 6 minutes.
            #expect(services[0]["waiting"] as? Int == 3 && services[0]["openCounters"] as? Int == 1)
            #expect(services[0]["estimatedWaitMinutes"] as? Int == 18)
            #expect(services[1]["waiting"] as? Int == 0 && services[1]["estimatedWaitMinutes"] == nil, "no counter and no recent call: not known")

            let brazzaville = try await client.execute(uri: CentresRoute.apiCentre.path(F.brazzaville), method: .get) { try json($0) }
            #expect((brazzaville["closures"] as? [[String: Any]])?.contains { $0["day"] as? String == "2099-01-05" } == true)
            #expect(brazzaville["hoursConfirmed"] as? Bool == false && brazzaville["status"] as? String == "planned")
            let missing = try await client.execute(uri: CentresRoute.apiCentre.path("nowhere"), method: .get) { try error($0, .notFound) }
            #expect(missing.code == "centre_not_found")
        }
    }

    @Test func aRetriedRequestGetsTheSameTicketAndNoPhoneIsEverReturned() async throws {
        try await F.withClient { client, components in
            let body = #"{"service": "\#(F.civil)", "priority": "elderly", "phone": "+221 77 123 45 67"}"#
            let key = "0b7f6a52-1c1e-4d5e-9a3b-7f0c2a9d1e44"
            let first = try await post(client, F.dakar, body, key: key)
            #expect(first.status == .created)
            let ticket = try json(first)
            let code = try #require(ticket["code"] as? String)
            #expect(first.headers[.location] == CentresRoute.apiTicket.path(code))
            #expect(first.headers[.cacheControl] == "no-store")
            #expect(ticket["label"] as? String == "A001" && ticket["status"] as? String == "waiting" && ticket["priority"] as? String == "elderly")
            #expect(ticket["channel"] as? String == "remote" && ticket["position"] as? Int == 1 && ticket["peopleAhead"] as? Int == 0)
            #expect(ticket["url"] as? String == CentresRoute.ticket.path(code))

            let retry = try await post(client, F.dakar, body, key: key)
            #expect(retry.status == .ok)
            #expect(try json(retry)["code"] as? String == code)
            #expect(try await F.count(components, "centre_tickets") == 1)
            let issued = try await AuditLog.records(on: components.database.db).filter { $0.entry.action == "ticket.issued" }
            #expect(issued.count == 1 && issued.first?.entry.actor == "api")

            // An anonymous caller's key is scoped to what it asks for: the same key for another service is another
            // request, and never hands back the first caller's ticket.
            let reused = try await post(client, F.dakar, #"{"service": "\#(F.identity)"}"#, key: key)
            #expect(reused.status == .created)
            #expect(try json(reused)["code"] as? String != code)
            // Without a key, each request is a new ticket, behind the first (which has priority).
            let second = try await post(client, F.dakar, #"{"service": "\#(F.civil)"}"#)
            #expect(second.status == .created)
            let other = try json(second)
            #expect(other["label"] as? String == "A002" && other["position"] as? Int == 2 && other["peopleAhead"] as? Int == 1)
            #expect(other["estimatedWaitMinutes"] == nil, "no counter open, no call in two hours: not known")
            #expect(try await F.count(components, "centre_tickets") == 3)

            // The phone number is kept for alerts, and never read back.
            struct Phone: Decodable { let phone: String? }
            let stored = try await components.database.sql.select().column("phone").from("centre_tickets").where("code", .equal, code)
                .first(decoding: Phone.self)
            #expect(stored?.phone == "+221771234567")
            let read = try await client.execute(uri: CentresRoute.apiTicket.path(code.lowercased()), method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.cacheControl] == "no-store")
                return response.text
            }
            for response in [read, first.text, retry.text] {
                #expect(!response.contains("phone") && !response.contains("77123"), "\(response)")
            }
            #expect(!first.text.contains("agent") && !first.text.contains("\"id\""))

            // Called and served: no place in the queue any more.
            try await F.queue(components).openCounter(centre: F.dakar, counter: F.counter(2), services: [F.civil], actor: "agent")
            _ = try await F.queue(components).callNext(centre: F.dakar, counter: F.counter(2), actor: "agent")
            let called = try await client.execute(uri: CentresRoute.apiTicket.path(code), method: .get) { try json($0) }
            #expect(called["status"] as? String == "called" && called["counter"] as? String == "2" && called["calledAt"] is String)
            #expect(called["position"] == nil && called["estimatedWaitMinutes"] == nil)
            let unknown = try await client.execute(uri: CentresRoute.apiTicket.path("NOPE2345"), method: .get) { try error($0, .notFound) }
            #expect(unknown.code == "ticket_not_found")
        }
    }

    @Test func badRequestsAreJSONErrorsAndWriteNothing() async throws {
        try await F.withClient { client, components in
            let cases: [(String, String?, HTTPResponse.Status, String, String?)] = [
                ("not json", nil, .badRequest, "bad_json", nil),
                (#"{"service": 12}"#, nil, .badRequest, "json_wrong_type", "service"),
                (#"{"service": "nope"}"#, nil, .unprocessableContent, "service_unknown", "service"),
                (#"{"service": "\#(F.record)"}"#, nil, .unprocessableContent, "service_unknown", "service"),
                (#"{"service": "\#(F.civil)", "priority": "appointment"}"#, nil, .unprocessableContent, "priority_unknown", "priority"),
                (#"{"service": "\#(F.civil)", "phone": "12"}"#, nil, .unprocessableContent, "phone_invalid", "phone"),
                (#"{"service": "\#(F.civil)"}"#, "short", .badRequest, "idempotency_key", "Idempotency-Key"),
            ]
            for (body, key, status, code, field) in cases {
                let answer = try error(try await post(client, F.dakar, body, key: key), status)
                #expect(answer.code == code && answer.field == field, "\(body)")
            }
            let missing = try error(try await post(client, "nowhere", #"{"service": "x"}"#), .notFound)
            #expect(missing.code == "centre_not_found")
            // A centre closed today takes no remote ticket.
            let today = CentreClock.day(try F.clock(components).now, in: TimeZone(identifier: "Africa/Brazzaville")!)
            try await components.database.sql.insert(into: "centre_closures").columns("centre_id", "day", "reason_fr", "reason_en")
                .values(SQLBind(F.brazzaville), SQLBind(today), SQLBind("Test"), SQLBind("Test")).run()
            let closed = try error(try await post(client, F.brazzaville, #"{"service": "\#(F.record)"}"#), .conflict)
            #expect(closed.code == "centre_closed")
            #expect(try await F.count(components, "centre_tickets") == 0)
            #expect(try await AuditLog.records(on: components.database.db).filter { $0.entry.action.hasPrefix("ticket.") }.isEmpty)
        }
    }

    /// Every key the centres' API writes is declared in the OpenAPI document.
    @Test func answersMatchTheOpenAPIDocument() async throws {
        try await F.withClient { client, components in
            let document = try await client.execute(uri: "/api/v1/openapi.json", method: .get) { try json($0) }
            let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
            func check(_ object: [String: Any], _ schema: String) {
                let properties = schemas[schema]?["properties"] as? [String: Any] ?? [:]
                #expect(Set(object.keys).isSubset(of: Set(properties.keys)), "\(schema): \(Set(object.keys).subtracting(properties.keys))")
                for required in schemas[schema]?["required"] as? [String] ?? [] { #expect(object[required] != nil, "\(schema).\(required)") }
            }
            try await F.queue(components).openCounter(centre: F.dakar, counter: F.counter(1), services: [F.civil], actor: "a")
            let centre = try await client.execute(uri: CentresRoute.apiCentre.path(F.brazzaville), method: .get) { try json($0) }
            check(centre, "CentreDetail")
            for closure in centre["closures"] as? [[String: Any]] ?? [] { check(closure, "CentreClosure") }
            for hours in centre["hours"] as? [[String: Any]] ?? [] { check(hours, "CentreHours") }
            let dakar = try await client.execute(uri: CentresRoute.apiCentre.path(F.dakar), method: .get) { try json($0) }
            for service in dakar["services"] as? [[String: Any]] ?? [] { check(service, "CentreService") }
            let list = try await client.execute(uri: CentresRoute.apiCentres.path(), method: .get) { try json($0) }
            for item in list["items"] as? [[String: Any]] ?? [] { check(item, "CentreSummary") }
            let ticket = try json(try await post(client, F.dakar, #"{"service": "\#(F.civil)"}"#))
            check(ticket, "Ticket")
        }
    }
}

// SPDX-License-Identifier: MPL-2.0
import Audit
import Foundation
import GuichetCore
import GuichetTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import Testing

@testable import Centres

/// What one client can ask of the public forms: a script sending tickets or bookings in a loop gets 429s, and a
/// closed centre's kiosk issues nothing.
@Suite struct FloodTests {
    typealias F = CentresFixtures

    /// 50 kiosk tickets at once from one device: at most the minute's budget are issued, the rest are 429s.
    @Test func aKioskTakesNoMoreThanItsBudgetUnderConcurrency() async throws {
        try await F.withClient { client, components in
            var session = FormSession()
            session.read(try await client.execute(uri: CentresRoute.kiosk.path(F.dakar), method: .get) { $0 })
            let form = session
            let codes = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        Int(
                            try await form.post(
                                client, CentresRoute.kioskTickets.path(F.dakar), [("service", F.civil), ("request", UUID().uuidString.lowercased())]
                            ).status.code)
                    }
                }
                var codes: [Int] = []
                for try await code in group { codes.append(code) }
                return codes
            }
            let budget = PublicLimits().kioskTicketsPerMinute
            #expect(codes.filter { $0 == 303 }.count == budget, "\(codes)")
            #expect(codes.allSatisfy { $0 == 303 || $0 == 429 }, "\(codes)")
            #expect(try await F.count(components, "centre_tickets") == budget)
            #expect(try await client.execute(uri: "/healthz", method: .get) { $0.status } == .ok)
        }
    }

    @Test func aClosedCentresKioskIssuesNothing() async throws {
        try await F.withClient { client, components in
            let today = CentreClock.day(try F.clock(components).now, in: TimeZone(identifier: "Africa/Dakar") ?? .gmt)
            try await components.database.sql.insert(into: "centre_closures").columns("centre_id", "day", "reason_fr", "reason_en")
                .values(SQLBind(F.dakar), SQLBind(today), SQLBind("Test"), SQLBind("Test")).run()
            var session = FormSession()
            session.read(try await client.execute(uri: CentresRoute.kiosk.path(F.dakar), method: .get) { $0 })
            let posted = try await session.post(
                client, CentresRoute.kioskTickets.path(F.dakar), [("service", F.civil), ("request", UUID().uuidString.lowercased())])
            #expect(posted.status == .conflict)
            #expect(posted.text.contains("Le centre est fermé en ce moment."), "the kiosk says why")
            #expect(try await F.count(components, "centre_tickets") == 0)
            #expect(try await AuditLog.records(on: components.database.db).filter { $0.entry.action.hasPrefix("ticket.") }.isEmpty)
        }
    }

    /// Remote tickets through the API from one address: the hour's budget, then 429 with Retry-After.
    @Test func remoteTicketsFromOneAddressStopAtTheHoursBudget() async throws {
        try await F.withClient { client, components in
            let budget = PublicLimits().remoteTicketsPerHour
            let codes = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<(budget + 20) {
                    group.addTask {
                        try await client.execute(
                            uri: CentresRoute.apiTickets.path(F.dakar), method: .post,
                            headers: [.contentType: "application/json", .xForwardedFor: "203.0.113.9"],
                            body: ByteBuffer(string: #"{"service": "\#(F.civil)"}"#)
                        ) { Int($0.status.code) }
                    }
                }
                var codes: [Int] = []
                for try await code in group { codes.append(code) }
                return codes
            }
            #expect(codes.filter { $0 == 201 }.count == budget, "\(codes)")
            #expect(codes.filter { $0 == 429 }.count == 20, "\(codes)")
            // Another address is not held back.
            let other = try await client.execute(
                uri: CentresRoute.apiTickets.path(F.dakar), method: .post,
                headers: [.contentType: "application/json", .xForwardedFor: "203.0.113.10"],
                body: ByteBuffer(string: #"{"service": "\#(F.civil)"}"#)
            ) { $0 }
            #expect(other.status == .created)
            #expect(try await F.count(components, "centre_tickets") == budget + 1)
        }
    }

    /// Bookings from one address stop at the day's budget, so a script cannot fill every slot of a week.
    @Test func bookingsFromOneAddressStopAtTheDaysBudget() async throws {
        try await F.withClient { client, components in
            var session = FormSession()
            let page = try await client.execute(uri: CentresRoute.appointments.path(F.dakar) + "?service=\(F.civil)", method: .get) { $0 }
            session.read(page)
            let slots = page.text.matches(of: /<option value="([^"]+)">/).map { String($0.output.1) }
            let budget = PublicLimits().appointmentsPerDay
            try #require(slots.count > budget + 5)
            var codes: [Int] = []
            for slot in slots.prefix(budget + 5) {
                codes.append(
                    Int(try await session.post(client, CentresRoute.appointments.path(F.dakar), [("service", F.civil), ("slot", slot)]).status.code))
            }
            #expect(codes.filter { $0 == 303 }.count == budget, "\(codes)")
            #expect(codes.filter { $0 == 429 }.count == 5, "\(codes)")
            #expect(try await F.count(components, "centre_appointments") == budget)
        }
    }
}

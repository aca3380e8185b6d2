// SPDX-License-Identifier: MPL-2.0
import Audit
import Foundation
import GuichetCore
import GuichetTesting
import Testing

@testable import Centres

@Suite struct QueueTests {
    typealias F = CentresFixtures

    @Test func ticketsAreNumberedPerServiceAndPerLocalDay() async throws {
        try await F.withCentres { components in
            let queue = QueueService(database: components.database)
            let day1 = F.date("2026-03-02T09:00:00Z")
            let a1 = try await queue.issue(.init(centreId: F.dakar, serviceId: F.civil, channel: .kiosk, actor: "test"), at: day1)
            let a2 = try await queue.issue(.init(centreId: F.dakar, serviceId: F.civil, channel: .kiosk, actor: "test"), at: day1)
            let b1 = try await queue.issue(.init(centreId: F.dakar, serviceId: F.identity, channel: .kiosk, actor: "test"), at: day1)
            let next = try await queue.issue(
                .init(centreId: F.dakar, serviceId: F.civil, channel: .kiosk, actor: "test"), at: F.date("2026-03-03T09:00:00Z"))
            #expect([a1.label, a2.label, b1.label, next.label] == ["A001", "A002", "B001", "A001"])
            #expect(a1.code != a2.code && a1.code.count == 8)
            // 23:30 UTC on 2 March is already 3 March in Brazzaville (UTC+1): a new day, a new numbering.
            let late = try await queue.issue(
                .init(centreId: F.brazzaville, serviceId: F.record, channel: .kiosk, actor: "test"), at: F.date("2026-03-02T23:30:00Z"))
            #expect(late.day == "2026-03-03")
            #expect(CentreClock.stamp(late.issuedAt) == "2026-03-02T23:30:00.000Z")
        }
    }

    @Test func aRetriedSubmissionReturnsTheSameTicket() async throws {
        try await F.withCentres { components in
            let queue = QueueService(database: components.database)
            let token = UUID().uuidString.lowercased()
            let request = QueueService.IssueRequest(centreId: F.dakar, serviceId: F.civil, channel: .kiosk, requestToken: token, actor: "test")
            let first = try await queue.issue(request)
            let again = try await queue.issue(request)
            #expect(first == again)
            #expect(try await F.count(components, "centre_tickets") == 1)
        }
    }

    @Test func remoteTicketsNeedAPhoneThatNeverLeavesTheDatabase() async throws {
        try await F.withCentres { components in
            let queue = QueueService(database: components.database)
            await #expect(throws: AppError.self) {
                try await queue.issue(.init(centreId: F.dakar, serviceId: F.civil, channel: .remote, phone: "12", actor: "remote"))
            }
            let ticket = try await queue.issue(
                .init(centreId: F.dakar, serviceId: F.civil, channel: .remote, phone: "+221 77 123 45 67", actor: "remote"))
            struct Phone: Decodable { let phone: String? }
            let stored = try await components.database.sql.select().column("phone").from("centre_tickets").where("id", .equal, ticket.id)
                .first(decoding: Phone.self)
            #expect(stored?.phone == "+221771234567")
            let audit = try await AuditLog.records(on: components.database.db)
            #expect(!audit.contains { $0.entry.summary.contains("771234567") })
            // Served: the number is erased.
            try await queue.openCounter(centre: F.dakar, counter: F.counter(1), services: [F.civil], actor: "agent")
            _ = try await queue.callNext(centre: F.dakar, counter: F.counter(1), actor: "agent")
            _ = try await queue.apply(.start, ticket: ticket.id, centre: F.dakar, counter: F.counter(1), actor: "agent")
            _ = try await queue.apply(.finish, ticket: ticket.id, centre: F.dakar, counter: F.counter(1), actor: "agent")
            let erased = try await components.database.sql.select().column("phone").from("centre_tickets").where("id", .equal, ticket.id)
                .first(decoding: Phone.self)
            #expect(erased?.phone == nil)
            // A remote ticket never served loses its number when the next day's numbering starts.
            let abandoned = try await queue.issue(
                .init(centreId: F.dakar, serviceId: F.identity, channel: .remote, phone: "770000000", actor: "remote"),
                at: F.date("2026-03-02T09:00:00Z"))
            _ = try await queue.issue(
                .init(centreId: F.dakar, serviceId: F.civil, channel: .kiosk, actor: "test"), at: F.date("2026-03-03T08:00:00Z"))
            let purged = try await components.database.sql.select().column("phone").from("centre_tickets").where("id", .equal, abandoned.id)
                .first(decoding: Phone.self)
            #expect(purged?.phone == nil)
        }
    }

    @Test func priorityGoesFirstWithoutStarvingOthers() async throws {
        try await F.withCentres { components in
            let queue = QueueService(database: components.database)
            func issue(_ minute: Int, _ priority: Priority) async throws -> String {
                try await queue.issue(
                    .init(centreId: F.dakar, serviceId: F.civil, priority: priority, channel: .kiosk, actor: "test"),
                    at: F.date("2026-03-02T09:00:00Z").addingTimeInterval(Double(minute) * 60)
                ).label
            }
            let old = try await issue(0, .none)  // has waited 25 minutes when the pregnant woman arrives
            let r1 = try await issue(10, .none)
            let r2 = try await issue(20, .none)
            let pregnant = try await issue(25, .pregnancy)
            let elderly = try await issue(26, .elderly)
            let r3 = try await issue(27, .none)
            try await queue.openCounter(centre: F.dakar, counter: F.counter(1), services: [F.civil], actor: "agent")
            var order: [String] = []
            while let ticket = try await queue.callNext(centre: F.dakar, counter: F.counter(1), actor: "agent") {
                order.append(ticket.label)
                _ = try await queue.apply(.noShow, ticket: ticket.id, centre: F.dakar, counter: F.counter(1), actor: "agent")
            }
            // Priority tickets rank 20 minutes earlier: they pass r1 and r2 (who arrived less than 20 minutes before them),
            // not `old`, who has waited longer than that.
            #expect(order == [old, pregnant, elderly, r1, r2, r3])
        }
    }

    @Test func agentActionsFollowTheTicketsStateAndAreAudited() async throws {
        try await F.withCentres { components in
            let queue = QueueService(database: components.database)
            let counter = F.counter(2)
            await #expect(throws: AppError.self) { try await queue.callNext(centre: F.dakar, counter: counter, actor: "agent") }
            try await queue.openCounter(centre: F.dakar, counter: counter, services: [F.civil, F.identity], actor: "agent")
            #expect(try await queue.callNext(centre: F.dakar, counter: counter, actor: "agent") == nil)
            let issued = try await queue.issue(.init(centreId: F.dakar, serviceId: F.civil, channel: .reception, actor: "agent"))
            let called = try #require(try await queue.callNext(centre: F.dakar, counter: counter, actor: "agent"))
            #expect(called.id == issued.id && called.ticketStatus == .called && called.counterId == counter)
            // One ticket at a time per counter.
            _ = try await queue.issue(.init(centreId: F.dakar, serviceId: F.civil, channel: .kiosk, actor: "test"))
            await #expect(throws: AppError.self) { try await queue.callNext(centre: F.dakar, counter: counter, actor: "agent") }
            // Finish is refused before start.
            await #expect(throws: AppError.self) {
                try await queue.apply(.finish, ticket: called.id, centre: F.dakar, counter: counter, actor: "agent")
            }
            let recalled = try await queue.apply(.recall, ticket: called.id, centre: F.dakar, counter: counter, actor: "agent")
            #expect(recalled.recalls == 1)
            // Another counter cannot act on it.
            await #expect(throws: AppError.self) {
                try await queue.apply(.start, ticket: called.id, centre: F.dakar, counter: F.counter(3), actor: "agent")
            }
            _ = try await queue.apply(.start, ticket: called.id, centre: F.dakar, counter: counter, actor: "agent")
            let moved = try await queue.transfer(ticket: called.id, centre: F.dakar, counter: counter, to: F.identity, actor: "agent")
            #expect(moved.ticketStatus == .waiting && moved.serviceId == F.identity && moved.counterId == nil)
            #expect(moved.rankAt == issued.rankAt)
            // It keeps its rank: called before the civil-registration ticket issued after it.
            let again = try #require(try await queue.callNext(centre: F.dakar, counter: counter, actor: "agent"))
            #expect(again.id == issued.id)
            _ = try await queue.apply(.start, ticket: again.id, centre: F.dakar, counter: counter, actor: "agent")
            let done = try await queue.apply(.finish, ticket: again.id, centre: F.dakar, counter: counter, actor: "agent")
            #expect(done.ticketStatus == .done && done.finishedAt != nil)
            let actions = try await AuditLog.records(on: components.database.db).filter { $0.entry.entityId == issued.id }.map(\.entry.action)
            #expect(
                actions == [
                    "ticket.issued", "ticket.called", "ticket.recall", "ticket.start", "ticket.transferred", "ticket.called", "ticket.start",
                    "ticket.finish",
                ])
            #expect(
                try await AuditLog.verify(on: components.database.db) == .intact(events: try await AuditLog.records(on: components.database.db).count)
            )
        }
    }

    /// 8 agents call at the same time until 400 tickets are all called: each exactly once, none left behind.
    @Test func callNextIsSafeUnderConcurrency() async throws {
        try await F.withCentres { components in
            let queue = QueueService(database: components.database)
            let agents = 8
            let perAgent = 50
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<(agents * perAgent) {
                    group.addTask {
                        _ = try await queue.issue(
                            .init(centreId: F.dakar, serviceId: index % 2 == 0 ? F.civil : F.identity, channel: .kiosk, actor: "test"))
                    }
                    if index % 16 == 15 { try await group.waitForAll() }
                }
                try await group.waitForAll()
            }
            for agent in 1...agents {
                try await queue.openCounter(centre: F.dakar, counter: F.counter(agent), services: [F.civil, F.identity], actor: "agent\(agent)")
            }
            let calls = try await withThrowingTaskGroup(of: [String].self) { group in
                for agent in 1...agents {
                    group.addTask {
                        var mine: [String] = []
                        while let ticket = try await queue.callNext(centre: F.dakar, counter: F.counter(agent), actor: "agent\(agent)") {
                            mine.append(ticket.id)
                            _ = try await queue.apply(.noShow, ticket: ticket.id, centre: F.dakar, counter: F.counter(agent), actor: "agent\(agent)")
                        }
                        return mine
                    }
                }
                var all: [[String]] = []
                for try await ids in group { all.append(ids) }
                return all
            }
            let ids = calls.flatMap { $0 }
            #expect(ids.count == agents * perAgent)
            #expect(Set(ids).count == agents * perAgent, "a ticket was called twice")
            #expect(try await F.count(components, "centre_tickets", where: "status", "waiting") == 0, "a ticket was skipped")
            #expect(calls.filter { !$0.isEmpty }.count > 1, "only one agent got tickets")
            let labels = try await components.database.sql.select().column("label").from("centre_tickets").all(
                decodingColumn: "label", as: String.self)
            #expect(Set(labels).count == agents * perAgent, "two tickets got the same number")
        }
    }
    /// The waiting counts the database keeps (`centre_waiting`, by triggers) stay equal to a count of the waiting tickets
    /// through issues, calls, transfers and no-shows; and a ticket's place is the same whichever side of the queue is
    /// counted: near its end (from the service's count) or further ahead (the tickets ranked before it), ties included.
    @Test func waitingCountsAndPlacesFollowEveryChange() async throws {
        try await F.withCentres { components in
            let queue = QueueService(database: components.database)
            let sql = components.database.sql
            let morning = F.date("2026-03-02T08:00:00Z")
            // More tickets than QueueService.behindCounted, so that both ways of finding a place are taken; several at the
            // same instant (ties on rank and issue time), and some with a priority (ranked earlier).
            for index in 0..<(QueueService.behindCounted + 30) {
                let priority: Priority = index % 9 == 4 ? .elderly : .none
                _ = try await queue.issue(
                    .init(centreId: F.dakar, serviceId: F.civil, priority: priority, channel: .kiosk, actor: "test"),
                    at: morning.addingTimeInterval(Double(index / 3)))
            }
            for index in 0..<4 {
                _ = try await queue.issue(
                    .init(centreId: F.dakar, serviceId: F.identity, channel: .kiosk, actor: "test"), at: morning.addingTimeInterval(Double(index)))
            }
            try await queue.openCounter(centre: F.dakar, counter: F.counter(1), services: [F.civil], actor: "agent")
            let called = try #require(try await queue.callNext(centre: F.dakar, counter: F.counter(1), actor: "agent"))
            _ = try await queue.transfer(ticket: called.id, centre: F.dakar, counter: F.counter(1), to: F.identity, actor: "agent")
            let second = try #require(try await queue.callNext(centre: F.dakar, counter: F.counter(1), actor: "agent"))
            _ = try await queue.apply(.noShow, ticket: second.id, centre: F.dakar, counter: F.counter(1), actor: "agent")
            _ = try await queue.callNext(centre: F.dakar, counter: F.counter(1), actor: "agent")

            struct Waiting: Decodable {
                let id: String
                let serviceId: String
                let rankAt: String
                let issuedAt: String
            }
            let waiting = try await sql.raw(
                "SELECT id, service_id, rank_at, issued_at FROM centre_tickets WHERE status = 'waiting' ORDER BY rank_at, issued_at, id"
            ).all(decoding: Waiting.self, keyDecodingStrategy: .snakeCaseColumns)
            let counts = try await queue.waitingCounts(centre: F.dakar)
            #expect(counts[F.civil] == waiting.filter { $0.serviceId == F.civil }.count)
            #expect(counts[F.identity] == waiting.filter { $0.serviceId == F.identity }.count)
            #expect(counts[F.identity] == 5, "the transferred ticket waits in its new service")
            #expect(counts[F.civil] == QueueService.behindCounted + 30 - 3)
            for service in [F.civil, F.identity] {
                let line = waiting.filter { $0.serviceId == service }
                // The first, the last, both sides of the count's limit, and every tenth ticket.
                let positions = Set([0, line.count - 1, line.count - QueueService.behindCounted, line.count - QueueService.behindCounted - 1])
                    .union(stride(from: 0, to: line.count, by: 10)).filter { $0 >= 0 && $0 < line.count }
                for position in positions.sorted() {
                    let ticket = try #require(try await queue.ticket(id: line[position].id))
                    #expect(try await queue.position(of: ticket) == position, "ticket \(position) of \(service)")
                }
            }
        }
    }
}

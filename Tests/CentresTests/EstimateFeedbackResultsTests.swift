// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import GuichetTesting
import Testing

@testable import Centres

/// Serves one ticket through a counter: issued at `issued`, called `wait` minutes later, served for `service` minutes.
func serve(
    _ queue: QueueService, centre: String, service: String, counter: String, issued: Date, wait: Double, serviceMinutes: Double = 5,
    noShow: Bool = false
) async throws -> Ticket {
    let ticket = try await queue.issue(.init(centreId: centre, serviceId: service, channel: .kiosk, actor: "test"), at: issued)
    let calledAt = issued.addingTimeInterval(wait * 60)
    let called = try #require(try await queue.callNext(centre: centre, counter: counter, actor: "agent", at: calledAt))
    #expect(called.id == ticket.id)
    if noShow { return try await queue.apply(.noShow, ticket: ticket.id, centre: centre, counter: counter, actor: "agent", at: calledAt) }
    _ = try await queue.apply(.start, ticket: ticket.id, centre: centre, counter: counter, actor: "agent", at: calledAt)
    return try await queue.apply(
        .finish, ticket: ticket.id, centre: centre, counter: counter, actor: "agent", at: calledAt.addingTimeInterval(serviceMinutes * 60))
}

@Suite struct EstimateTests {
    typealias F = CentresFixtures

    @Test func formula() {
        #expect(WaitRules.combine(ahead: 3, serviceMinutes: 8, counters: 2) == 12)
        #expect(WaitRules.combine(ahead: 0, serviceMinutes: 8, counters: 2) == 0)
        #expect(WaitRules.combine(ahead: 5, serviceMinutes: 6.5, counters: 3) == 11)  // 10.83 rounded up
    }

    @Test func estimatesComeFromRecentServiceTimesAndOpenCounters() async throws {
        try await F.withCentres { components in
            let queue = QueueService(database: components.database)
            let estimator = WaitEstimator(database: components.database)
            let start = F.date("2026-03-02T08:00:00Z")
            let now = F.date("2026-03-02T12:00:00Z")
            try await queue.openCounter(centre: F.dakar, counter: F.counter(1), services: [F.civil], actor: "agent")
            // Fewer than five finished tickets: the default service time.
            #expect(try await estimator.serviceMinutes(service: F.civil, now: now).minutes == WaitRules.defaultServiceMinutes)
            for (index, minutes) in [4.0, 6, 8, 10, 12].enumerated() {
                _ = try await serve(
                    queue, centre: F.dakar, service: F.civil, counter: F.counter(1), issued: start.addingTimeInterval(Double(index) * 1800), wait: 10,
                    serviceMinutes: minutes)
            }
            let measured = try await estimator.serviceMinutes(service: F.civil, now: now)
            #expect(measured.samples == 5 && abs(measured.minutes - 8) < 0.001)
            // Three people ahead, two counters: 3 × 8 / 2 = 12 minutes.
            #expect(try await estimator.estimate(service: F.civil, ahead: 3, openCounters: 2, now: now) == 12)
            // Older than 14 days, the times no longer count.
            #expect(try await estimator.serviceMinutes(service: F.civil, now: now.addingTimeInterval(15 * 86_400)).samples == 0)
            // No counter open: the mean wait of the last two hours (the last ticket was called at 10:10 and waited 10 minutes).
            #expect(try await estimator.estimate(service: F.civil, ahead: 3, openCounters: 0, now: F.date("2026-03-02T11:00:00Z")) == 10)
            #expect(try await estimator.estimate(service: F.civil, ahead: 3, openCounters: 0, now: now.addingTimeInterval(3 * 3600)) == nil)
        }
    }
}

@Suite struct FeedbackTests {
    typealias F = CentresFixtures

    @Test func oneAnswerPerServedTicket() async throws {
        try await F.withCentres { components in
            let queue = QueueService(database: components.database)
            let feedback = FeedbackService(database: components.database)
            try await queue.openCounter(centre: F.dakar, counter: F.counter(1), services: [F.civil], actor: "agent")
            let waiting = try await queue.issue(.init(centreId: F.dakar, serviceId: F.identity, channel: .kiosk, actor: "test"))
            #expect(await errorCode { try await feedback.answer(ticket: waiting, .init(rating: 4)) } == "feedback_not_served")
            let served = try await serve(queue, centre: F.dakar, service: F.civil, counter: F.counter(1), issued: Date(), wait: 0)
            await #expect(throws: AppError.self) { try await feedback.answer(ticket: served, .init(rating: 5)) }
            await #expect(throws: AppError.self) { try await feedback.answer(ticket: served, .init(rating: 3, reason: "astrology")) }
            await #expect(throws: AppError.self) {
                try await feedback.answer(ticket: served, .init(rating: 3, comment: String(repeating: "x", count: 501)))
            }
            try await feedback.answer(ticket: served, .init(rating: 3, reason: "waiting_time", comment: "  Rapide.  "))
            #expect(await errorCode { try await feedback.answer(ticket: served, .init(rating: 1)) } == "feedback_already")
            #expect(try await F.count(components, "centre_feedback") == 1)
            struct Row: Decodable { let comment: String?, rating: Int }
            let row = try await components.database.sql.select().columns("comment", "rating").from("centre_feedback").first(decoding: Row.self)
            #expect(row?.comment == "Rapide." && row?.rating == 3)
        }
    }

    @Test func tabletAnswersAreRateLimitedPerDevice() async throws {
        try await F.withCentres { components in
            let limits = PublicLimits()
            let flood = FloodGuard(database: components.database, limits: limits)
            let start = Date()
            try await flood.tabletAnswer(centre: F.dakar, address: "192.0.2.10", at: start)
            #expect(
                await errorCode { try await flood.tabletAnswer(centre: F.dakar, address: "192.0.2.10", at: start.addingTimeInterval(5)) }
                    == "too_many_requests")
            // Another device of the same centre, and another centre's tablet, are not held back by it.
            try await flood.tabletAnswer(centre: F.dakar, address: "192.0.2.11", at: start.addingTimeInterval(5))
            try await flood.tabletAnswer(centre: F.brazzaville, address: "192.0.2.10", at: start.addingTimeInterval(5))
            try await flood.tabletAnswer(
                centre: F.dakar, address: "192.0.2.10", at: start.addingTimeInterval(Double(limits.feedbackIntervalSeconds) + 1))
        }
    }
}

@Suite struct ResultsTests {
    typealias F = CentresFixtures

    @Test func monthlyArithmeticOnAFixedDataSet() async throws {
        try await F.withCentres { components in
            let queue = QueueService(database: components.database)
            let feedback = FeedbackService(database: components.database)
            try await queue.openCounter(centre: F.dakar, counter: F.counter(1), services: [F.civil, F.identity], actor: "agent")
            try await queue.openCounter(centre: F.brazzaville, counter: F.counter(1, F.brazzaville), services: [F.record], actor: "agent")
            let base = F.date("2026-03-10T09:00:00Z")
            // Dakar, March: waits of 5, 15, 25 and 40 minutes (the last one did not answer the call).
            var served: [Ticket] = []
            for (index, wait) in [5.0, 15, 25].enumerated() {
                served.append(
                    try await serve(
                        queue, centre: F.dakar, service: F.civil, counter: F.counter(1), issued: base.addingTimeInterval(Double(index) * 7200),
                        wait: wait))
            }
            _ = try await serve(
                queue, centre: F.dakar, service: F.identity, counter: F.counter(1), issued: base.addingTimeInterval(4 * 7200), wait: 40, noShow: true)
            // A ticket still waiting is not counted.
            _ = try await queue.issue(
                .init(centreId: F.dakar, serviceId: F.civil, channel: .kiosk, actor: "test"), at: base.addingTimeInterval(9 * 7200))
            // Ratings 4, 3, 2 on tickets and 1, 4 at the tablet: 3 satisfied of 5.
            for (ticket, rating) in zip(served, [4, 3, 2]) {
                try await feedback.answer(ticket: ticket, .init(rating: rating), at: base.addingTimeInterval(86_400))
            }
            try await feedback.answerAtTablet(centre: F.dakar, .init(rating: 1), at: base.addingTimeInterval(2 * 86_400))
            try await feedback.answerAtTablet(centre: F.dakar, .init(rating: 4), at: base.addingTimeInterval(3 * 86_400))
            // Brazzaville (UTC+1): 28 February 23:30 UTC is 1 March there (counts in March); 31 March 23:30 UTC is 1 April.
            _ = try await serve(
                queue, centre: F.brazzaville, service: F.record, counter: F.counter(1, F.brazzaville), issued: F.date("2026-02-28T23:30:00Z"),
                wait: 10)
            _ = try await serve(
                queue, centre: F.brazzaville, service: F.record, counter: F.counter(1, F.brazzaville), issued: F.date("2026-03-31T23:30:00Z"),
                wait: 10)

            let results = ResultsService(database: components.database)
            let directory = DirectoryRepository(database: components.database)
            let dakar = try await results.result(centre: try await directory.requireCentre(F.dakar), month: "2026-03", waitMinutes: 20)
            #expect(dakar.called == 4 && dakar.calledWithin == 2 && dakar.noShows == 1)
            #expect(dakar.withinPercent == 50.0)
            #expect(dakar.averageWaitMinutes == 21.3)  // (5 + 15 + 25 + 40) / 4 = 21.25
            #expect(dakar.feedback == 5 && dakar.satisfied == 3 && dakar.satisfactionPercent == 60.0)
            let brazzaville = try await directory.requireCentre(F.brazzaville)
            #expect(try await results.result(centre: brazzaville, month: "2026-03", waitMinutes: 20).called == 1)
            #expect(try await results.result(centre: brazzaville, month: "2026-04", waitMinutes: 20).called == 1)
            #expect(try await results.result(centre: brazzaville, month: "2026-02", waitMinutes: 20).called == 0)
            let network = try await results.network(centres: try await directory.centres(), month: "2026-03", waitMinutes: 20)
            #expect(network.total.called == 5 && network.total.calledWithin == 3 && network.total.withinPercent == 60.0)
            #expect(network.byCentre.count == 2)
            #expect(
                MonthlyResult.months(endingAt: F.date("2026-02-10T00:00:00Z"), count: 3, in: TimeZone(secondsFromGMT: 0)!) == [
                    "2025-12", "2026-01", "2026-02",
                ])
        }
    }
}

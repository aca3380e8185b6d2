// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetApp
import GuichetCore
import GuichetTesting
import HummingbirdTesting
import Testing

@testable import Centres

@Suite struct DashboardTests {
    typealias F = CentresFixtures

    /// A fixed day in Brazzaville (UTC+1): figures per hour, service and agent, counted on the centre's local day.
    static func fill(_ components: AppComponents) async throws {
        let queue = QueueService(database: components.database)
        let counter = F.counter(1, F.brazzaville)
        try await queue.openCounter(centre: F.brazzaville, counter: counter, services: [F.record], actor: "agent")
        _ = try await serve(
            queue, centre: F.brazzaville, service: F.record, counter: counter, issued: F.date("2026-03-16T07:50:00Z"), wait: 10, serviceMinutes: 6)
        _ = try await serve(
            queue, centre: F.brazzaville, service: F.record, counter: counter, issued: F.date("2026-03-16T08:10:00Z"), wait: 20, serviceMinutes: 10)
        _ = try await serve(
            queue, centre: F.brazzaville, service: F.record, counter: counter, issued: F.date("2026-03-16T08:30:00Z"), wait: 30, noShow: true)
        _ = try await queue.issue(
            .init(centreId: F.brazzaville, serviceId: F.record, channel: .kiosk, actor: "test"), at: F.date("2026-03-16T09:00:00Z"))
        // 23:30 UTC is already the 17th in Brazzaville.
        _ = try await queue.issue(
            .init(centreId: F.brazzaville, serviceId: F.record, channel: .kiosk, actor: "test"), at: F.date("2026-03-16T23:30:00Z"))
        let feedback = FeedbackService(database: components.database)
        try await feedback.answerAtTablet(centre: F.brazzaville, .init(rating: 4), at: F.date("2026-03-16T22:30:00Z"))
        try await feedback.answerAtTablet(centre: F.brazzaville, .init(rating: 1), at: F.date("2026-03-16T23:30:00Z"))
    }

    @Test func figuresOfAFixedDay() async throws {
        try await F.withCentres { components in
            try await Self.fill(components)
            let centre = try await DirectoryRepository(database: components.database).requireCentre(F.brazzaville)
            let day = try await DashboardService(database: components.database).day(centre: centre, day: "2026-03-16")
            #expect(day.total.issued == 4 && day.total.waiting == 1 && day.total.called == 3 && day.total.served == 2 && day.total.noShows == 1)
            #expect(day.total.meanWaitMinutes == 20.0)  // (10 + 20 + 30) / 3
            #expect(day.total.meanServiceMinutes == 8.0)  // (6 + 10) / 2
            #expect(day.byHour.mapValues(\.issued) == [8: 1, 9: 2, 10: 1])
            #expect(day.byService[F.record]?.issued == 4)
            #expect(day.byAgent["agent"]?.served == 2 && day.byAgent.count == 1)
            #expect(day.answers == 1 && day.satisfactionPercent == 100.0)
            let next = try await DashboardService(database: components.database).day(centre: centre, day: "2026-03-17")
            #expect(next.total.issued == 1 && next.answers == 1)
        }
    }

    @Test func onlyManagersOfTheCentreSeeIt() async throws {
        try await F.withClient { client, components in
            try await Self.fill(components)
            let manager = try await TestApp.signedIn(client, components, role: .centreManager, centres: [F.brazzaville])
            let page = try await manager.get(CentresRoute.dashboard.path(F.brazzaville) + "?day=2026-03-16")
            #expect(page.status == .ok)
            #expect(page.text.contains("<th scope=\"row\">Toute la journée</th><td>4</td><td>1</td><td>2</td><td>1</td><td>20.0</td><td>8.0</td>"))
            #expect(page.text.contains("<th scope=\"row\">09:00–10:00</th><td>2</td>"))
            #expect(try await manager.get(CentresRoute.dashboard.path(F.brazzaville) + "?day=2026-13-01").status == .badRequest)
            #expect(try await manager.get(CentresRoute.dashboard.path(F.dakar)).status == .forbidden)
            let agent = try await TestApp.signedIn(client, components, role: .centreAgent, centres: [F.brazzaville])
            #expect(try await agent.get(CentresRoute.dashboard.path(F.brazzaville)).status == .forbidden)
        }
    }
}

// SPDX-License-Identifier: MPL-2.0
import Audit
import Foundation
import GuichetApp
import GuichetCore
import GuichetTesting
import HummingbirdTesting
import SQLKit
import Testing

@testable import Centres

/// The demo's 90 days of simulated activity: the same every time, inside opening hours, over by now, flagged, counted
/// only in the demo, and said to be simulated on the pages that show it.
@Suite struct SimulationTests {
    typealias F = CentresFixtures

    @Test func theSamePlanEveryTimeInsideOpeningHoursAndOverByNow() async throws {
        try await F.withCentres { components in
            let directory = DirectoryRepository(database: components.database)
            let settings = CentresSimulation.Settings(days: 30)
            let first = try await CentresSimulation.plan(directory: directory, now: F.openTime, settings: settings)
            let second = try await CentresSimulation.plan(directory: directory, now: F.openTime, settings: settings)
            #expect(first.tickets == second.tickets && first.feedback == second.feedback && first.appointments == second.appointments)
            let counts = first.counts
            #expect(counts.centres == 1 && counts.tickets > 300 && counts.feedback > 0 && counts.noShows > 0, "\(counts)")
            let other = try await CentresSimulation.plan(directory: directory, now: F.openTime, settings: .init(seed: 7, days: 30))
            #expect(other.tickets != first.tickets, "another seed, another history")
            var hoursByCentre: [String: (TimeZone, [OpeningSpan])] = [:]
            for centre in try await directory.centres() { hoursByCentre[centre.id] = (centre.timeZone, try await directory.hours(centre.id)) }
            for ticket in first.tickets {
                let (zone, hours) = try #require(hoursByCentre[ticket.centreId])
                #expect(CentreClock.isOpen(at: ticket.issuedAt, in: zone, hours: hours, closedDays: []), "\(ticket.label) at \(ticket.issuedAt)")
                #expect(ticket.issuedAt <= ticket.calledAt && ticket.calledAt <= ticket.finishedAt && ticket.finishedAt <= F.openTime)
            }
            // Brazzaville is planned, not open: nobody visits it.
            #expect(!first.tickets.contains { $0.centreId == F.brazzaville })
        }
    }

    @Test func rowsAreFlaggedWrittenOnceAndCountedOnlyInTheDemo() async throws {
        try await F.withCentres { components in
            let counts = try await CentresSimulation.run(database: components.database, now: F.openTime, settings: .init(days: 20))
            #expect(counts.tickets > 0)
            #expect(try await F.count(components, "centre_tickets") == counts.tickets)
            let again = try await CentresSimulation.run(database: components.database, now: F.openTime, settings: .init(days: 20))
            #expect(again == CentresSimulation.Counts(), "a second start writes nothing")
            struct Row: Decodable { let n: Int }
            let real = try await components.database.sql.raw("SELECT COUNT(*) AS n FROM centre_tickets WHERE simulated = FALSE")
                .first(decoding: Row.self)?.n
            #expect(real == 0)
            let directory = DirectoryRepository(database: components.database)
            let dakar = try #require(try await directory.centre(F.dakar))
            let month = CentreClock.month(F.openTime, in: dakar.timeZone)
            let demo = try await ResultsService(database: components.database, simulated: SimulatedRows(included: true))
                .result(centre: dakar, month: month, waitMinutes: 20)
            let deployment = try await ResultsService(database: components.database).result(centre: dakar, month: month, waitMinutes: 20)
            #expect(demo.called > 0 && demo.feedback > 0)
            #expect(deployment.called == 0 && deployment.feedback == 0)
            let measures = try await TicketMeasures(database: components.database.db).procedureMeasures(since: .distantPast)
            #expect(measures.isEmpty, "the ranking of a real deployment never counts simulated tickets")
            try await AuditLog.chainPending(on: components.database.db)
            let audit = try await components.database.sql.raw("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'simulation.generated'")
                .first(decoding: Row.self)?.n
            #expect(audit == 1)
        }
    }

    /// `serve --demo`: the results page has figures and says they are simulated; the same page of a deployment does not.
    @Test func theDemoSaysItsFiguresAreSimulated() async throws {
        let demo: @Sendable (inout AppConfiguration) -> Void = {
            $0.demo = true
            $0.servicePublicDirectory = nil
        }
        try await TestApp.withClient(configure: demo) { client, _ in
            try await client.execute(uri: "/engagements", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("Données simulées"))
            }
            try await client.execute(uri: "/engagements?lang=en", method: .get) { response in
                #expect(response.text.contains("Simulated data"))
            }
            // A page without figures says nothing of it.
            try await client.execute(uri: "/", method: .get) { response in
                #expect(!response.text.contains("Données simulées"))
            }
        }
        try await F.withClient { client, _ in
            try await client.execute(uri: "/engagements", method: .get) { response in
                #expect(!response.text.contains("Données simulées"))
            }
        }
    }
}

// SPDX-License-Identifier: MPL-2.0
import Catalog
import Centres
import Ecosystem
import Foundation
import GuichetApp
import GuichetCore
import GuichetTesting
import HummingbirdTesting
import Testing

/// The composition root hands the centres' ticket measures to the ecosystem's ranking.
@Suite struct MeasuredPrioritiesTests {
    static let yaml = """
        format: guichet-centres/1
        centres:
        - id: ranking-centre
          country: SN
          region: Dakar
          department: Dakar
          name: {fr: Centre du classement}
          status: open
          latitude: 14.69
          longitude: -17.45
          timezone: Africa/Dakar
          hours:
          - {days: [1, 2, 3, 4, 5, 6, 7], opens: "00:00", closes: "24:00"}
          counters: ["1"]
          services:
          - {key: casier, letter: C, name: {fr: Casier}, procedures: [sn-casier-judiciaire]}
          sources:
          - {title: Test, url: "https://example.org"}
        """

    @Test func ticketsServedGiveTheMeasuredVolumeAndTheirRatingsTheSatisfaction() async throws {
        try await TestApp.withClient(seed: .demo) { client, components in
            _ = try await DirectoryImporter(
                database: components.database, catalog: CatalogLookupService(database: components.database),
                changes: CatalogContentChanges(database: components.database, generation: components.cache.generation)
            )
            .importDocument(
                try CentresDocument.decode(yaml: Self.yaml), actor: "test")
            let queue = QueueService(database: components.database)
            let feedback = FeedbackService(database: components.database)
            let counter = "ranking-centre.1"
            try await queue.openCounter(centre: "ranking-centre", counter: counter, services: ["ranking-centre.casier"], actor: "agent")
            // Six visitors served; five rate the visit, two of them satisfied.
            for rating in [4, 3, 2, 1, 1, nil] {
                _ = try await queue.issue(.init(centreId: "ranking-centre", serviceId: "ranking-centre.casier", channel: .kiosk, actor: "test"))
                let ticket = try #require(try await queue.callNext(centre: "ranking-centre", counter: counter, actor: "agent"))
                _ = try await queue.apply(.start, ticket: ticket.id, centre: "ranking-centre", counter: counter, actor: "agent")
                let done = try await queue.apply(.finish, ticket: ticket.id, centre: "ranking-centre", counter: counter, actor: "agent")
                if let rating { try await feedback.answer(ticket: done, .init(rating: rating)) }
            }
            let analyst = try await TestApp.signedIn(client, components, role: .analyst)
            let weights = "?w_volume=10&w_burden=0&w_needs=0&w_readiness=0&w_satisfaction=0&country=SN"
            let html = try await analyst.get(EcosystemRoute.priorities.path() + weights).text
            let firstRow = try #require(html.range(of: "<tbody><tr><td>1</td>").map { String(html[$0.upperBound...].prefix(900)) })
            #expect(firstRow.contains("/procedures/sn-casier-judiciaire"), "the only procedure with a volume comes first")
            #expect(firstRow.contains("Volume retenu : 6 tickets en 12 mois (mesuré)"))
            #expect(firstRow.contains("40 % d’avis satisfaits (5 avis en 12 mois)"))
            let english = try await analyst.get(EcosystemRoute.priorities.path() + weights + "&lang=en").text
            #expect(english.contains("Volume used: 6 tickets in 12 months (measured)"))

            // Low satisfaction alone: 3 of 5 not satisfied (0.6) against the neutral 0.6 of the others (the mean of the one rated).
            let csv = try await analyst.get(EcosystemRoute.prioritiesCSV.path() + weights).text
            let line = try #require(csv.split(separator: "\n").first { $0.contains(",sn-casier-judiciaire,") })
            #expect(line.hasPrefix("1,sn-casier-judiciaire,"))
            #expect(line.contains(",0.600,6,measured,0,6,tickets=6,"))
            #expect(line.contains(",2,5,no,volume=10;burden=0;needs=0;readiness=0;satisfaction=0"))
        }
    }
}

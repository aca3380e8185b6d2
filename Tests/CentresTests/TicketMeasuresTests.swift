// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import GuichetTesting
import Testing

@testable import Centres

@Suite struct TicketMeasuresTests {
    /// One centre whose first service handles two catalogue procedures and whose second handles one.
    static let yaml = """
        format: guichet-centres/1
        centres:
        - id: measure-centre
          country: SN
          region: Dakar
          department: Dakar
          name: {fr: Centre de mesure}
          status: open
          latitude: 14.69
          longitude: -17.45
          timezone: Africa/Dakar
          hours:
          - {days: [1, 2, 3, 4, 5], opens: "08:00", closes: "16:00"}
          counters: ["1"]
          services:
          - {key: naissance, letter: A, name: {fr: Naissance}, procedures: [sn-declaration-naissance, sn-extrait-acte-naissance]}
          - {key: casier, letter: C, name: {fr: Casier}, procedures: [sn-casier-judiciaire]}
          sources:
          - {title: Test, url: "https://example.org"}
        """

    @Test func ticketsServedAndRatingsPerProcedure() async throws {
        try await TestApp.withComponents(seed: .demo) { components in
            _ = try await CentresFixtures.importer(components).importDocument(try CentresDocument.decode(yaml: Self.yaml), actor: "test")
            let queue = QueueService(database: components.database)
            let feedback = FeedbackService(database: components.database)
            let centre = "measure-centre"
            let births = "measure-centre.naissance"
            let records = "measure-centre.casier"
            let counter = "measure-centre.1"
            let now = Date()
            let yearAgo = now.addingTimeInterval(-365 * 86_400)
            try await queue.openCounter(centre: centre, counter: counter, services: [births, records], actor: "agent")
            // Births: two served (rated 4 and 2), one no-show, one still waiting.
            let first = try await serve(
                queue, centre: centre, service: births, counter: counter, issued: now.addingTimeInterval(-3 * 86_400), wait: 5)
            let second = try await serve(
                queue, centre: centre, service: births, counter: counter, issued: now.addingTimeInterval(-2 * 86_400), wait: 5)
            _ = try await serve(
                queue, centre: centre, service: births, counter: counter, issued: now.addingTimeInterval(-86_400), wait: 5, noShow: true)
            _ = try await queue.issue(.init(centreId: centre, serviceId: births, channel: .kiosk, actor: "test"))
            try await feedback.answer(ticket: first, .init(rating: 4), at: now.addingTimeInterval(-3 * 86_400 + 3600))
            try await feedback.answer(ticket: second, .init(rating: 2), at: now.addingTimeInterval(-2 * 86_400 + 3600))
            // A tablet answer names no service: no procedure gets it.
            try await feedback.answerAtTablet(centre: centre, .init(rating: 1), at: now.addingTimeInterval(-3600))
            // Criminal records: one served 400 days ago (too old, and so is its rating), one served this week.
            let old = try await serve(
                queue, centre: centre, service: records, counter: counter, issued: now.addingTimeInterval(-400 * 86_400), wait: 5)
            try await feedback.answer(ticket: old, .init(rating: 1), at: now.addingTimeInterval(-400 * 86_400 + 3600))
            _ = try await serve(queue, centre: centre, service: records, counter: counter, issued: now.addingTimeInterval(-86_400), wait: 5)

            let source = TicketMeasures(database: components.database.db)
            #expect(source.measureKey == "measures.tickets")
            let measures = try await source.procedureMeasures(since: yearAgo)
            #expect(
                measures == [
                    "sn-declaration-naissance": ProcedureMeasure(count: 2, satisfied: 1, rated: 2),
                    "sn-extrait-acte-naissance": ProcedureMeasure(count: 2, satisfied: 1, rated: 2),
                    "sn-casier-judiciaire": ProcedureMeasure(count: 1, satisfied: 0, rated: 0),
                ])
            let longer = try await source.procedureMeasures(since: now.addingTimeInterval(-500 * 86_400))
            #expect(longer["sn-casier-judiciaire"] == ProcedureMeasure(count: 2, satisfied: 0, rated: 1))
            #expect(try await source.procedureMeasures(since: now.addingTimeInterval(60)).isEmpty)
        }
    }
}

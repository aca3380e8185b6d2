// SPDX-License-Identifier: MPL-2.0
import Applications
import Audit
import Catalog
import Centres
import Foundation
import GuichetApp
import GuichetCore
import GuichetTesting
import HTTPTypes
import HummingbirdTesting
import Testing

/// The procedure page says what a person can do now, gathered from every feature: apply online where a form is
/// published, where to go (nearest first, hours, open now, today's wait as of a stated time, links for that service),
/// and it stays right when a form is published or the time moves on while the page is cached.
@Suite struct ProcedurePageJourneyTests {
    /// A Monday at 10:00 UTC: 10:00 in Dakar and Lomé, 11:00 in Brazzaville; the demo's centres are open.
    static let monday = Date(timeIntervalSince1970: 1_788_775_200)

    /// The whole application over the demo catalogue, its centres and forms, on a clock that moves only when told.
    func withDemo(_ body: @Sendable @escaping (any TestClientProtocol, AppComponents, ManualClock) async throws -> Void) async throws {
        try await TestApp.withComponents(seed: .demo) { prepared in
            var components = prepared
            let clock = ManualClock(Self.monday)
            components.clock = clock
            let catalog = CatalogLookupService(database: components.database.db)
            _ = try await DirectoryImporter(
                database: components.database, catalog: catalog,
                changes: CatalogContentChanges(database: components.database, generation: components.cache.generation)
            )
            .importDocument(try CentresModule.demoDocument(), actor: "test")
            try await ApplicationsDemo.seedForms(service: components.applications)
            let app = try GuichetApplication.buildApplication(components, logger: TestApp.logger, ownsDatabase: false)
            let ready = components
            try await app.test(.router) { client in try await body(client, ready, clock) }
        }
    }

    func page(_ client: any TestClientProtocol, _ uri: String) async throws -> String {
        try await client.execute(uri: uri, method: .get) { response in
            #expect(response.status == .ok, "\(uri)")
            return response.text
        }
    }

    @Test func everyProcedureWithAFormOffersToApplyAndAFormPublishedLaterShowsAtOnce() async throws {
        try await withDemo { client, components, _ in
            let withForms = Set(try ApplicationsDemo.forms().map(\.procedure))
            #expect(withForms.count >= 6)
            for id in withForms {
                let html = try await page(client, "/procedures/\(id)")
                #expect(html.contains("href=\"/procedures/\(id)/apply\""), "\(id) does not offer to apply")
                #expect(html.contains("Faire la demande en ligne"))
                #expect(html.contains("href=\"/track\""), "\(id) does not lead to tracking")
            }
            // A procedure without a form: no apply link, and the cached page changes as soon as one is published.
            let passport = "/procedures/sn-passeport"
            #expect(!(try await page(client, passport)).contains("/procedures/sn-passeport/apply"))
            let procedure = try #require(try await CatalogRepository(database: components.database.db).procedures(ids: ["sn-passeport"]).first)
            let form = try #require(try ApplicationsDemo.forms().first { $0.procedure == "sn-casier-judiciaire" }?.form)
            _ = try await components.applications.forms.save(procedure: procedure, definition: form, origin: ActionOrigin(actor: "test"))
            #expect(try await page(client, passport).contains("href=\"/procedures/sn-passeport/apply\""))
        }
    }

    @Test func whereToGoListsTheNearestCentresWithHoursWaitsAndLinksForThatService() async throws {
        try await withDemo { client, _, _ in
            let path = "/procedures/sn-extrait-acte-naissance"
            let html = try await page(client, path)
            #expect(html.contains("<h2>Où aller</h2>"))
            #expect(html.contains("Ouvert ou fermé, et attente estimée, à 10:00 (UTC+0)."))
            #expect(html.contains("Ouvert maintenant") && html.contains("lundi–vendredi : 08:00 – 17:00"))
            #expect(html.contains("href=\"/centres/sn-ess-dakar/remote?service="), "a remote ticket for that service")
            #expect(html.contains("href=\"/centres/sn-ess-dakar/appointments?service="), "an appointment for that service")
            #expect(html.contains("Voir les 45 lieux"))
            // Nearest first when the person names a department, accents and case aside.
            let near = try await page(client, path + "?region=thies")
            let first = try #require(near.firstMatch(of: /<li class="place"><h3><a href="\/centres\/([a-z0-9-]+)"/)?.1)
            #expect(first == "sn-ess-thies")
            #expect(near.contains("Tivaouane, Thiès · à 21 km"))
            let unknown = try await page(client, path + "?region=Atlantide")
            #expect(unknown.contains("Nous ne connaissons pas « Atlantide »"))
            let all = try await page(client, path + "?places=all")
            // Every place at once, a line each, still within the 2G budget.
            #expect(all.components(separatedBy: "<li><a href=\"/centres/").count == 46)
            #expect(all.contains("Horaires, ticket à distance et rendez-vous : sur la page de chaque lieu."))
            #expect(
                all.contains("<a href=\"/procedures/sn-extrait-acte-naissance\">Retour à la démarche") && !all.contains("<h2>Les étapes</h2>")
                    && html.contains("<h2>Les étapes</h2>"))
            let css = try await client.execute(uri: "/static/guichet.css", method: .get) { $0.body.readableBytes }
            #expect(all.utf8.count + css <= 20_480, "\(all.utf8.count) + \(css) bytes")
            try await client.execute(uri: path + "?region=" + String(repeating: "a", count: 81), method: .get) { response in
                #expect(response.status == .badRequest)
            }
            let english = try await page(client, path + "?lang=en")
            #expect(english.contains("<h2>Where to go</h2>") && english.contains("Open now") && english.contains("Apply online"))
        }
    }

    /// The page is cached, but its live figures are not kept past the minute they hold for.
    @Test func theCachedPageSaysTheTimeOfItsFiguresAndIsRebuiltWhenTheyAreStale() async throws {
        try await withDemo { client, _, clock in
            let path = "/procedures/sn-casier-judiciaire"
            #expect(try await page(client, path).contains("à 10:00 (UTC+0)"))
            clock.advance(by: 30)
            #expect(try await page(client, path).contains("à 10:00 (UTC+0)"), "within the minute, the cached page")
            clock.advance(by: 60)
            #expect(try await page(client, path).contains("à 10:01 (UTC+0)"))
            clock.advance(by: 8 * 3600)
            let evening = try await page(client, path)
            #expect(evening.contains("à 18:01 (UTC+0)") && evening.contains("Fermé maintenant"))
        }
    }

    @Test func aCentrePageLeadsToItsProceduresAndTheirApplyLinks() async throws {
        try await withDemo { client, _, _ in
            let html = try await page(client, "/centres/sn-ess-dakar")
            #expect(html.contains("href=\"/procedures/sn-extrait-acte-naissance\""))
            #expect(html.contains("href=\"/procedures/sn-extrait-acte-naissance/apply\""))
            #expect(html.contains("demande en ligne"))
        }
    }
}

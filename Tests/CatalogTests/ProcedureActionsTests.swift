// SPDX-License-Identifier: MPL-2.0
import Catalog
import Foundation
import GuichetCore
import GuichetTesting
import Hummingbird
import HummingbirdTesting
import Testing

/// The procedure page renders what `ProcedureActionSource`s give, knowing none of their paths: each label is a whole
/// locale key, each link gets the page's language.
@Suite struct ProcedureActionsTests {
    struct Offers: ProcedureActionSource {
        func actions(for procedure: ProcedureSubject) async throws -> [ProcedureAction] {
            [
                ProcedureAction(
                    kind: "apply", label: "catalog.apply_online", detail: "catalog.checklist_hint", href: "/elsewhere/apply?procedure=\(procedure.id)"
                ),
                ProcedureAction(
                    kind: "report_need", label: "catalog.data_json",
                    href: "/elsewhere/report/\(procedure.id)/\(procedure.institutions.joined(separator: "+"))"),
            ]
        }
    }

    /// The catalogue alone, with `Offers` as the only source of actions.
    func withCatalogue(_ body: @Sendable @escaping (any TestClientProtocol) async throws -> Void) async throws {
        try await TestApp.withComponents(seed: .documents([Fixtures.document()])) { components in
            let router = Router(context: AppRequestContext.self)
            router.add(middleware: LanguageMiddleware(secureCookies: false))
            router.add(middleware: ErrorMiddleware(renderer: components.renderer))
            let module = try CatalogModule(
                database: components.database, renderer: components.renderer, cache: components.cache, views: components.views, maxPageSize: 20,
                actionSources: [Offers()])
            try module.addRoutes(to: router)
            try await Application(router: router).test(.router) { client in try await body(client) }
        }
    }

    @Test func actionsAreListedOrEndThePageInItsLanguage() async throws {
        try await withCatalogue { client in
            let path = CatalogRoute.procedure.path("sn-test-naissance")
            let french = try await client.execute(uri: path, method: .get) { $0.text }
            #expect(french.contains("<h2>Ce que vous pouvez faire</h2>"))
            #expect(
                french.contains("<li><a href=\"/elsewhere/apply?procedure=sn-test-naissance\">Faire la démarche en ligne</a> <span class=\"meta\">"))
            #expect(french.contains(" · <a href=\"/elsewhere/report/sn-test-naissance/sn-mairie-test\">Ces informations en JSON</a></p>"))
            let english = try await client.execute(uri: path + "?lang=en", method: .get) { $0.text }
            #expect(english.contains("<h2>What you can do</h2>"))
            #expect(english.contains("<a href=\"/elsewhere/apply?procedure=sn-test-naissance&amp;lang=en\">Do it online</a>"))
            #expect(english.contains("<a href=\"/elsewhere/report/sn-test-naissance/sn-mairie-test?lang=en\">"))
        }
    }
}

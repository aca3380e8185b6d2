// SPDX-License-Identifier: MPL-2.0
import Audit
import Catalog
import Foundation
import GuichetApp
import GuichetCore
import GuichetTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Ecosystem

@Suite struct NeedsPagesTests {
    @Test func onlyAnalystsReachTheNeeds() async throws {
        try await TestApp.withClient(seed: .demo) { client, components in
            try await client.execute(uri: EcosystemRoute.needs.path(), method: .get) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location]?.hasPrefix("/admin/sign-in?next=") == true)
            }
            let institution = try #require(try TestApp.demoDocument().institutions.first?.id)
            for role in [Role.catalogEditor, .backOfficeAgent] {
                let session = try await TestApp.signedIn(client, components, role: role, institutions: [institution])
                #expect(try await session.get(EcosystemRoute.newNeed.path()).status == .forbidden, "\(role)")
                let post = try await session.post(
                    EcosystemRoute.needs.path(), form: [("submission", "s"), ("institution", "X"), ("problem", "P"), ("affected", "A")])
                #expect(post.status == .forbidden, "\(role)")
            }
            #expect(try await NeedRepository(db: components.database.db).all().isEmpty)
            let analyst = try await TestApp.signedIn(client, components, role: .analyst)
            let list = try await analyst.get(EcosystemRoute.needs.path())
            #expect(list.status == .ok)
            #expect(list.text.contains("Aucun besoin enregistré."))
            let home = try await analyst.get("/admin")
            #expect(home.text.contains("href=\"\(EcosystemRoute.needs.path())\""), "the analyst's menu leads to the needs")
        }
    }

    /// The catalogue's procedure page starts a need from its footer: the link is the one the ecosystem's
    /// `procedureActions` gives (the catalogue knows no ecosystem path).
    @Test func theProcedurePageLeadsToANeedStartedFromIt() async throws {
        try await TestApp.withClient(seed: .demo) { client, components in
            let procedure = try #require(try await firstProcedure(components, containing: "naissance"))
            let module = EcosystemModule(database: components.database, renderer: components.renderer)
            let offered = try await module.procedureActions.actions(for: ProcedureSubject(id: procedure, country: "SN", institutions: []))
            let action = try #require(offered.first { $0.kind == "report_need" })
            #expect(action.href == EcosystemRoute.newNeedFor.path(procedure))
            #expect(action.label == "ecosystem.procedure_action.report_need")
            let page = try await client.execute(uri: CatalogRoute.procedure.path(procedure), method: .get) { $0.text }
            let href = try #require(page.firstMatch(of: /<a href="([^"]+)">Signaler un besoin de numérisation<\/a>/).map { String($0.1) })
            #expect(href == action.href)
            // Signed out, the analyst signs in and comes back to the form started from the procedure.
            let user = try await TestApp.createUser(components, role: .analyst)
            let analyst = TestSession(client: client)
            let redirect = try await analyst.get(href)
            #expect(redirect.status == .seeOther)
            let signInPage = redirect.headers[.location] ?? ""
            try await analyst.get(signInPage)
            let signedIn = try await analyst.post(signInPage, form: [("email", user.email), ("password", user.password), ("next", href)])
            #expect(signedIn.headers[.location] == href)
            let form = try await analyst.get(href)
            #expect(form.status == .ok)
            #expect(form.text.contains("name=\"procedure\" value=\"\(procedure)\""))
            #expect(form.text.contains("<option value=\"SN\" selected>"), "the procedure's country is filled in")
            let english = try await client.execute(uri: CatalogRoute.procedure.path(procedure) + "?lang=en", method: .get) { $0.text }
            #expect(english.contains("<a href=\"\(href)?lang=en\">Report a digitalisation need</a>"))
        }
    }

    @Test func analystRecordsANeedFromAProcedureAndDecides() async throws {
        try await TestApp.withClient(seed: .demo) { client, components in
            var solution = Solution(id: "csv-naissance-sms", source: .csv, name: "Naissance par SMS")
            solution.descriptionFr = "Déclaration de naissance par SMS depuis le centre de santé"
            solution.sectors = ["état civil"]
            solution.sdgs = [16]
            solution.countries = ["Senegal"]
            solution.channels = [.sms]
            solution.maturity = .pilot
            _ = try await SolutionRepository(db: components.database.db).importSolutions([solution], actor: "test")
            let procedure = try #require(try await firstProcedure(components, containing: "naissance"), "the demo catalogue has a birth procedure")
            let analyst = try await TestApp.signedIn(client, components, role: .analyst)

            let form = try await analyst.get(EcosystemRoute.newNeed.path() + "?procedure=\(procedure)")
            #expect(form.status == .ok)
            #expect(form.text.contains("value=\"\(procedure)\""))
            #expect(form.text.contains("<label for=\"n-problem\">Problème</label>"))
            let submission = try #require(form.text.firstMatch(of: /name="submission" value="([^"]+)"/).map { String($0.1) })

            // Missing fields: the form comes back with the reasons, in the user's language, and nothing is written.
            let invalid = try await analyst.post(
                EcosystemRoute.needs.path() + "?lang=en",
                form: [("submission", submission), ("institution", ""), ("volume", "beaucoup"), ("sdgs", "16, 40")])
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.text.contains("This field is required."))
            #expect(invalid.text.contains("The yearly volume is a whole number."))
            #expect(invalid.text.contains("SDGs are numbers from 1 to 17."))
            #expect(try await NeedRepository(db: components.database.db).all().isEmpty)
            // No CSRF token: refused before the handler.
            #expect(try await analyst.post(EcosystemRoute.needs.path(), form: [("institution", "X")], withToken: false).status == .forbidden)

            let fields: [(String, String)] = [
                ("submission", submission), ("institution", "Mairie de test"), ("procedure", procedure),
                ("problem", "Les familles attendent des semaines l’acte de naissance"), ("affected", "Familles rurales"), ("volume", "12 000"),
                ("sdgs", "16"), ("sectors", "état civil"), ("channels", "sms"), ("channels", "ussd"),
            ]
            let created = try await analyst.post(EcosystemRoute.needs.path(), form: fields)
            #expect(created.status == .seeOther)
            // The same submission again (a retry on a flaky network) leads to the same need.
            let again = try await analyst.post(EcosystemRoute.needs.path(), form: fields)
            #expect(again.headers[.location] == created.headers[.location])
            let needs = try await NeedRepository(db: components.database.db).all()
            #expect(needs.count == 1)
            let need = try #require(needs.first)
            #expect(need.yearlyVolume == 12_000 && need.channels == [.sms, .ussd] && need.procedureId == procedure)
            #expect(need.createdBy.hasPrefix("user:"))

            let path = try #require(created.headers[.location])
            let page = try await analyst.get(path)
            #expect(page.status == .ok)
            // The `?lang=en` above set the language cookie: the pages are now in English.
            #expect(page.text.contains("<h1>Need of Mairie de test</h1>"))
            #expect(page.text.contains("Naissance par SMS"))
            #expect(page.text.contains("Same sector: état civil (+12)"))
            #expect(page.text.contains("SDG 16: Peace, justice and strong institutions (+6)"))
            #expect(page.text.contains("Channel: SMS (+8)"))
            #expect(page.text.contains("Maturity: Pilot (+5)"))

            let decided = try await analyst.post(
                EcosystemRoute.needDecisions.path(need.id), form: [("solution", "csv-naissance-sms"), ("decision", "confirmed")])
            #expect(decided.status == .seeOther)
            let institution = try #require(try TestApp.demoDocument().institutions.first?.id)
            let editor = try await TestApp.signedIn(client, components, role: .catalogEditor, institutions: [institution])
            _ = try await editor.get("/admin")
            let refused = try await editor.post(
                EcosystemRoute.needDecisions.path(need.id), form: [("solution", "csv-naissance-sms"), ("decision", "dismissed")])
            #expect(refused.status == .forbidden)
            _ = try await analyst.get(path)
            let bad = try await analyst.post(
                EcosystemRoute.needDecisions.path(need.id), form: [("solution", "csv-naissance-sms"), ("decision", "maybe")])
            #expect(bad.status == .unprocessableContent)
            let after = try await analyst.get(path)
            #expect(after.text.contains("<strong>Confirmed</strong>"))
            let actions = try await AuditLog.records(on: components.database.db).filter { $0.entry.entity == "need" }.map(\.entry.action)
            #expect(actions == ["need.created", "match.confirmed"])
        }
    }
}

/// A published demo procedure whose id contains `word`.
func firstProcedure(_ components: AppComponents, containing word: String) async throws -> String? {
    let repository = CatalogRepository(database: components.database.db)
    let page = try await repository.procedureIds(.init(country: "SN"), limit: 500, offset: 0)
    return page.items.first { $0.contains(word) }
}

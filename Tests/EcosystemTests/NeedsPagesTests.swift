import Audit
import Catalog
@testable import Ecosystem
import Foundation
import GuichetApp
import GuichetCore
import GuichetTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Until the Accounts module (sessions, sign-in) is merged, these tests put a principal in the request context the way its
/// session middleware will, then go through the real CSRF middleware, error middleware, handlers, templates and database.
struct SignedInAs: RouterMiddleware {
    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
        var context = context
        if let role = request.headers[HTTPField.Name("X-Test-Role")!].flatMap(Role.init(rawValue:)) {
            context.principal = Principal(kind: .session, id: "u-\(role.rawValue)", displayName: role.rawValue, role: role)
            context.csrfToken = String(repeating: "t", count: 43)
        }
        return try await next(request, context)
    }
}

@Suite struct NeedsPagesTests {
    static let token = String(repeating: "t", count: 43)

    func withNeedsClient(_ body: @Sendable @escaping (any TestClientProtocol, AppComponents) async throws -> Void) async throws {
        try await TestApp.withComponents(seed: .demo) { components in
            let router = Router(context: AppRequestContext.self)
            router.add(middleware: LanguageMiddleware(secureCookies: false))
            router.add(middleware: ErrorMiddleware(renderer: components.renderer))
            router.add(middleware: SignedInAs())
            router.add(middleware: CSRFMiddleware(secureCookies: false))
            NeedsController(database: components.database, renderer: components.renderer).addRoutes(to: router)
            let app = Application(router: router, logger: TestApp.logger)
            try await app.test(.router) { client in try await body(client, components) }
        }
    }

    static func form(_ fields: [(String, String)]) -> ByteBuffer {
        ByteBuffer(string: fields.map { "\(FormQuery.encode($0.0))=\(FormQuery.encode($0.1))" }.joined(separator: "&"))
    }

    static func headers(_ role: Role?) -> HTTPFields {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let role { headers[HTTPField.Name("X-Test-Role")!] = role.rawValue }
        return headers
    }

    @Test func onlyAnalystsReachTheNeeds() async throws {
        try await withNeedsClient { client, _ in
            try await client.execute(uri: EcosystemPaths.needs, method: .get) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location]?.hasPrefix("/admin/sign-in?next=") == true)
            }
            for role in [Role.catalogEditor, .centreAgent, .backOfficeAgent] {
                try await client.execute(uri: EcosystemPaths.newNeed, method: .get, headers: Self.headers(role)) { response in
                    #expect(response.status == .forbidden, "\(role)")
                }
                try await client.execute(
                    uri: EcosystemPaths.needs, method: .post, headers: Self.headers(role),
                    body: Self.form([("_csrf", Self.token), ("submission", "s"), ("institution", "X"), ("problem", "P"), ("affected", "A")])
                ) { response in
                    #expect(response.status == .forbidden, "\(role)")
                }
            }
            try await client.execute(uri: EcosystemPaths.needs, method: .get, headers: Self.headers(.analyst)) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("Aucun besoin enregistré."))
            }
        }
    }

    @Test func analystRecordsANeedFromAProcedureAndDecides() async throws {
        try await withNeedsClient { client, components in
            var solution = Solution(id: "csv-naissance-sms", source: .csv, name: "Naissance par SMS")
            solution.descriptionFr = "Déclaration de naissance par SMS depuis le centre de santé"
            solution.sectors = ["état civil"]
            solution.sdgs = [16]
            solution.countries = ["Senegal"]
            solution.channels = [.sms]
            solution.maturity = .pilot
            _ = try await SolutionRepository(db: components.database.db).importSolutions([solution], actor: "test")
            let procedure = try #require(
                try await firstProcedure(components, containing: "naissance"), "the demo catalogue has a birth procedure")

            try await client.execute(uri: EcosystemPaths.newNeed + "?procedure=\(procedure)", method: .get, headers: Self.headers(.analyst)) {
                response in
                let html = response.text
                #expect(response.status == .ok)
                #expect(html.contains("name=\"_csrf\" value=\"\(Self.token)\""))
                #expect(html.contains("value=\"\(procedure)\""))
                #expect(html.contains("<label for=\"n-problem\">Problème</label>"))
            }
            // Missing fields: the form comes back with the reasons, in the user's language, and nothing is written.
            try await client.execute(
                uri: EcosystemPaths.needs + "?lang=en", method: .post, headers: Self.headers(.analyst),
                body: Self.form([("_csrf", Self.token), ("submission", "k1"), ("institution", ""), ("volume", "beaucoup"), ("sdgs", "16, 40")])
            ) { response in
                #expect(response.status == .unprocessableContent)
                #expect(response.text.contains("This field is required."))
                #expect(response.text.contains("The yearly volume is a whole number."))
                #expect(response.text.contains("SDGs are numbers from 1 to 17."))
            }
            #expect(try await NeedRepository(db: components.database.db).all().isEmpty)
            // No CSRF token: refused before the handler.
            try await client.execute(
                uri: EcosystemPaths.needs, method: .post, headers: Self.headers(.analyst), body: Self.form([("institution", "X")])
            ) { response in
                #expect(response.status == .forbidden)
            }
            let fields: [(String, String)] = [
                ("_csrf", Self.token), ("submission", "k2"), ("institution", "Mairie de test"), ("procedure", procedure),
                ("problem", "Les familles attendent des semaines l’acte de naissance"), ("affected", "Familles rurales"), ("volume", "12 000"),
                ("sdgs", "16"), ("sectors", "état civil"), ("channels", "sms"), ("channels", "ussd"),
            ]
            let location = try await client.execute(uri: EcosystemPaths.needs, method: .post, headers: Self.headers(.analyst), body: Self.form(fields)) {
                response in
                #expect(response.status == .seeOther)
                return response.headers[.location]
            }
            // The same submission again (a retry on a flaky network) leads to the same need.
            let again = try await client.execute(uri: EcosystemPaths.needs, method: .post, headers: Self.headers(.analyst), body: Self.form(fields)) {
                response in response.headers[.location]
            }
            #expect(location == again)
            let needs = try await NeedRepository(db: components.database.db).all()
            #expect(needs.count == 1)
            let need = try #require(needs.first)
            #expect(need.yearlyVolume == 12_000 && need.channels == [.sms, .ussd] && need.procedureId == procedure)
            #expect(need.createdBy == "user:u-analyst")

            let path = try #require(location)
            try await client.execute(uri: path, method: .get, headers: Self.headers(.analyst)) { response in
                let html = response.text
                #expect(response.status == .ok)
                #expect(html.contains("<h1>Besoin : Mairie de test</h1>"))
                #expect(html.contains("Naissance par SMS"))
                #expect(html.contains("Même secteur : état civil (+12)"))
                #expect(html.contains("ODD 16 : Paix, justice et institutions efficaces (+6)"))
                #expect(html.contains("Canal : SMS (+8)"))
                #expect(html.contains("Maturité : Pilote (+5)"))
            }
            try await client.execute(
                uri: EcosystemPaths.needDecisions(need.id), method: .post, headers: Self.headers(.analyst),
                body: Self.form([("_csrf", Self.token), ("solution", "csv-naissance-sms"), ("decision", "confirmed")])
            ) { response in
                #expect(response.status == .seeOther)
            }
            try await client.execute(
                uri: EcosystemPaths.needDecisions(need.id), method: .post, headers: Self.headers(.catalogEditor),
                body: Self.form([("_csrf", Self.token), ("solution", "csv-naissance-sms"), ("decision", "dismissed")])
            ) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(
                uri: EcosystemPaths.needDecisions(need.id), method: .post, headers: Self.headers(.analyst),
                body: Self.form([("_csrf", Self.token), ("solution", "csv-naissance-sms"), ("decision", "maybe")])
            ) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(uri: path, method: .get, headers: Self.headers(.analyst)) { response in
                #expect(response.text.contains("<strong>Confirmée</strong>"))
            }
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


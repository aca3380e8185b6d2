// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetApp
import GuichetTesting
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import Ecosystem

@Suite struct SolutionPagesTests {
    func seed(_ components: AppComponents) async throws {
        let repository = SolutionRepository(db: components.database.db)
        let report = try await SolutionImporter.importCSV(Data(SolutionImportTests.csv.utf8), repository: repository, actor: "test")
        #expect(report.created == 2)
        let labs = try LabsSolution.solution(
            text:
                "# Paiement mobile des taxes\n[[type:solution]]\n[[country:Togo]]\n[[sdgs:16. Peace]]\n\nPromoteur : Jean Dupont\n\nUne application web pour payer les taxes.\n"
        )
        _ = try await repository.importSolutions([labs], actor: "test")
    }

    @Test func directoryFiltersAndStaysSmall() async throws {
        try await TestApp.withClient { client, components in
            try await seed(components)
            try await client.execute(uri: EcosystemRoute.solutions.path(), method: .get) { response in
                let html = response.text
                #expect(response.status == .ok)
                #expect(html.contains("<h1>Solutions innovantes</h1>"))
                #expect(html.contains("3 solutions"))
                #expect(html.contains("Naissance par SMS") && html.contains("Agents communautaires") && html.contains("Paiement mobile des taxes"))
                #expect(html.contains("<label for=\"f-channel\">Canal</label>"))
                #expect(html.utf8.count < 20_480)
            }
            try await client.execute(uri: EcosystemRoute.solutions.path() + "?channel=sms&lang=en", method: .get) { response in
                let html = response.text
                #expect(html.contains("1 solution"))
                #expect(html.contains("Naissance par SMS"))
                #expect(!html.contains("Agents communautaires"))
                #expect(html.contains("<option value=\"sms\" selected>SMS</option>"))
            }
            try await client.execute(uri: EcosystemRoute.solutions.path() + "?maturity=at_scale&country=S%C3%A9n%C3%A9gal", method: .get) {
                response in
                #expect(response.text.contains("Agents communautaires"))
                #expect(!response.text.contains("Naissance par SMS"))
            }
            for bad in ["maturity=soon", "channel=fax", "sdg=0", "page=0"] {
                try await client.execute(uri: EcosystemRoute.solutions.path() + "?" + bad, method: .get) { response in
                    #expect(response.status == .badRequest, "\(bad)")
                }
            }
        }
    }

    @Test func solutionPageAndAPI() async throws {
        try await TestApp.withClient { client, components in
            try await seed(components)
            try await client.execute(uri: EcosystemRoute.solution.path("csv-sms-naissance"), method: .get) { response in
                let html = response.text
                #expect(response.status == .ok)
                #expect(html.contains("<h1>Naissance par SMS</h1>"))
                #expect(html.contains("ODD 16 : Paix, justice et institutions efficaces"))
                #expect(html.contains("Pilote"))
                #expect(html.contains("« guillemets » &quot;doubles&quot;"))
                #expect(html.contains("Importée d’une base de solutions (CSV)."))
                #expect(html.contains("href=\"https://example.org\" rel=\"nofollow noopener\""))
            }
            let labs = try await SolutionRepository(db: components.database.db).list(.init(country: "Togo", channel: .web))
            let id = try #require(labs.first?.id)
            try await client.execute(uri: EcosystemRoute.solution.path(id) + "?lang=en", method: .get) { response in
                let html = response.text
                #expect(html.contains("<div lang=\"fr\"><p>Une application web pour payer les taxes.</p>"))
                #expect(!html.contains("Jean Dupont"))
                #expect(html.contains("The holders&#39; names and contacts are personal data"))
            }
            try await client.execute(uri: EcosystemRoute.apiSolutions.path() + "?country=Togo&per_page=1", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                let json = try #require(try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any])
                #expect(json["total"] as? Int == 2)
                #expect(json["perPage"] as? Int == 1)
                #expect((json["items"] as? [[String: Any]])?.count == 1)
                #expect((json["next"] as? String)?.contains("page=2") == true)
                #expect(!response.text.contains("Dupont"))
            }
            try await client.execute(uri: EcosystemRoute.apiSolution.path("csv-sms-naissance"), method: .get) { response in
                let json = try #require(try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any])
                #expect(json["name"] as? String == "Naissance par SMS")
                #expect(json["channels"] as? [String] == ["sms", "ussd"])
                #expect(json["sdgs"] as? [Int] == [16, 3])
            }
            try await client.execute(uri: EcosystemRoute.apiSolution.path("nope"), method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.text.contains("\"code\":\"solution_not_found\""))
            }
            try await client.execute(uri: EcosystemRoute.apiSolutions.path() + "?maturity=soon", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(response.text.contains("\"field\":\"maturity\""))
            }
            try await client.execute(uri: EcosystemRoute.solution.path("nope"), method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.text.contains("Cette solution n’existe pas."))
            }
        }
    }

    @Test(.enabled(if: SharedFiles.available, SharedFiles.skipMessage))
    func directoryOfTheLabsRecordsStaysUnder20KB() async throws {
        try await TestApp.withClient { client, components in
            let pages = SharedFiles.directory.appendingPathComponent("datasets/acclab-solutions/pages")
            _ = try await SolutionImporter.importLabs(directory: pages, repository: SolutionRepository(db: components.database.db), actor: "test")
            let css = try await client.execute(uri: "/static/guichet.css", method: .get) { $0.body.readableBytes }
            for uri in [
                EcosystemRoute.solutions.path(), EcosystemRoute.solutions.path() + "?lang=en&page=2",
                EcosystemRoute.solutions.path() + "?country=Togo",
            ] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.body.readableBytes + css <= 20_480, "\(uri): \(response.body.readableBytes) + \(css) bytes")
                    #expect(!response.text.contains("&amp;nbsp;"))
                }
            }
        }
    }

    /// An owner that is a mapped actor (by name or acronym, whatever the case, accents and apostrophes) links to its page;
    /// others stay text.
    @Test func ownersThatAreActorsLinkToThem() async throws {
        try await TestApp.withClient { client, components in
            _ = try await ActorRepository(db: components.database.db).importDocument(try ActorTests.demo(), actor: "test")
            var solution = Solution(id: "csv-owned", source: .csv, name: "Solution portée")
            solution.owners = ["agence de l'informatique de l'etat", "ATD", "Une association locale"]
            _ = try await SolutionRepository(db: components.database.db).importSolutions([solution], actor: "test")
            let html = try await client.execute(uri: EcosystemRoute.solution.path("csv-owned"), method: .get) { $0.text }
            #expect(html.contains("<a class=\"tag\" href=\"/ecosystem/actors/tg-atd\">ATD</a>"))
            #expect(html.contains("href=\"/ecosystem/actors/sn-adie\""), "typed without accents and with a straight apostrophe, still the same name")
            #expect(html.contains("Une association locale"))
            #expect(!html.contains(">Une association locale</a>"))
        }
    }
}

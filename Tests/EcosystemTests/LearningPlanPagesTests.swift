// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetApp
import GuichetTesting
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import Ecosystem

@Suite struct LearningPlanPagesTests {
    static let togo = """
        # Cartographie des usages numériques

        [[focal_point:personne.secrete@undp.org]]

        [[year:2023]]

        [[type:learningplan]]

        [[methods:Artificial Intelligence/Machine Learning]]
        [[sdgs:16. Peace, justice and strong institutions]]
        [[thematic_areas:access to technology & internet]]
        [[country:Togo]]
        [[latlng:8.5,0.9]]
        ## Title

        > Please provide a name for your action learning plan.

        Cartographier les usages <numériques> & les acteurs
        ## Partners

        > Who are your top 5 partners?

        """
    static let mali =
        "# Commerce en ligne\n\n[[year:2021]]\n\n[[type:learningplan]]\n\n[[country:Mali]]\n[[sdgs:8. Decent work and economic growth]]\n"

    func seed(_ components: AppComponents) async throws -> (String, String) {
        let repository = LearningPlanRepository(db: components.database.db)
        let togo = try LearningPlan(text: Self.togo)
        let mali = try LearningPlan(text: Self.mali)
        try await repository.importPlan(togo, actor: "test")
        try await repository.importPlan(mali, actor: "test")
        return (togo.id, mali.id)
    }

    @Test func listFiltersInFrenchAndEnglish() async throws {
        try await TestApp.withClient { client, components in
            let (togo, mali) = try await seed(components)
            try await client.execute(uri: EcosystemRoute.learningPlans.path(), method: .get) { response in
                let html = response.text
                #expect(response.status == .ok)
                #expect(html.contains("<html lang=\"fr\">"))
                #expect(html.contains("<h1>Plans d’apprentissage</h1>"))
                #expect(html.contains("2 plans d’apprentissage"))
                #expect(html.contains(EcosystemRoute.learningPlan.path(togo)) && html.contains(EcosystemRoute.learningPlan.path(mali)))
                #expect(html.contains("<label for=\"f-sdg\">"))
                #expect(html.contains("ODD 16 : Paix, justice et institutions efficaces (1)"))
                #expect(!html.contains("personne.secrete"))
                #expect(html.utf8.count < 20_480)
            }
            try await client.execute(uri: EcosystemRoute.learningPlans.path() + "?sdg=16&lang=en", method: .get) { response in
                let html = response.text
                #expect(html.contains("<html lang=\"en\">"))
                #expect(html.contains("1 learning plan"))
                #expect(html.contains("<option value=\"16\" selected>SDG 16: Peace, justice and strong institutions (1)</option>"))
                #expect(html.contains(EcosystemRoute.learningPlan.path(togo) + "?lang=en"))
                #expect(!html.contains(EcosystemRoute.learningPlan.path(mali)))
            }
            try await client.execute(uri: EcosystemRoute.learningPlans.path() + "?country=Mali&year=2021", method: .get) { response in
                #expect(response.text.contains(EcosystemRoute.learningPlan.path(mali)))
                #expect(!response.text.contains(EcosystemRoute.learningPlan.path(togo)))
            }
            try await client.execute(uri: EcosystemRoute.learningPlans.path() + "?theme=access+to+technology+%26+internet&year=2021", method: .get) {
                response in
                #expect(response.text.contains("Aucun plan ne correspond à ces filtres."))
            }
            for bad in ["sdg=18", "sdg=seize", "year=abc"] {
                try await client.execute(uri: EcosystemRoute.learningPlans.path() + "?" + bad, method: .get) { response in
                    #expect(response.status == .badRequest, "\(bad)")
                }
            }
        }
    }

    @Test func planPageShowsTheBodyButNotTheFocalPoint() async throws {
        try await TestApp.withClient { client, components in
            let (togo, mali) = try await seed(components)
            try await client.execute(uri: EcosystemRoute.learningPlan.path(togo), method: .get) { response in
                let html = response.text
                #expect(response.status == .ok)
                #expect(html.contains("<h1>Cartographie des usages numériques</h1>"))
                #expect(html.contains("<h2>Title</h2>"))
                #expect(html.contains("<h3>Please provide a name for your action learning plan.</h3>"))
                #expect(html.contains("<p>Cartographier les usages &lt;numériques&gt; &amp; les acteurs</p>"))
                #expect(!html.contains("Who are your top 5 partners?"), "an unanswered question is not shown")
                #expect(html.contains("ODD 16 : Paix, justice et institutions efficaces"))
                #expect(html.contains("Artificial Intelligence/Machine Learning"))
                #expect(html.contains("href=\"/ecosystem/learning-plans?theme=access%20to%20technology%20%26%20internet\""))
                #expect(!html.contains("personne.secrete"), "the focal point's e-mail is personal data")
                #expect(!html.contains("undp.org"))
            }
            try await client.execute(uri: EcosystemRoute.learningPlan.path(mali) + "?lang=en", method: .get) { response in
                #expect(response.text.contains("This plan has only its description"))
                #expect(response.text.contains("SDG 8: Decent work and economic growth"))
            }
            try await client.execute(uri: EcosystemRoute.learningPlan.path("nope-123"), method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.text.contains("Ce plan d’apprentissage n’existe pas."))
            }
        }
    }

    @Test(.enabled(if: SharedFiles.seedPlan != nil, SharedFiles.skipMessage))
    func seedPlanPageStaysSmall() async throws {
        try await TestApp.withClient { client, components in
            let plan = try LearningPlan(text: String(contentsOf: try #require(SharedFiles.seedPlan), encoding: .utf8))
            try await LearningPlanRepository(db: components.database.db).importPlan(plan, actor: "test")
            let css = try await client.execute(uri: "/static/guichet.css", method: .get) { $0.body.readableBytes }
            try await client.execute(uri: EcosystemRoute.learningPlan.path(plan.id), method: .get) { response in
                let html = response.text
                #expect(response.status == .ok)
                #expect(html.contains("<h2>Learning questions</h2>"))
                #expect(html.contains("<h3>Challenge statement</h3>"), "the platform's long prompt is shortened to its label")
                #expect(!html.contains("arsene.saya"))
                #expect(!html.contains("&lt;div class"), "layout lines of the export are not shown as text")
                #expect(html.utf8.count + css <= 20_480, "\(html.utf8.count) + \(css) bytes")
            }
        }
    }
}

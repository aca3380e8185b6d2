// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetTesting
import HummingbirdTesting
import Testing

@testable import Ecosystem

@Suite struct PlanImportPagesTests {
    @Test func analystPastesAPlan() async throws {
        try await TestApp.withClient(seed: .demo) { client, components in
            let institution = try #require(try TestApp.demoDocument().institutions.first?.id)
            let editor = try await TestApp.signedIn(client, components, role: .catalogEditor, institutions: [institution])
            #expect(try await editor.get(EcosystemRoute.importPlan.path()).status == .forbidden)

            let analyst = try await TestApp.signedIn(client, components, role: .analyst)
            let form = try await analyst.get(EcosystemRoute.importPlan.path())
            #expect(form.status == .ok)
            #expect(form.text.contains("<label for=\"plan-document\">"))
            // A browser's textarea sends CRLF line ends.
            let plan = LearningPlanPagesTests.togo.replacingOccurrences(of: "\n", with: "\r\n")
            let created = try await analyst.post(EcosystemRoute.importPlan.path(), form: [("document", plan)])
            #expect(created.status == .ok)
            #expect(created.text.contains("« Cartographie des usages numériques » est importé."))
            let again = try await analyst.post(EcosystemRoute.importPlan.path(), form: [("document", plan)])
            #expect(again.text.contains("était déjà importé, sans changement"))
            let repository = LearningPlanRepository(db: components.database.db)
            #expect(try await repository.count() == 1)
            let stored = try #require(try await repository.list(.init()).first)
            #expect(try await repository.exportText(id: stored.id) == LearningPlanPagesTests.togo)

            let bad = try await analyst.post(
                EcosystemRoute.importPlan.path(), form: [("document", "# Plan\n[[type:learningplan]]\n[[sdgs:42. Answer]]\n")])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("Non importé : unknown SDG"))
            #expect(bad.text.contains("[[sdgs:42. Answer]]\n</textarea>"), "the text comes back to be corrected")
            #expect(try await repository.count() == 1)
        }
    }

    @Test func indexPageLinksTheSections() async throws {
        try await TestApp.withClient { client, _ in
            try await client.execute(uri: EcosystemRoute.home.path() + "?lang=en", method: .get) { response in
                let html = response.text
                #expect(response.status == .ok)
                #expect(html.contains("<h1>Digital ecosystem</h1>"))
                for path in [
                    EcosystemRoute.learningPlans.path(), EcosystemRoute.solutions.path(), EcosystemRoute.actors.path(), EcosystemRoute.surveys.path(),
                ] {
                    #expect(html.contains("href=\"\(path)?lang=en\""))
                }
            }
        }
    }
}

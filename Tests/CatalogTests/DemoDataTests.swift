// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetTesting
import HummingbirdTesting
import Testing

@testable import Catalog

/// What the demo catalogue says of its sources: where they disagree the page shows both statements, and each source
/// says when it was published and when we read it.
@Suite struct DemoDataTests {
    @Test func theIdentityCardShowsWhereItsSourcesDisagree() async throws {
        try await TestApp.withClient(seed: .demo) { client, _ in
            try await client.execute(uri: "/procedures/sn-carte-nationale-identite", method: .get) { response in
                let html = response.text
                #expect(html.contains("Les sources ne disent pas la même chose : les frais d&#39;une carte"))
                #expect(html.contains("une quittance de 6 000 FCFA pour un duplicata"))
                #expect(html.contains("Enrôlement sans frais"))
                #expect(html.contains("Les sources ne disent pas la même chose : le délai de fabrication"))
                #expect(html.contains("(publié le 29/01/2025)"))
            }
            try await client.execute(uri: "/procedures/sn-carte-nationale-identite?lang=en", method: .get) { response in
                #expect(response.text.contains("The sources disagree: the fees for a card"))
            }
        }
    }

    @Test func sourcesSayWhenTheyWerePublishedAndRead() async throws {
        try await TestApp.withClient(seed: .demo) { client, _ in
            try await client.execute(uri: "/procedures/sn-permis-construire", method: .get) { response in
                let html = response.text
                #expect(html.contains("publié le 08/07/2009 · consulté le 02/12/2026"))
                // The procedure's own note once, not again under every step that has none.
                #expect(html.components(separatedBy: "aussi exigée pour les reprises de gros œuvre").count == 2)
            }
        }
        // No demo source keeps the older single date: each says published, accessed or both.
        let document = try TestApp.demoDocument()
        for procedure in document.procedures {
            for source in procedure.sources {
                #expect(source.date == nil, "\(procedure.id): \(source.title)")
                #expect(source.published != nil || source.accessed != nil, "\(procedure.id): \(source.title)")
            }
        }
    }

    @Test func disagreementsNeedTwoStatementsAndDatesThatExist() {
        var procedure = Fixtures.procedure()
        let source = Source(title: "A", url: "https://example.org", published: "2023-13")
        procedure.blocks[0].steps[0].conflicts = [
            Conflict(about: .cost, subject: LocalizedText(fr: "le coût"), statements: [.init(text: LocalizedText(fr: "1 000 FCFA"), source: source)])
        ]
        var validator = CatalogValidator()
        let issues = validator.validate(Fixtures.document(procedures: [procedure]))
        #expect(issues.contains { $0.path.hasSuffix("conflicts[0].statements") })
        #expect(issues.contains { $0.path.hasSuffix("conflicts[0].statements[0].source.published") })
    }
}

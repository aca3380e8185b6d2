// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetTesting
import Testing

@testable import Catalog

/// Search forgives case, accents and plurals, on SQLite FTS5 and on PostgreSQL alike (DATABASE_URL chooses).
@Suite struct SearchTests {
    static let cases: [(query: String, expectedWords: [String])] = [
        ("acte de naissance", ["naissance"]),
        ("ACTE NAISSANCE", ["naissance"]),
        ("actes de naissances", ["naissance"]),
        ("etat civil", ["naissance"]),
        ("casier", ["casier"]),
        ("casier judiciaire", ["casier"]),
        ("carte d'identite", ["carte", "identit"]),
        ("Carte nationale d’identité", ["carte", "identit"]),
        ("passeport", ["passeport"]),
        ("birth certificate", ["naissance"]),
    ]

    @Test func demoSearchFindsWhatPeopleMean() async throws {
        try await TestApp.withComponents(seed: .demo) { components in
            let repository = CatalogRepository(database: components.database.db)
            for (query, words) in Self.cases {
                let page = try await repository.search(query, country: nil, limit: 5, offset: 0)
                let top = page.items.first?.title.fr.lowercased() ?? ""
                #expect(words.allSatisfy { top.contains($0) }, "“\(query)” → \(page.items.map(\.title.fr))")
            }
        }
    }

    @Test func everyCountryHasItsBirthProcedure() async throws {
        try await TestApp.withComponents(seed: .demo) { components in
            let repository = CatalogRepository(database: components.database.db)
            for country in ["SN", "TG", "CG"] {
                let page = try await repository.search("naissance", country: country, limit: 10, offset: 0)
                #expect(!page.items.isEmpty, "no birth procedure in \(country)")
                #expect(page.items.allSatisfy { $0.country == country })
            }
        }
    }

    @Test func titleMatchesRankAboveBodyMatches() async throws {
        try await TestApp.withComponents(seed: .demo) { components in
            let repository = CatalogRepository(database: components.database.db)
            let page = try await repository.search("passeport", country: "SN", limit: 10, offset: 0)
            #expect(page.items.first?.title.fr.lowercased().contains("passeport") == true)
        }
    }

    @Test func nonsenseFindsNothingAndPaginationIsConsistent() async throws {
        try await TestApp.withComponents(seed: .demo) { components in
            let repository = CatalogRepository(database: components.database.db)
            #expect(try await repository.search("zzqxw", country: nil, limit: 5, offset: 0).total == 0)
            let all = try await repository.search("demande", country: nil, limit: 100, offset: 0)
            let first = try await repository.search("demande", country: nil, limit: 2, offset: 0)
            let second = try await repository.search("demande", country: nil, limit: 2, offset: 2)
            #expect(first.total == all.total)
            #expect(Set(first.items.map(\.id)).isDisjoint(with: second.items.map(\.id)))
        }
    }
}

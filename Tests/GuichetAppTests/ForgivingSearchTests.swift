// SPDX-License-Identifier: MPL-2.0
import Catalog
import Foundation
import GuichetCore
import GuichetTesting
import HummingbirdTesting
import ServicePublicImport
import Testing

/// Search as people type, over the demo catalogue and Senegal's whole open-data catalogue when it is beside the
/// project: typos, abbreviations, everyday and English words, the person's country first, reviewed procedures above
/// imported fiches; on SQLite and PostgreSQL alike (DATABASE_URL chooses).
@Suite struct ForgivingSearchTests {
    /// A query as typed, the country the person said, and the id the first result must have.
    static let queries: [(query: String, country: String?, first: String)] = [
        // The issue's case: a person in Dakar, among the foal's birth and Congo's declaration.
        ("déclaration de naissance", "SN", "sn-declaration-naissance"),
        ("declaration de naissance", "TG", "tg-declaration-naissance"),
        ("déclaration de naissance", "CG", "cg-declaration-naissance"),
        // A missing letter, a swapped pair, a doubled letter, no accents, capitals.
        ("declaration de naisance", "SN", "sn-declaration-naissance"),
        ("declaration de naissnace", "SN", "sn-declaration-naissance"),
        ("DECLARATION NAISSANCE", "SN", "sn-declaration-naissance"),
        ("casier judiciare", "SN", "sn-casier-judiciaire"),
        ("casier judicaire", "TG", "tg-casier-judiciaire"),
        ("pasport", "CG", "cg-passeport-ordinaire"),
        ("passeprot", "TG", "tg-passeport-ordinaire"),
        // Abbreviations and everyday words.
        ("CNI", "SN", "sn-carte-nationale-identite"),
        ("cni", "TG", "tg-carte-nationale-identite"),
        ("extrait de naissance", "SN", "sn-extrait-acte-naissance"),
        ("extrait naissance", "TG", "tg-copie-acte-etat-civil"),
        ("papiers d'identité", "SN", "sn-carte-nationale-identite"),
        // Plurals and English words.
        ("actes de naissances", "SN", "sn-extrait-acte-naissance"),
        ("birth certificate", "SN", "sn-extrait-acte-naissance"),
        ("criminal record", "CG", "cg-casier-judiciaire"),
        ("passport", "SN", "sn-passeport"),
        ("identity card", "CG", "cg-carte-nationale-identite"),
    ]

    /// Each query's first result, with the whole servicepublic.gouv.sn catalogue loaded when it can be found.
    @Test func queriesFindWhatPeopleMean() async throws {
        try await TestApp.withComponents(seed: .demo) { components in
            let repository = CatalogRepository(database: components.database.db, changes: components.cache.generation)
            try await Self.importServicePublic(repository)
            let known = Set(try await repository.procedureIds(.init(), limit: 10_000, offset: 0).items)
            var failures: [String] = []
            for (query, country, first) in Self.queries {
                #expect(known.contains(first), "the list names \(first), which the demo does not have")
                let found = try await repository.find(query, country: nil, preferredCountry: country, limit: 5, offset: 0)
                if found.hits.items.first != first { failures.append("“\(query)” (\(country ?? "-")) → \(found.hits.items)") }
            }
            #expect(failures.isEmpty, "\(failures.count) of \(Self.queries.count):\n\(failures.joined(separator: "\n"))")
        }
    }

    @Test func correctionsAreReportedAndNonsenseFindsNothing() async throws {
        try await TestApp.withComponents(seed: .demo) { components in
            let repository = CatalogRepository(database: components.database.db)
            #expect(try await repository.find("naisance", country: nil, limit: 5, offset: 0).correction == "naissance")
            #expect(try await repository.find("casier judiciare", country: nil, limit: 5, offset: 0).correction == "casier judiciaire")
            // Words that exist, abbreviations and prefixes are not corrected.
            #expect(try await repository.find("naissance", country: nil, limit: 5, offset: 0).correction == nil)
            #expect(try await repository.find("cni", country: nil, limit: 5, offset: 0).correction == nil)
            #expect(try await repository.find("passep", country: nil, limit: 5, offset: 0).correction == nil)
            let nonsense = try await repository.find("zzqxw", country: nil, limit: 5, offset: 0)
            #expect(nonsense.hits.total == 0 && nonsense.correction == nil)
        }
    }

    /// Over HTTP: the person's country comes first and the page says so; a corrected word says "Did you mean".
    @Test func searchPageSaysWhatItDid() async throws {
        try await TestApp.withClient(seed: .demo) { client, _ in
            let page = try await client.execute(
                uri: "/search?q=declaration%20de%20naisance", method: .get, headers: [.cookie: "country=TG"])
            #expect(page.status == .ok)
            #expect(page.text.contains("Vouliez-vous dire « declaration naissance » ?"))
            #expect(page.text.contains("Les démarches de ce pays viennent en premier : Togo."))
            let togo = try #require(page.text.range(of: "/procedures/tg-declaration-naissance"))
            let senegal = try #require(page.text.range(of: "/procedures/sn-declaration-naissance"))
            #expect(togo.lowerBound < senegal.lowerBound)
            let english = try await client.execute(uri: "/search?q=pasport&lang=en", method: .get)
            #expect(english.text.contains("Did you mean “passport”?"))
            // The API says the same, and nothing when no word was corrected.
            let corrected = try await client.execute(uri: "/api/v1/search?q=pasport", method: .get) { response in
                try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
            }
            #expect(corrected?["correction"] as? String == "passport")
            #expect((corrected?["total"] as? Int ?? 0) > 0)
            let exact = try await client.execute(uri: "/api/v1/search?q=casier", method: .get) { response in
                try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
            }
            #expect(exact?["correction"] == nil && (exact?["total"] as? Int ?? 0) > 0)
        }
    }

    static func importServicePublic(_ repository: CatalogRepository) async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let directory =
            ProcessInfo.processInfo.environment["GUICHET_SERVICEPUBLIC_DIR"].flatMap { $0.isEmpty ? nil : $0 }
            ?? root.appendingPathComponent("../shared/datasets/servicepublic-sn/data").standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: directory + "/services") else {
            print("servicepublic-sn dataset not found at \(directory): searching the demo procedures only")
            return
        }
        let result = try ServicePublicImporter.read(directory: URL(fileURLWithPath: directory))
        try await repository.importDocument(result.document, actor: "test")
    }
}

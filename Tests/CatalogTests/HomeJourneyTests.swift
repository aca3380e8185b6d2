// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import GuichetTesting
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import Catalog

/// The home page leads everywhere a person may want to go, in the person's country first.
@Suite struct HomeJourneyTests {
    static let destinations = ["/track", "/verify", "/centres", "/engagements", "/ecosystem", "/api/v1/openapi.json"]

    func procedureLinks(_ html: String) -> [String] {
        html.matches(of: /href="\/procedures\/([a-z0-9-]+)["?]/).map { String($0.1) }
    }

    @Test func homeAsksTheCountryOnceAndLeadsEverywhere() async throws {
        try await TestApp.withClient(seed: .demo) { client, _ in
            for (uri, words) in [
                (
                    "/",
                    ["Dans quel pays", "Ce que vous pouvez faire", "Suivre mon dossier", "Vérifier un document", "Nos engagements, nos résultats"]
                ),
                ("/?lang=en", ["In which country", "What you can do", "Follow my application", "Verify a document", "Our commitments, our results"]),
            ] {
                try await client.execute(uri: uri, method: .get) { response in
                    let html = response.text
                    #expect(response.status == .ok)
                    for word in words { #expect(html.contains(word), "\(uri): missing \(word)") }
                    for code in ["SN", "TG", "CG"] { #expect(html.contains("href=\"/country/\(code)?next=%2F"), "\(uri): no choice of \(code)") }
                    for path in Self.destinations { #expect(html.contains("href=\"\(path)"), "\(uri): no link to \(path)") }
                    // Each country's most requested procedures, as configured in the demo catalogue.
                    let links = procedureLinks(html)
                    for id in ["sn-extrait-acte-naissance", "sn-casier-judiciaire", "tg-carte-nationale-identite", "cg-declaration-naissance"] {
                        #expect(links.contains(id), "\(uri): \(id) not listed")
                    }
                    #expect(!html.contains("<script"))
                    #expect(html.utf8.count <= 20_480, "home is \(html.utf8.count) bytes")
                }
            }
        }
    }

    @Test func choosingACountryIsRememberedAndPutsItFirst() async throws {
        try await TestApp.withClient(seed: .demo) { client, _ in
            let cookie = try await client.execute(uri: "/country/tg?next=%2Fprocedures", method: .get) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/procedures")
                let setCookie = try #require(response.headers[.setCookie])
                #expect(setCookie.contains("country=TG"))
                return "country=TG"
            }
            try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie]) { response in
                let html = response.text
                #expect(!html.contains("Dans quel pays"))
                #expect(html.contains("Pays : Togo"))
                #expect(html.contains("Les démarches de ce pays viennent en premier : Togo."))
                let links = procedureLinks(html)
                #expect(links.first == "tg-declaration-naissance")
                #expect(!links.contains { $0.hasPrefix("sn-") || $0.hasPrefix("cg-") })
            }
            try await client.execute(uri: "/procedures", method: .get, headers: [.cookie: cookie]) { response in
                let html = response.text
                #expect(html.contains("Les démarches de ce pays viennent en premier : Togo."))
                let links = procedureLinks(html)
                #expect(links.first?.hasPrefix("tg-") == true)
                // Togo's come first, then the others: they stay on the list.
                let firstOther = try #require(links.firstIndex { !$0.hasPrefix("tg-") })
                #expect(links[firstOther...].allSatisfy { !$0.hasPrefix("tg-") })
            }
            // Filtering by country still shows only that country, with no "first" note.
            try await client.execute(uri: "/procedures?country=CG", method: .get, headers: [.cookie: cookie]) { response in
                #expect(procedureLinks(response.text).allSatisfy { $0.hasPrefix("cg-") })
                #expect(!response.text.contains("viennent en premier"))
            }
            // The other people's page is not served from this person's cache entry.
            try await client.execute(uri: "/procedures", method: .get) { response in
                #expect(!response.text.contains("viennent en premier"))
            }
        }
    }

    @Test func countryChoiceRejectsWhatItDoesNotKnow() async throws {
        try await TestApp.withClient(seed: .demo) { client, _ in
            try await client.execute(uri: "/country/FR", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.setCookie] == nil)
            }
            for next in ["%2F%2Fevil.example%2F", "https%3A%2F%2Fevil.example%2F", "%2F%5Cevil.example"] {
                try await client.execute(uri: "/country/SN?next=\(next)", method: .get) { response in
                    #expect(response.status == .seeOther)
                    #expect(response.headers[.location] == "/", "next=\(next)")
                }
            }
            // A forged cookie is ignored, not trusted.
            try await client.execute(uri: "/", method: .get, headers: [.cookie: "country=<script>"]) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("Dans quel pays"))
            }
            try await client.execute(uri: "/country?next=%2Fsearch%3Fq%3Dcasier", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("href=\"/country/SN?next=%2Fsearch%3Fq%3Dcasier\""))
            }
        }
    }

    @Test func theDeploymentsCountryComesFirstWithoutAsking() async throws {
        let congo: @Sendable (inout AppConfiguration) -> Void = { $0.defaultCountry = "CG" }
        try await TestApp.withClient(seed: .demo, configure: congo) { client, _ in
            try await client.execute(uri: "/", method: .get) { response in
                let html = response.text
                #expect(!html.contains("Dans quel pays"))
                #expect(html.contains("République du Congo"))
                #expect(procedureLinks(html).first == "cg-declaration-naissance")
            }
        }
    }

    @Test func featuredProceduresExistInTheDemoCatalogue() throws {
        let document = try TestApp.demoDocument()
        let ids = Set(document.procedures.map(\.id))
        for country in document.countries {
            let featured = try #require(country.featured, "\(country.code) has no featured list")
            #expect(featured.count >= 4)
            for id in featured { #expect(ids.contains(id), "\(country.code): \(id) is not a demo procedure") }
        }
    }

    @Test func configurationReadsTheDefaultCountry() throws {
        var configuration = AppConfiguration()
        try configuration.applySiteSettings(["GUICHET_COUNTRY": "sn"])
        #expect(configuration.defaultCountry == "SN")
        #expect(throws: (any Error).self) { try configuration.applySiteSettings(["GUICHET_COUNTRY": "Senegal"]) }
    }
}

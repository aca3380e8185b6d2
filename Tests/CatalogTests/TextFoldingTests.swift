// SPDX-License-Identifier: MPL-2.0
import Testing

@testable import Catalog

@Suite struct TextFoldingTests {
    @Test(arguments: [
        ("Acte de Naissance", ["acte", "naissance"]),
        ("ACTE NAISSANCE", ["acte", "naissance"]),
        ("actes de naissances", ["acte", "naissance"]),
        ("État civil", ["etat", "civil"]),
        ("carte d'identité", ["carte", "identite"]),
        ("Carte d’identité", ["carte", "identite"]),
        ("journaux", ["journal"]),
        ("bureaux", ["bureau"]),
        ("bureau", ["bureau"]),
    ])
    func queryTerms(query: String, expected: [String]) {
        #expect(TextFolding.queryTerms(query) == expected)
    }

    @Test func stopWordsAloneAreKept() {
        #expect(TextFolding.queryTerms("de la") == ["de", "la"])
    }

    @Test func punctuationOnlyGivesNoTerm() {
        #expect(TextFolding.queryTerms("«»!?*\"").isEmpty)
    }
}

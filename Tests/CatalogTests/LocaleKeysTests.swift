// SPDX-License-Identifier: MPL-2.0
import Catalog
import GuichetCore
import GuichetTesting
import Testing

/// The catalogue's words: every key its templates and Swift code ask for exists in French and English, and its two
/// catalogues have the same keys.
@Suite struct CatalogLocaleKeysTests {
    @Test func frenchAndEnglishHaveTheSameKeys() throws {
        let scan = try LocaleKeyScan(target: "Catalog")
        let french = try scan.ownKeys(.fr)
        let english = try scan.ownKeys(.en)
        #expect(french.subtracting(english).isEmpty, "only in French: \(french.subtracting(english).sorted())")
        #expect(english.subtracting(french).isEmpty, "only in English: \(english.subtracting(french).sorted())")
        #expect(french.count > 200)
    }

    @Test func everyKeyTheTemplatesAskForExists() throws {
        let scan = try LocaleKeyScan(target: "Catalog")
        let asked = try scan.templateKeys()
        let missing = scan.missing(asked)
        #expect(missing.isEmpty, "\(missing.joined(separator: "\n"))")
        #expect(asked.count >= 150, "the scan found \(asked.count) keys: have the templates changed how they ask for texts?")
    }

    /// Literal keys of `page.t("…")` (the editor's under `editor.`, the rest under `catalog.`), counts (`key` and
    /// `key_one`), the reader's errors (`editor.errors.…`), whole keys and error codes (`errors.…`); then the keys built
    /// from the model's values.
    @Test func everyKeyTheCodeAsksForExists() throws {
        let scan = try LocaleKeyScan(target: "Catalog")
        var asked: [(file: String, key: String)] = []
        for (name, text) in try scan.files("swift") {
            let feature = name.contains("Web/Editor/") ? "editor." : "catalog."
            var keys = text.matches(of: /\bpage\.t\("([a-z_.0-9]+)"/).map { feature + $0.1 }
            keys += text.matches(of: /\bpage\.count\("([a-z_.0-9]+)"/).flatMap { ["catalog." + $0.1, "catalog." + $0.1 + "_one"] }
            keys += text.matches(of: /\bfail\("[^"]*", "([a-z_]+)"/).map { "editor.errors." + $0.1 }
            keys += text.matches(of: /"((?:catalog|editor)\.[a-z_]+\.[a-z_.]+)"/).map { String($0.1) }
            keys += text.matches(of: /(?:notFound|conflict|code:)\(?\s*"([a-z_]+)"/).map { "errors." + $0.1 }
            // A key chosen between two: `page.t(open ? "place_open" : "place_closed")`, `let key = … ? "a" : "b"`.
            for match in text.matches(of: /(?:\bpage\.t\(|let key = )[^"\n]*\? "([a-z_]+)" : "([a-z_]+)"/) {
                keys += [feature + match.1, feature + match.2]
            }
            asked += keys.map { (name, $0) }
        }
        var built = Audience.allCases.flatMap { ["catalog.audience.\($0.rawValue)", "editor.audience.\($0.rawValue)"] }
        built += Channel.allCases.flatMap { ["catalog.channel.\($0.rawValue)", "editor.channels.\($0.rawValue)"] }
        built += InstitutionKind.allCases.map { "catalog.kind.\($0.rawValue)" } + (1...7).map { "catalog.weekdays.\($0)" }
        built += BlockMode.allCases.map { "editor.modes.\($0.rawValue)" } + CostKind.allCases.map { "editor.cost_kinds.\($0.rawValue)" }
        built += ["name_fr", "name_en", "acronym", "address_fr", "phone", "email", "website"].map { "editor.institutions.fields.\($0)" }
        built += ["name_fr", "name_en", "description_fr", "description_en"].map { "editor.categories.fields.\($0)" }
        let missing = scan.missing(asked + built.map { ("built keys", $0) })
        #expect(missing.isEmpty, "\(missing.joined(separator: "\n"))")
        #expect(asked.count >= 120, "the scan found \(asked.count) keys: has the code changed how it asks for texts?")
    }
}

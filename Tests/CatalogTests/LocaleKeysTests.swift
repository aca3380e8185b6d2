import Catalog
import Foundation
import GuichetApp
import GuichetCore
import Testing

/// The catalogue's words: every key its templates and Swift code ask for exists in French and English, and its two
/// catalogues have the same keys.
@Suite struct CatalogLocaleKeysTests {
    static let module = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/Catalog")

    static func files(_ extension: String) -> [URL] {
        let all = FileManager.default.enumerator(at: module, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        return all.filter { $0.pathExtension == `extension` }
    }

    static func flatten(_ object: [String: Any], prefix: String = "") -> Set<String> {
        var keys = Set<String>()
        for (key, value) in object {
            if let child = value as? [String: Any] { keys.formUnion(flatten(child, prefix: prefix + key + ".")) } else { keys.insert(prefix + key) }
        }
        return keys
    }

    func expectKnown(_ keys: [String], in file: String, _ localizer: Localizer) {
        for key in keys {
            for language in Language.allCases {
                #expect(localizer.keys(language).contains(key), "\(file) asks for \(key) (\(language))")
            }
        }
    }

    @Test func frenchAndEnglishHaveTheSameKeys() throws {
        func keys(_ language: String) throws -> Set<String> {
            let data = try Data(contentsOf: CatalogModule.resources.appendingPathComponent("Locales/\(language).json"))
            return Self.flatten(try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any]))
        }
        let french = try keys("fr")
        let english = try keys("en")
        #expect(french.subtracting(english).isEmpty, "only in French: \(french.subtracting(english).sorted())")
        #expect(english.subtracting(french).isEmpty, "only in English: \(english.subtracting(french).sorted())")
        #expect(french.count > 200)
    }

    @Test func everyKeyTheTemplatesAskForExists() throws {
        let localizer = try Localizer(resourceDirectories: GuichetApplication.resourceDirectories)
        var checked = 0
        for file in Self.files("mustache") {
            let text = try String(contentsOf: file, encoding: .utf8)
            let keys = text.matches(of: /\{\{[#^\/]?t\.([a-zA-Z_.0-9]+)\}\}/).map { String($0.1) }
            expectKnown(keys, in: file.lastPathComponent, localizer)
            checked += keys.count
        }
        #expect(checked >= 150, "the scan found \(checked) keys: have the templates changed how they ask for texts?")
    }

    /// Literal keys of `page.t("…")` (the editor's under `editor.`, the rest under `catalog.`), counts (`key` and
    /// `key_one`), the reader's errors (`editor.errors.…`), whole keys and error codes (`errors.…`); then the keys built
    /// from the model's values.
    @Test func everyKeyTheCodeAsksForExists() throws {
        let localizer = try Localizer(resourceDirectories: GuichetApplication.resourceDirectories)
        var checked = 0
        for file in Self.files("swift") {
            let text = try String(contentsOf: file, encoding: .utf8)
            let feature = file.path.contains("/Web/Editor/") ? "editor." : "catalog."
            var keys = text.matches(of: /\bpage\.t\("([a-z_.0-9]+)"/).map { feature + $0.1 }
            keys += text.matches(of: /\bpage\.count\("([a-z_.0-9]+)"/).flatMap { ["catalog." + $0.1, "catalog." + $0.1 + "_one"] }
            keys += text.matches(of: /\bfail\("[^"]*", "([a-z_]+)"/).map { "editor.errors." + $0.1 }
            keys += text.matches(of: /"((?:catalog|editor)\.[a-z_]+\.[a-z_.]+)"/).map { String($0.1) }
            keys += text.matches(of: /(?:notFound|conflict|code:)\(?\s*"([a-z_]+)"/).map { "errors." + $0.1 }
            expectKnown(keys, in: file.lastPathComponent, localizer)
            checked += keys.count
        }
        var built = Audience.allCases.flatMap { ["catalog.audience.\($0.rawValue)", "editor.audience.\($0.rawValue)"] }
        built += Channel.allCases.flatMap { ["catalog.channel.\($0.rawValue)", "editor.channels.\($0.rawValue)"] }
        built += InstitutionKind.allCases.map { "catalog.kind.\($0.rawValue)" } + (1...7).map { "catalog.weekdays.\($0)" }
        built += BlockMode.allCases.map { "editor.modes.\($0.rawValue)" } + CostKind.allCases.map { "editor.cost_kinds.\($0.rawValue)" }
        built += ["name_fr", "name_en", "acronym", "address_fr", "phone", "email", "website"].map { "editor.institutions.fields.\($0)" }
        built += ["name_fr", "name_en", "description_fr", "description_en"].map { "editor.categories.fields.\($0)" }
        expectKnown(built, in: "built keys", localizer)
        #expect(checked >= 120, "the scan found \(checked) keys: has the code changed how it asks for texts?")
    }
}

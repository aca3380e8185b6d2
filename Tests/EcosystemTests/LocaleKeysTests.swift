import Foundation
import GuichetApp
import GuichetCore
import Testing

@testable import Ecosystem

@Suite struct EcosystemLocaleKeysTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/Ecosystem")

    static func files(_ extension: String) -> [URL] {
        (FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? [])
            .filter { $0.pathExtension == `extension` }
    }

    /// Every key of a catalogue file, dotted (`ecosystem.plans.title`).
    static func flatKeys(_ object: Any, prefix: String = "") -> Set<String> {
        guard let dictionary = object as? [String: Any] else { return [prefix] }
        return dictionary.reduce(into: Set<String>()) { keys, entry in
            keys.formUnion(flatKeys(entry.value, prefix: prefix.isEmpty ? entry.key : prefix + "." + entry.key))
        }
    }

    @Test func frenchAndEnglishHaveTheSameKeys() throws {
        let folder = Self.root.appendingPathComponent("Resources/Locales")
        let french = Self.flatKeys(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("fr.json"))))
        let english = Self.flatKeys(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("en.json"))))
        #expect(french.subtracting(english).sorted() == [], "only in French")
        #expect(english.subtracting(french).sorted() == [], "only in English")
        #expect(french.count > 200)
    }

    /// Every literal key the templates and the Swift code ask for (`{{t.…}}`, `p.t("…")`, whole `ecosystem.…` keys,
    /// error codes) exists in French and English.
    @Test func everyKeyTheCodeAsksForExists() throws {
        let localizer = try Localizer(resourceDirectories: GuichetApplication.resourceDirectories)
        var asked: [(file: String, key: String)] = []
        for file in Self.files("mustache") {
            let text = try String(contentsOf: file, encoding: .utf8)
            asked += text.matches(of: /\{\{t\.([a-z_.0-9]+)\}\}/).map { (file.lastPathComponent, String($0.1)) }
        }
        for file in Self.files("swift") {
            let text = try String(contentsOf: file, encoding: .utf8)
            var keys = text.matches(of: /\bp\.t\("([a-z_.0-9]+)"/).map { "ecosystem." + $0.1 }
            keys += text.matches(of: /"(ecosystem\.[a-z_]+\.[a-z_.0-9]+)"/).map { String($0.1) }
            keys += text.matches(of: /(?:notFound|code:)\(?\s*"([a-z_]+)"/).map { "errors." + $0.1 }
            asked += keys.map { (file.lastPathComponent, $0) }
        }
        for (file, key) in asked {
            for language in Language.allCases {
                #expect(localizer.keys(language).contains(key), "\(file) asks for \(key) (\(language))")
            }
        }
        #expect(asked.count >= 150, "the scan found \(asked.count) keys: has the code changed how it asks for texts?")
    }

    /// The keys the code builds from a value (`channel.\(…)`, `actors.kind.\(…)`…) exist for every value.
    @Test func everyBuiltKeyExists() throws {
        let localizer = try Localizer(resourceDirectories: GuichetApplication.resourceDirectories)
        var keys = Channel.allCases.map { "channel.\($0.rawValue)" } + Maturity.allCases.map { "maturity.\($0.rawValue)" }
        keys += (1...17).map { "sdg.\($0)" }
        keys += EcosystemActor.Kind.allCases.map { "actors.kind.\($0.rawValue)" }
        keys += EcosystemActor.RelationKind.allCases.flatMap { ["actors.relation.\($0.rawValue)", "actors.relation_in.\($0.rawValue)"] }
        keys += MatchDecision.allCases.map { "needs.decision.\($0.rawValue)" }
        keys += MatchScore.Part.allCases.map { "needs.reason.\($0.rawValue)" }
        keys += ["created", "updated", "unchanged"].map { "import.\($0)" }
        keys += ["labs", "csv", "sample"].map { "solutions.source_\($0)" }
        keys += ["sex", "age_band", "area"].map { "surveys.by.\($0)" }
        keys += (SurveyResponse.Sex.allCases.map(\.rawValue) + SurveyResponse.Area.allCases.map(\.rawValue)).map { "surveys.value.\($0)" }
        keys += ["plans", "solutions", "actors", "surveys"].flatMap { ["home.\($0)", "home.\($0)_text"] }
        for key in keys {
            for language in Language.allCases {
                #expect(localizer.keys(language).contains("ecosystem." + key), "ecosystem.\(key) (\(language))")
            }
        }
    }
}

// SPDX-License-Identifier: MPL-2.0
import GuichetCore
import GuichetTesting
import Testing

@testable import Ecosystem

@Suite struct EcosystemLocaleKeysTests {
    @Test func frenchAndEnglishHaveTheSameKeys() throws {
        let scan = try LocaleKeyScan(target: "Ecosystem")
        let french = try scan.ownKeys(.fr)
        let english = try scan.ownKeys(.en)
        #expect(french.subtracting(english).sorted() == [], "only in French")
        #expect(english.subtracting(french).sorted() == [], "only in English")
        #expect(french.count > 200)
    }

    /// Every literal key the templates and the Swift code ask for (`{{t.…}}`, `p.t("…")`, whole `ecosystem.…` keys,
    /// error codes) exists in French and English.
    @Test func everyKeyTheCodeAsksForExists() throws {
        let scan = try LocaleKeyScan(target: "Ecosystem")
        var asked = try scan.templateKeys()
        for file in try scan.files("swift") {
            var keys = file.text.matches(of: /\bp\.t\("([a-z_.0-9]+)"/).map { "ecosystem." + $0.1 }
            keys += file.text.matches(of: /"(ecosystem\.[a-z_]+\.[a-z_.0-9]+)"/).map { String($0.1) }
            keys += file.text.matches(of: /(?:notFound|code:)\(?\s*"([a-z_]+)"/).map { "errors." + $0.1 }
            asked += keys.map { (file.name, $0) }
        }
        let missing = scan.missing(asked)
        #expect(missing.isEmpty, "\(missing.joined(separator: "\n"))")
        #expect(asked.count >= 150, "the scan found \(asked.count) keys: has the code changed how it asks for texts?")
    }

    /// The keys the code builds from a value (`channel.\(…)`, `actors.kind.\(…)`…) exist for every value.
    @Test func everyBuiltKeyExists() throws {
        let scan = try LocaleKeyScan(target: "Ecosystem")
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
        let missing = scan.missing(keys.map { ("built keys", "ecosystem." + $0) })
        #expect(missing.isEmpty, "\(missing.joined(separator: "\n"))")
    }
}

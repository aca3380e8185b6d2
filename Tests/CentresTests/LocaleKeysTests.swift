// SPDX-License-Identifier: MPL-2.0
import GuichetCore
import GuichetTesting
import Testing

@Suite struct CentresLocaleKeysTests {
    /// Every literal key the module's Swift code asks for (`page.t("…")`, `page.text(key: "…")`, error codes) exists in
    /// French and English.
    @Test func everyKeyTheCodeAsksForExists() throws {
        let scan = try LocaleKeyScan(target: "Centres")
        var asked: [(file: String, key: String)] = []
        for file in try scan.files("swift") {
            var keys = file.text.matches(of: /\bpage\.t\("([a-z_.0-9]+)"/).map { "centres." + $0.1 }
            keys += file.text.matches(of: /\btext\(key: "([a-z_.0-9]+)"/).map { String($0.1) }
            keys += file.text.matches(of: /(?:notFound|conflict|code:)\(?\s*"([a-z_]+)"/).map { "errors." + $0.1 }
            asked += keys.map { (file.name, $0) }
        }
        let missing = scan.missing(asked)
        #expect(missing.isEmpty, "\(missing.joined(separator: "\n"))")
        for prefix in ["centres.priority.", "centres.ticket_status."] {
            let values =
                prefix.hasSuffix("priority.")
                ? ["none", "elderly", "disability", "pregnancy", "appointment"] : ["waiting", "called", "serving", "done", "no_show"]
            for value in values { #expect(scan.localizer.keys(.en).contains(prefix + value)) }
        }
        #expect(asked.count >= 40, "the scan found \(asked.count) keys: has the code changed how it asks for texts?")
    }

    /// Every key the centres' templates show (`{{t.centres.…}}`, `{{t.core.…}}`) exists in French and English.
    @Test func everyKeyTheTemplatesShowExists() throws {
        let scan = try LocaleKeyScan(target: "Centres")
        let asked = try scan.templateKeys()
        let missing = scan.missing(asked)
        #expect(missing.isEmpty, "\(missing.joined(separator: "\n"))")
        #expect(asked.count >= 100, "the scan found \(asked.count) keys in the templates")
    }

    /// The centres' French and English catalogues have the same keys.
    @Test func frenchAndEnglishHaveTheSameKeys() throws {
        let scan = try LocaleKeyScan(target: "Centres")
        let french = try scan.ownKeys(.fr)
        let english = try scan.ownKeys(.en)
        #expect(french.subtracting(english).isEmpty, "only in French: \(french.subtracting(english).sorted())")
        #expect(english.subtracting(french).isEmpty, "only in English: \(english.subtracting(french).sorted())")
        #expect(french.count > 100)
    }
}

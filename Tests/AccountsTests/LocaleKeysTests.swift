// SPDX-License-Identifier: MPL-2.0
import GuichetCore
import GuichetTesting
import Testing

@Suite struct AccountsLocaleKeysTests {
    @Test func frenchAndEnglishHaveTheSameKeys() throws {
        let scan = try LocaleKeyScan(target: "Accounts")
        let french = try scan.ownKeys(.fr)
        let english = try scan.ownKeys(.en)
        #expect(french.subtracting(english).sorted() == [], "only in French")
        #expect(english.subtracting(french).sorted() == [], "only in English")
        #expect(french.count > 80)
    }

    /// Every literal key the templates and the Swift code ask for (`{{t.…}}`, `t("…", context)`, whole keys, error
    /// codes) exists in French and English, and so does each role's name.
    @Test func everyKeyTheCodeAsksForExists() throws {
        let scan = try LocaleKeyScan(target: "Accounts")
        var asked = try scan.templateKeys()
        for file in try scan.files("swift") {
            var keys = file.text.matches(of: /\bt\("([a-z_.0-9]+)", context\)/).map { "accounts." + $0.1 }
            keys += file.text.matches(of: /\btext\("([a-z_.0-9]+)"/).map { String($0.1) }
            keys += file.text.matches(of: /"(accounts\.menu\.[a-z_]+)"/).map { String($0.1) }
            keys += file.text.matches(of: /(?:code:|message\()\s*"([a-z_.]+)"/).map { "errors." + $0.1 }
            asked += keys.map { (file.name, $0) }
        }
        asked += Role.allCases.map { ("Role", "roles.\($0.rawValue)") }
        let missing = scan.missing(asked)
        #expect(missing.isEmpty, "\(missing.joined(separator: "\n"))")
        #expect(asked.count >= 60, "the scan found \(asked.count) keys: has the code changed how it asks for texts?")
    }
}

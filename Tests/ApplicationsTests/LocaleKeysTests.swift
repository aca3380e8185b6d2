// SPDX-License-Identifier: MPL-2.0
import GuichetCore
import GuichetTesting
import Testing

@testable import Applications

@Suite struct ApplicationsLocaleKeysTests {
    /// Every literal key the module's Swift code asks for (`v.t("…")`, whole `applications.…` keys, error codes)
    /// exists in French and English.
    @Test func everyKeyTheCodeAsksForExists() throws {
        let scan = try LocaleKeyScan(target: "Applications")
        var asked: [(file: String, key: String)] = []
        for file in try scan.files("swift") {
            var keys = file.text.matches(of: /\bt\(\s*"([a-z_.0-9]+)"/).map { "applications." + $0.1 }
            keys += file.text.matches(of: /"(applications\.[a-z_.0-9]+)"/).map { String($0.1) }
            keys += file.text.matches(of: /(?:notFound|conflict|code:)\(?\s*"([a-z_]+)"/).map { "errors." + $0.1 }
            asked += keys.map { (file.name, $0) }
        }
        let missing = scan.missing(asked)
        #expect(missing.isEmpty, "\(missing.joined(separator: "\n"))")
        #expect(asked.count >= 70, "the scan found \(asked.count) keys: has the code changed how it asks for texts?")
    }

    /// The keys the code builds from values (statuses, channels, history events, verification states) all exist.
    @Test func everyComputedKeyExists() throws {
        let scan = try LocaleKeyScan(target: "Applications")
        var keys = ApplicationStatus.allCases.map { "applications.status.\($0.rawValue)" }
        keys += ApplicationStatus.allCases.map { "applications.next.\($0.rawValue)" }
        keys += [FilingChannel.online, .assisted, .api].map { "applications.channel.\($0.rawValue)" }
        keys += ["started", "submitted", "resubmitted", "approved", "document_issued", "document_revoked"].map { "applications.event.\($0)" }
        keys += AgentAction.allCases.filter { $0 != .approve && $0 != .revokeDocument }.map { "applications.event.\($0.rawValue)" }
        keys += ["valid", "revoked", "invalid", "unknown"].map { "applications.verify.state.\($0)" }
        keys += AssistedApplicationAction().visitorActions(
            ticket: "t", principal: Principal(kind: .token, id: "t", displayName: "t", role: .centreAgent)
        )
        .map(\.label)
        let missing = scan.missing(keys.map { ("computed keys", $0) })
        #expect(missing.isEmpty, "\(missing.joined(separator: "\n"))")
    }

    /// Every `{{t.…}}` of the module's templates exists in French and English.
    @Test func everyKeyTheTemplatesUseExists() throws {
        let scan = try LocaleKeyScan(target: "Applications")
        let asked = try scan.templateKeys()
        let missing = scan.missing(asked)
        #expect(missing.isEmpty, "\(missing.joined(separator: "\n"))")
        #expect(asked.count >= 100, "the scan found \(asked.count) keys")
    }

    /// The feature's catalogues say the same things in both languages.
    @Test func frenchAndEnglishHaveTheSameKeys() throws {
        let scan = try LocaleKeyScan(target: "Applications")
        let french = try scan.ownKeys(.fr)
        let english = try scan.ownKeys(.en)
        #expect(french.subtracting(english).sorted() == [], "only in French")
        #expect(english.subtracting(french).sorted() == [], "only in English")
        #expect(french.count > 200)
    }
}

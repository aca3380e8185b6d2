import Foundation
import GuichetApp
import GuichetCore
import Testing

@testable import Applications

@Suite struct ApplicationsLocaleKeysTests {
    static let module = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/Applications")

    static func files(_ folder: URL, _ pathExtension: String) -> [URL] {
        (FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? [])
            .filter { $0.pathExtension == pathExtension }
    }

    /// Every literal key the module's Swift code asks for (`v.t("…")`, whole `applications.…` keys, error codes)
    /// exists in French and English.
    @Test func everyKeyTheCodeAsksForExists() throws {
        let localizer = try Localizer(resourceDirectories: GuichetApplication.resourceDirectories)
        var checked = 0
        for file in Self.files(Self.module, "swift") {
            let text = try String(contentsOf: file, encoding: .utf8)
            var keys = text.matches(of: /\bt\(\s*"([a-z_.0-9]+)"/).map { "applications." + $0.1 }
            keys += text.matches(of: /"(applications\.[a-z_.0-9]+)"/).map { String($0.1) }
            keys += text.matches(of: /(?:notFound|conflict|code:)\(?\s*"([a-z_]+)"/).map { "errors." + $0.1 }
            for key in keys {
                for language in Language.allCases {
                    #expect(localizer.keys(language).contains(key), "\(file.lastPathComponent) asks for \(key) (\(language))")
                }
                checked += 1
            }
        }
        #expect(checked >= 70, "the scan found \(checked) keys: has the code changed how it asks for texts?")
    }

    /// The keys the code builds from values (statuses, channels, history events, verification states) all exist.
    @Test func everyComputedKeyExists() throws {
        let localizer = try Localizer(resourceDirectories: GuichetApplication.resourceDirectories)
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
        for key in keys {
            for language in Language.allCases { #expect(localizer.keys(language).contains(key), "\(key) (\(language))") }
        }
    }

    /// Every `{{t.…}}` of the module's templates exists in French and English.
    @Test func everyKeyTheTemplatesUseExists() throws {
        let localizer = try Localizer(resourceDirectories: GuichetApplication.resourceDirectories)
        var checked = 0
        for file in Self.files(Self.module.appendingPathComponent("Resources/Templates"), "mustache") {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in text.matches(of: /\{\{[#^\/]?t\.([a-zA-Z_.0-9]+)/) {
                for language in Language.allCases {
                    #expect(localizer.keys(language).contains(String(match.1)), "\(file.lastPathComponent) uses \(match.1) (\(language))")
                }
                checked += 1
            }
        }
        #expect(checked >= 100, "the scan found \(checked) keys")
    }

    /// The feature's catalogues say the same things in both languages.
    @Test func frenchAndEnglishHaveTheSameKeys() throws {
        let localizer = try Localizer(resourceDirectories: [ApplicationsModule.resources])
        let french = localizer.keys(.fr)
        let english = localizer.keys(.en)
        #expect(french.subtracting(english).sorted() == [], "only in French")
        #expect(english.subtracting(french).sorted() == [], "only in English")
        #expect(french.count > 200)
    }
}

import Foundation
import GuichetApp
import GuichetCore
import Testing

@Suite struct AccountsLocaleKeysTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/Accounts")

    static func files(_ extension: String) -> [URL] {
        (FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? [])
            .filter { $0.pathExtension == `extension` }
    }

    /// Every key of a catalogue file, dotted (`accounts.sign_in.title`).
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
        #expect(french.count > 80)
    }

    /// Every literal key the templates and the Swift code ask for (`{{t.…}}`, `t("…", context)`, whole keys, error
    /// codes) exists in French and English, and so does each role's name.
    @Test func everyKeyTheCodeAsksForExists() throws {
        let localizer = try Localizer(resourceDirectories: GuichetApplication.resourceDirectories)
        var asked: [(file: String, key: String)] = []
        for file in Self.files("mustache") {
            let text = try String(contentsOf: file, encoding: .utf8)
            asked += text.matches(of: /\{\{t\.([a-z_.0-9]+)\}\}/).map { (file.lastPathComponent, String($0.1)) }
        }
        for file in Self.files("swift") {
            let text = try String(contentsOf: file, encoding: .utf8)
            var keys = text.matches(of: /\bt\("([a-z_.0-9]+)", context\)/).map { "accounts." + $0.1 }
            keys += text.matches(of: /\btext\("([a-z_.0-9]+)"/).map { String($0.1) }
            keys += text.matches(of: /"(accounts\.menu\.[a-z_]+)"/).map { String($0.1) }
            keys += text.matches(of: /(?:code:|message\()\s*"([a-z_.]+)"/).map { "errors." + $0.1 }
            asked += keys.map { (file.lastPathComponent, $0) }
        }
        asked += Role.allCases.map { ("Role", "roles.\($0.rawValue)") }
        for (file, key) in asked {
            for language in Language.allCases {
                #expect(localizer.keys(language).contains(key), "\(file) asks for \(key) (\(language))")
            }
        }
        #expect(asked.count >= 60, "the scan found \(asked.count) keys: has the code changed how it asks for texts?")
    }
}

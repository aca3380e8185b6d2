import Foundation
import GuichetApp
import GuichetCore
import Testing

@testable import Centres

@Suite struct CentresLocaleKeysTests {
    /// Every literal key the module's Swift code asks for (`page.t("…")`, `page.text(key: "…")`, error codes) exists in
    /// French and English.
    @Test func everyKeyTheCodeAsksForExists() throws {
        let localizer = try Localizer(resourceDirectories: GuichetApplication.resourceDirectories)
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/Centres")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        var checked = 0
        for file in files where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            var keys = text.matches(of: /\bpage\.t\("([a-z_.0-9]+)"/).map { "centres." + $0.1 }
            keys += text.matches(of: /\btext\(key: "([a-z_.0-9]+)"/).map { String($0.1) }
            keys += text.matches(of: /(?:notFound|conflict|code:)\(?\s*"([a-z_]+)"/).map { "errors." + $0.1 }
            for key in keys {
                for language in Language.allCases {
                    #expect(localizer.keys(language).contains(key), "\(file.lastPathComponent) asks for \(key) (\(language))")
                }
                checked += 1
            }
        }
        for prefix in ["centres.priority.", "centres.ticket_status."] {
            let values =
                prefix.hasSuffix("priority.")
                ? ["none", "elderly", "disability", "pregnancy", "appointment"] : ["waiting", "called", "serving", "done", "no_show"]
            for value in values { #expect(localizer.keys(.en).contains(prefix + value)) }
        }
        #expect(checked >= 40, "the scan found \(checked) keys: has the code changed how it asks for texts?")
    }

    /// Every key the centres' templates show (`{{t.centres.…}}`, `{{t.core.…}}`) exists in French and English.
    @Test func everyKeyTheTemplatesShowExists() throws {
        let localizer = try Localizer(resourceDirectories: GuichetApplication.resourceDirectories)
        let templates = CentresModule.resources.appendingPathComponent("Templates/centres")
        let files = try FileManager.default.contentsOfDirectory(at: templates, includingPropertiesForKeys: nil).filter {
            $0.pathExtension == "mustache"
        }
        var checked = 0
        for file in files {
            for match in try String(contentsOf: file, encoding: .utf8).matches(of: /\{\{t\.([a-z_.0-9]+)\}\}/) {
                for language in Language.allCases {
                    #expect(localizer.keys(language).contains(String(match.1)), "\(file.lastPathComponent) shows \(match.1) (\(language))")
                }
                checked += 1
            }
        }
        #expect(checked >= 100, "the scan found \(checked) keys in \(files.count) templates")
    }

    /// The centres' French and English catalogues have the same keys.
    @Test func frenchAndEnglishHaveTheSameKeys() throws {
        func keys(_ language: String) throws -> Set<String> {
            let url = CentresModule.resources.appendingPathComponent("Locales/\(language).json")
            return flatten(try JSONSerialization.jsonObject(with: Data(contentsOf: url)), prefix: "")
        }
        func flatten(_ value: Any, prefix: String) -> Set<String> {
            guard let object = value as? [String: Any] else { return [prefix] }
            return object.reduce(into: Set<String>()) { $0.formUnion(flatten($1.value, prefix: prefix.isEmpty ? $1.key : "\(prefix).\($1.key)")) }
        }
        let french = try keys("fr")
        let english = try keys("en")
        #expect(french.subtracting(english).isEmpty, "only in French: \(french.subtracting(english).sorted())")
        #expect(english.subtracting(french).isEmpty, "only in English: \(english.subtracting(french).sorted())")
        #expect(french.count > 100)
    }
}

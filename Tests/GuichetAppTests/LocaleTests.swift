// SPDX-License-Identifier: MPL-2.0
import Catalog
import Foundation
import GuichetApp
import GuichetCore
import Testing

@Suite struct LocaleTests {
    /// A key in one language and not the other is a text some users never see.
    @Test func everyKeyExistsInBothLanguages() throws {
        let localizer = try Localizer(resourceDirectories: GuichetApplication.resourceDirectories)
        let french = localizer.keys(.fr)
        let english = localizer.keys(.en)
        #expect(!french.isEmpty)
        #expect(french.subtracting(english).sorted() == [], "only in fr.json")
        #expect(english.subtracting(french).sorted() == [], "only in en.json")
    }

    @Test func everyTemplateKeyExists() throws {
        let localizer = try Localizer(resourceDirectories: GuichetApplication.resourceDirectories)
        let keys = localizer.keys(.fr)
        for directory in GuichetApplication.resourceDirectories {
            let templates = directory.appendingPathComponent("Templates")
            let files = FileManager.default.enumerator(at: templates, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
            for file in files where file.pathExtension == "mustache" {
                let text = try String(contentsOf: file, encoding: .utf8)
                for match in text.matches(of: /\{\{t\.([a-z_.0-9]+)\}\}/) {
                    #expect(keys.contains(String(match.1)), "\(file.lastPathComponent) uses t.\(match.1)")
                }
            }
        }
    }

    /// Keys the Swift code asks for (`p.t("…")`, `p.count("…")`, `errors.…` codes) exist, so no raw key reaches a page.
    @Test func everySwiftKeyExists() throws {
        let localizer = try Localizer(resourceDirectories: GuichetApplication.resourceDirectories)
        let keys = localizer.keys(.fr)
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        var checked = 0
        for file in files where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in text.matches(of: /\bp\.(t|count)\("([a-z_]+)"/) {
                let key = "catalog." + match.2
                let needed = match.1 == "count" ? [key, key + "_one"] : [key]
                for key in needed {
                    #expect(keys.contains(key), "\(file.lastPathComponent) asks for \(key)")
                }
                checked += 1
            }
            for match in text.matches(of: /(?:notFound|code:)\(?\s*"([a-z_]+)"/) {
                #expect(keys.contains("errors." + match.1), "\(file.lastPathComponent) uses the error code \(match.1)")
                checked += 1
            }
        }
        #expect(checked >= 40, "the scan found too few keys: has the code changed how it asks for texts?")
    }

    @Test(
        arguments: [
            ("en", nil, nil, Language.en), (nil, "en", nil, .en), (nil, nil, "en-US,en;q=0.9", .en), (nil, nil, "de-DE,en;q=0.5", .en),
            (nil, nil, "de-DE", .fr), ("xx", nil, "en", .en), (nil, nil, nil, .fr), ("fr", "en", "en", .fr),
            (nil, nil, "de;q=0.9, en;q=0.8, fr-FR;q=0.85", .fr), (nil, nil, "en;q=0, fr;q=0", .en), (nil, nil, ";en", .en),
            (nil, nil, "fr-FR;q=abc, en;q=0.1", .en), (nil, nil, " EN-gb ; q=0.5 ,\tfr;q=0.4", .en), (nil, nil, "*", .fr), (nil, nil, "", .fr),
            (nil, nil, "fr;q=0.5;q=1, en;q=0.9", .fr), (nil, nil, " , ,en", .en),
        ] as [(String?, String?, String?, Language)])
    func languageNegotiation(query: String?, cookie: String?, accept: String?, expected: Language) {
        #expect(Language.negotiate(query: query, cookie: cookie, acceptLanguage: accept) == expected)
    }
}

// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetApp
import GuichetCore

/// What every feature's locale-keys test reads: the feature's Swift files and templates, the keys they ask for,
/// and whether the application's catalogues (and the feature's own, in both languages) hold them. Each test keeps
/// its own patterns for how its code asks for texts.
package struct LocaleKeyScan {
    /// `Sources/<target>` of this checkout.
    package let folder: URL
    /// Every catalogue of the application, as the server loads them.
    package let localizer: Localizer

    package init(target: String) throws {
        folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(target)
        localizer = try Localizer(resourceDirectories: GuichetApplication.resourceDirectories)
    }

    /// The target's files with this extension (`swift`, `mustache`), named by their path in the target
    /// (`Web/Editor/StepEditorPage.swift`), with their text.
    package func files(_ pathExtension: String) throws -> [(name: String, text: String)] {
        let urls = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        return try urls.filter { $0.pathExtension == pathExtension }.sorted { $0.path < $1.path }.map {
            (String($0.standardizedFileURL.path.dropFirst(folder.standardizedFileURL.path.count + 1)), try String(contentsOf: $0, encoding: .utf8))
        }
    }

    /// Every key the target's templates show: `{{t.…}}`, and the sections `{{#t.…}}`, `{{^t.…}}`, `{{/t.…}}`.
    package func templateKeys() throws -> [(file: String, key: String)] {
        try files("mustache").flatMap { file in
            file.text.matches(of: /\{\{[#^\/]?t\.([a-zA-Z_.0-9]+)/).map { (file.name, String($0.1)) }
        }
    }

    /// One line per key asked for that a language lacks (`file asks for key (en)`); empty when all exist.
    package func missing(_ asked: [(file: String, key: String)]) -> [String] {
        Language.allCases.flatMap { language in
            let known = localizer.keys(language)
            return asked.filter { !known.contains($0.key) }.map { "\($0.file) asks for \($0.key) (\(language))" }
        }
    }

    /// The feature's own catalogues (`Resources/Locales/fr.json` and `en.json`), flattened to dotted keys.
    package func ownKeys(_ language: Language) throws -> Set<String> {
        try Localizer(resourceDirectories: [folder.appendingPathComponent("Resources")]).keys(language)
    }
}

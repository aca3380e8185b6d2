// SPDX-License-Identifier: MPL-2.0
import Foundation

package enum Language: String, Sendable, CaseIterable {
    case fr, en

    package var other: Language { self == .fr ? .en : .fr }

    /// `?lang=` wins, then the `lang` cookie, then the first supported language of `Accept-Language`; French by default.
    package static func negotiate(query: String?, cookie: String?, acceptLanguage: String?) -> Language {
        if let query, let language = Language(rawValue: query.lowercased()) { return language }
        if let cookie, let language = Language(rawValue: cookie.lowercased()) { return language }
        if let acceptLanguage {
            let ranked = acceptLanguage.split(separator: ",").compactMap { part -> (String, Double)? in
                let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                guard let tag = pieces.first, !tag.isEmpty else { return nil }
                var quality = 1.0
                for piece in pieces.dropFirst() where piece.hasPrefix("q=") {
                    quality = Double(piece.dropFirst(2)) ?? 0
                }
                return (String(tag.prefix(2)).lowercased(), quality)
            }
            for (tag, _) in ranked.sorted(by: { $0.1 > $1.1 }) {
                if let language = Language(rawValue: tag) { return language }
            }
        }
        return .fr
    }
}

/// The locale catalogues (`Locales/fr.json`, `Locales/en.json` of each feature), merged.
/// Templates receive the nested dictionary as `t`; Swift code asks for dotted keys.
package struct Localizer: Sendable {
    private let nested: [Language: [String: any Sendable]]
    private let flat: [Language: [String: String]]

    package init(catalogues: [(language: Language, json: Data)]) throws {
        var nested: [Language: [String: any Sendable]] = [:]
        var flat: [Language: [String: String]] = [:]
        for (language, data) in catalogues {
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw LocalizerError.notAnObject(language.rawValue)
            }
            nested[language, default: [:]] = Self.merge(nested[language] ?? [:], Self.sendable(object))
            Self.flatten(object, prefix: "", into: &flat[language, default: [:]])
        }
        self.nested = nested
        self.flat = flat
    }

    /// Loads every `Locales/<lang>.json` found in the given resource folders.
    package init(resourceDirectories: [URL]) throws {
        var catalogues: [(Language, Data)] = []
        for directory in resourceDirectories {
            for language in Language.allCases {
                let file = directory.appendingPathComponent("Locales/\(language.rawValue).json")
                if let data = FileManager.default.contents(atPath: file.path) {
                    catalogues.append((language, data))
                }
            }
        }
        try self.init(catalogues: catalogues)
    }

    package func table(_ language: Language) -> [String: any Sendable] {
        nested[language] ?? [:]
    }

    package func keys(_ language: Language) -> Set<String> {
        Set(flat[language]?.keys ?? [:].keys)
    }

    /// The text of a dotted key; `{name}` placeholders are replaced by `arguments`.
    package func text(_ key: String, _ language: Language, _ arguments: [String: String] = [:]) -> String {
        var text = flat[language]?[key] ?? flat[.fr]?[key] ?? key
        for (name, value) in arguments {
            text = text.replacingOccurrences(of: "{\(name)}", with: value)
        }
        return text
    }

    private static func sendable(_ object: [String: Any]) -> [String: any Sendable] {
        object.mapValues { value -> any Sendable in
            if let dictionary = value as? [String: Any] { return sendable(dictionary) }
            return value as? String ?? "\(value)"
        }
    }

    private static func merge(_ base: [String: any Sendable], _ addition: [String: any Sendable]) -> [String: any Sendable] {
        var result = base
        for (key, value) in addition {
            if let old = result[key] as? [String: any Sendable], let new = value as? [String: any Sendable] {
                result[key] = merge(old, new)
            } else {
                result[key] = value
            }
        }
        return result
    }

    private static func flatten(_ object: [String: Any], prefix: String, into table: inout [String: String]) {
        for (key, value) in object {
            if let dictionary = value as? [String: Any] {
                flatten(dictionary, prefix: prefix + key + ".", into: &table)
            } else {
                table[prefix + key] = value as? String ?? "\(value)"
            }
        }
    }
}

package enum LocalizerError: Error {
    case notAnObject(String)
}

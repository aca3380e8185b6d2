// SPDX-License-Identifier: MPL-2.0
import Foundation

package enum Language: String, Sendable, CaseIterable {
    case fr, en

    package var other: Language { self == .fr ? .en : .fr }

    /// `?lang=` wins, then the `lang` cookie, then the first supported language of `Accept-Language`; French by default.
    package static func negotiate(query: String?, cookie: String?, acceptLanguage: String?) -> Language {
        if let query, let language = Language(rawValue: query.lowercased()) { return language }
        if let cookie, let language = Language(rawValue: cookie.lowercased()) { return language }
        if let acceptLanguage { return fromAcceptLanguage(acceptLanguage) ?? .fr }
        return .fr
    }

    /// The supported language of highest quality in `Accept-Language` (the first one among equals), read in one pass over
    /// its bytes: each `tag;q=x` item's first two letters, lower-cased; `q` absent is 1, unreadable is 0.
    static func fromAcceptLanguage(_ header: String) -> Language? {
        var best: (language: Language, quality: Double)?
        for item in Array(header.utf8).split(separator: UInt8(ascii: ",")) {
            var pieces = item.split(separator: UInt8(ascii: ";")).makeIterator()
            guard let tag = pieces.next().map(trimmed), !tag.isEmpty else { continue }
            var quality = 1.0
            while let piece = pieces.next().map(trimmed) {
                guard piece.starts(with: "q=".utf8) else { continue }
                quality = Double(String(decoding: piece.dropFirst(2), as: UTF8.self)) ?? 0
            }
            let code = String(decoding: tag.prefix(2), as: UTF8.self).lowercased()
            guard let language = Language(rawValue: code) else { continue }
            if best == nil || quality > best?.quality ?? 0 { best = (language, quality) }
        }
        return best?.language
    }

    /// Without the spaces and tabs around (what `trimmingCharacters(in: .whitespaces)` removed from a header's ASCII).
    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let first = bytes.firstIndex(where: { !isBlank($0) }), let last = bytes.lastIndex(where: { !isBlank($0) }) else { return [] }
        return bytes[first...last]
    }
}

/// The locale catalogues (`Locales/fr.json`, `Locales/en.json` of each feature), merged.
/// Templates receive the nested tables as `t`; Swift code asks for dotted keys.
package struct Localizer: Sendable {
    private let flat: [Language: [String: String]]
    /// The nested tables boxed once for the templates: boxing a text on each `{{t.…}}` was about a tenth of a render.
    private let boxed: [Language: TemplateValue]

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
        self.flat = flat
        self.boxed = nested.mapValues(Self.tree)
    }

    static func tree(_ table: [String: any Sendable]) -> TemplateValue {
        .object(
            TemplateObject(
                table.compactMapValues { value in
                    if let inner = value as? [String: any Sendable] { return tree(inner) }
                    return TemplateBoxing.box(value)
                }))
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

    /// The table of `language` as templates read it (`t`), boxed at start.
    package func templateTable(_ language: Language) -> TemplateValue {
        boxed[language] ?? .object([:])
    }

    package func keys(_ language: Language) -> Set<String> {
        Set(flat[language]?.keys ?? [:].keys)
    }

    /// The text of a dotted key; `{name}` placeholders are replaced by `arguments`.
    package func text(_ key: String, _ language: Language, _ arguments: [String: String] = [:]) -> String {
        let text = flat[language]?[key] ?? flat[.fr]?[key] ?? key
        return arguments.isEmpty ? text : Self.fill(text, arguments)
    }

    /// Each `{name}` of `arguments` replaced by its value, in one pass over the text's bytes (a value is not searched for
    /// placeholders in turn); an unknown `{name}` stays as it is.
    static func fill(_ text: String, _ arguments: [String: String]) -> String {
        let bytes = Array(text.utf8)
        guard bytes.contains(UInt8(ascii: "{")) else { return text }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + 32)
        var rest = bytes[...]
        while let open = rest.firstIndex(of: UInt8(ascii: "{")) {
            result.append(contentsOf: rest[..<open])
            let afterOpen = rest.index(after: open)
            if let close = rest[afterOpen...].firstIndex(of: UInt8(ascii: "}")),
                let value = arguments[String(decoding: rest[afterOpen..<close], as: UTF8.self)]
            {
                result.append(contentsOf: value.utf8)
                rest = rest[rest.index(after: close)...]
            } else {
                result.append(UInt8(ascii: "{"))
                rest = rest[afterOpen...]
            }
        }
        result.append(contentsOf: rest)
        return String(decoding: result, as: UTF8.self)
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

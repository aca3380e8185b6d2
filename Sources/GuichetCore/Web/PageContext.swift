// SPDX-License-Identifier: MPL-2.0
import Foundation
import Hummingbird

/// What every page builder needs: the request's language, its feature's words (`t("key")` reads
/// `<feature>.key` in the locale catalogues), and links that carry `?lang=` on when the language was chosen by URL.
/// Features add their own formatting (waits, SDGs, money) in extensions.
package struct PageContext: Sendable {
    package let language: Language
    package let localizer: Localizer
    /// The feature's prefix in the locale catalogues, with its dot (`centres.`).
    package let keyPrefix: String
    package let languageInQuery: Bool

    package init(_ context: AppRequestContext, localizer: Localizer, keys feature: String) {
        self.init(language: context.language, localizer: localizer, keys: feature, languageInQuery: context.languageInQuery)
    }

    package init(language: Language, localizer: Localizer, keys feature: String, languageInQuery: Bool = false) {
        self.language = language
        self.localizer = localizer
        self.keyPrefix = feature.isEmpty ? "" : feature + "."
        self.languageInQuery = languageInQuery
    }

    /// The feature's text for `key` (without the feature's prefix).
    package func t(_ key: String, _ arguments: [String: String] = [:]) -> String {
        localizer.text(keyPrefix + key, language, arguments)
    }

    /// Any catalogue key, whole (`core.…`, another feature's action label handed over by a port).
    package func text(key: String, _ arguments: [String: String] = [:]) -> String {
        localizer.text(key, language, arguments)
    }

    /// `key_one` for a count of 1 (French and English agree on that), `key` otherwise, with `{count}`.
    package func count(_ key: String, _ count: Int) -> String {
        t(count == 1 ? "\(key)_one" : key, ["count": String(count)])
    }

    /// `?lang=xx` when links must carry the language, else empty.
    package var langQuery: String { languageInQuery ? "?lang=\(language.rawValue)" : "" }

    /// `path` with the query items given and, when the language was chosen by URL, `lang`.
    package func link(_ path: String, _ items: [(String, String)] = []) -> String {
        let all = items + (languageInQuery ? [("lang", language.rawValue)] : [])
        guard !all.isEmpty else { return path }
        let separator = path.contains("?") ? "&" : "?"
        return path + separator + all.map { "\(FormQuery.encode($0.0))=\(FormQuery.encode($0.1))" }.joined(separator: "&")
    }

    /// A named route's path, filled with `values`, as a link.
    package func link(_ route: Route, _ values: String..., query items: [(String, String)] = []) -> String {
        link(route.path(values), items)
    }

    /// A whole number with its thousands grouped as each language writes them: 12 400 (no-break space) or 12,400.
    package func number(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped += language == .fr ? "\u{00A0}" : "," }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }
}

extension AppRequestContext {
    /// A path parameter, percent-decoded; a 400 naming it when the route has none of that name.
    package func pathValue(_ name: String = "id") throws -> String {
        guard let raw = parameters.get(name) else { throw AppError.badParameter(name) }
        // Most ids hold no escape: Foundation's decoding is skipped for them.
        guard raw.utf8.contains(UInt8(ascii: "%")) else { return raw }
        return raw.removingPercentEncoding ?? raw
    }
}

// SPDX-License-Identifier: MPL-2.0
import Foundation
import Hummingbird

/// Query strings as browsers send them from a GET form (`application/x-www-form-urlencoded`): `+` is a space.
/// Hummingbird's `queryParameters` keeps `+` as is, so a search for "acte+de+naissance" would miss.
package struct FormQuery: Sendable {
    package let items: [(name: String, value: String)]

    package init(_ raw: String?) {
        items = (raw ?? "").split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (Self.decode(parts[0]), parts.count > 1 ? Self.decode(parts[1]) : "")
        }
    }

    /// Fields already decoded (e.g. the text parts of a multipart body).
    package init(items: [(name: String, value: String)]) {
        self.items = items
    }

    package subscript(_ name: String) -> String? {
        items.first { $0.name == name }?.value
    }

    /// A value or name ready to go into a query string.
    package static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-_.~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}

extension Request {
    package var form: FormQuery { FormQuery(uri.query) }
}

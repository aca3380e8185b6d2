// SPDX-License-Identifier: MPL-2.0
/// A public place the home page leads to (follow an application, find a centre, verify a document…), offered by the
/// feature that serves it. The home page renders what it is given and knows no other feature's paths.
package struct Destination: Sendable, Equatable {
    /// What it is (`track`, `centres`, `verify`, `results`, `ecosystem`, `api`): the page's order and styling.
    package let kind: String
    /// Locale key of the link's text.
    package let label: String
    /// Locale key of a sentence under the link.
    package let detail: String?
    /// Where it leads (without the language query; the page adds it).
    package let href: String

    package init(kind: String, label: String, detail: String? = nil, href: String) {
        self.kind = kind
        self.label = label
        self.detail = detail
        self.href = href
    }
}

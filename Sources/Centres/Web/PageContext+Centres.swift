// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import Hummingbird

/// The centres' words (`centres.…` in the locale catalogues) and their own formatting: waits, priorities, statuses.
extension PageContext {
    static func centres(_ context: AppRequestContext, _ renderer: Renderer) -> PageContext {
        PageContext(context, localizer: renderer.localizer, keys: "centres")
    }

    /// "about 15 minutes", "less than 5 minutes", or "not known".
    func wait(_ minutes: Int?) -> String {
        guard let minutes else { return t("wait.unknown") }
        if minutes < 5 { return t("wait.short") }
        let rounded = ((Double(minutes) / 5).rounded(.up) * 5).clampedInt()
        return t("wait.minutes", ["minutes": String(rounded)])
    }

    func priority(_ value: String) -> String { t("priority.\(value)") }

    func status(_ value: String) -> String { t("ticket_status.\(value)") }

    /// A percentage as the results show it (`80.0 %`), or a dash when nothing was measured.
    func percent(_ value: Double?) -> String { value.map { "\(SVG.number($0)) %" } ?? "—" }

    /// The link to the same page in the other language (kiosk and tablet screens).
    func otherLanguage(path: String) -> LanguageChoice {
        let other = language.other
        return LanguageChoice(href: "\(path)?lang=\(other.rawValue)", label: text(key: "layout.switch_language"), lang: other.rawValue)
    }
}

struct LanguageChoice {
    let href: String
    let label: String
    let lang: String
}

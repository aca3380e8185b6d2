import Foundation
import GuichetCore
import Hummingbird

/// Words and small formatting shared by the centres' pages and the console.
struct CentresView {
    let language: Language
    let localizer: Localizer
    let langQuery: String

    init(_ context: AppRequestContext, _ localizer: Localizer) {
        self.language = context.language
        self.localizer = localizer
        self.langQuery = context.languageInQuery ? "?lang=\(context.language.rawValue)" : ""
    }

    func t(_ key: String, _ arguments: [String: String] = [:]) -> String { localizer.text("centres.\(key)", language, arguments) }

    func link(_ path: String) -> String { path + langQuery }

    /// "about 15 minutes", "less than 5 minutes", or "not known".
    func wait(_ minutes: Int?) -> String {
        guard let minutes else { return t("wait.unknown") }
        if minutes < 5 { return t("wait.short") }
        let rounded = ((Double(minutes) / 5).rounded(.up) * 5).clampedInt()
        return t("wait.minutes", ["minutes": String(rounded)])
    }

    func priority(_ value: String) -> String { t("priority.\(value)") }

    func status(_ value: String) -> String { t("ticket_status.\(value)") }

    static func id(_ context: AppRequestContext, _ name: String = "id") throws -> String {
        guard let raw = context.parameters.get(name) else { throw AppError.badParameter(name) }
        return raw.removingPercentEncoding ?? raw
    }
}

import Foundation
import GuichetCore
import Hummingbird

/// Texts of the module in the request's language, and the `?lang=` a link carries on.
struct EcosystemPresenter {
    let language: Language
    let localizer: Localizer
    let languageInQuery: Bool

    init(_ context: AppRequestContext, localizer: Localizer) {
        language = context.language
        self.localizer = localizer
        languageInQuery = context.languageInQuery
    }

    func t(_ key: String, _ arguments: [String: String] = [:]) -> String {
        localizer.text("ecosystem.\(key)", language, arguments)
    }

    /// A whole number with its thousands grouped as each language writes them: 12 400 (no-break space) or 12,400.
    func number(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped += language == .fr ? "\u{00A0}" : "," }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    func sdg(_ sdg: SDG) -> String {
        t("sdg.\(sdg.number)", ["n": String(sdg.number)])
    }

    /// `path` with the query items given and, when the language was chosen by URL, `lang`.
    func link(_ path: String, _ items: [(String, String)] = []) -> String {
        let all = items + (languageInQuery ? [("lang", language.rawValue)] : [])
        guard !all.isEmpty else { return path }
        return path + "?" + all.map { "\(FormQuery.encode($0.0))=\(FormQuery.encode($0.1))" }.joined(separator: "&")
    }
}

enum EcosystemParameters {
    static func optional(_ request: Request, _ name: String) -> String? {
        guard let value = request.form[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    static func int(_ request: Request, _ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let raw = optional(request, name) else { return nil }
        guard let number = Int(raw), range.contains(number) else { throw AppError.badParameter(name, value: raw) }
        return number
    }

    static func id(_ context: AppRequestContext) throws -> String {
        guard let raw = context.parameters.get("id") else { throw AppError.badParameter("id") }
        return raw.removingPercentEncoding ?? raw
    }
}

// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import Hummingbird

extension PageContext {
    /// The ecosystem's words in the request's language (`t("…")` reads `ecosystem.…`).
    init(ecosystem context: AppRequestContext, localizer: Localizer) {
        self.init(context, localizer: localizer, keys: "ecosystem")
    }

    func sdg(_ sdg: SDG) -> String {
        t("sdg.\(sdg.number)", ["n": String(sdg.number)])
    }
}

/// Optional query values of the ecosystem's lists and filters.
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
}

// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import Hummingbird

extension PageContext {
    init(payments context: AppRequestContext, _ localizer: Localizer) {
        self.init(context, localizer: localizer, keys: "payments")
    }

    /// `12 500 FCFA`, grouped as each language writes numbers.
    func money(_ amount: Int, _ currency: String) -> String {
        number(amount) + " " + (currency == "XOF" || currency == "XAF" ? "FCFA" : currency)
    }

    /// A stored UTC time as "2026-12-07 10:05 UTC".
    func minuteUTC(_ stored: String?) -> String {
        guard let stored else { return "" }
        return String(stored.prefix(16)).replacingOccurrences(of: "T", with: " ") + " UTC"
    }

    func label(_ line: PaymentLine) -> String { language == .en ? line.labelEn : line.labelFr }

    func operatorName(_ name: String) -> String {
        let key = "operator.\(name)"
        let text = t(key)
        return text == keyPrefix + key ? name : text
    }
}

extension AppRequestContext {
    /// An id from the path: at most 80 ASCII letters, digits, `-` and `_`; anything else names nothing (404).
    func paymentsId(_ name: String = "id") throws -> String {
        let value = try pathValue(name)
        guard value.count <= 80, value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw AppError.notFound()
        }
        return value
    }
}

// SPDX-License-Identifier: MPL-2.0
import GuichetCore

/// What a form page shows again after a failed submission: the values sent and one message per field,
/// plus the summary at the top that links to each field (GOV.UK's error summary pattern).
package struct FormState: Sendable {
    package var values: [String: String] = [:]
    package var errors: [String: String] = [:]
    /// Field order of the summary.
    package var order: [String] = []

    package init(values: [String: String] = [:]) {
        self.values = values
    }

    package mutating func add(_ field: String, _ message: String) {
        if errors[field] == nil { order.append(field) }
        errors[field] = message
    }

    package var isValid: Bool { errors.isEmpty }

    /// `values`, `errors` and `summary` for the template.
    package var model: [String: Any] {
        [
            "values": values, "errors": errors,
            "summary": order.map { ["field": $0, "message": errors[$0] ?? ""] },
            "hasErrors": !errors.isEmpty,
        ]
    }
}

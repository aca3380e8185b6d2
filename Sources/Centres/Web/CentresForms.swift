// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import Hummingbird

/// How the centres' forms are read and answered.
enum CentresForms {
    /// A priority chosen in a form: none when empty; appointment only where an agent may give it.
    static func priority(_ raw: String?, allowAppointment: Bool) throws -> Priority {
        guard let raw, !raw.isEmpty else { return .none }
        guard let priority = Priority(rawValue: raw), allowAppointment || priority != .appointment else {
            throw AppError.validation(field: "priority", code: "priority_unknown")
        }
        return priority
    }

    /// The form's one-time token (a UUID), kept only when it has that shape.
    static func token(_ raw: String?) -> String? {
        guard let raw, raw.count == 36, UUID(uuidString: raw) != nil else { return nil }
        return raw.lowercased()
    }

    /// A fresh one-time token for a form.
    static func newToken() -> String { RandomID.uuid() }

    static func answer(_ form: FormQuery) -> FeedbackAnswer {
        FeedbackAnswer(rating: Int(form["rating"] ?? "") ?? 0, reason: form["reason"], comment: form["comment"])
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}

// SPDX-License-Identifier: MPL-2.0
import Catalog
import Foundation
import GuichetCore
import Hummingbird

/// The applications' page context: the shared `PageContext` with the `applications.` keys.
extension PageContext {
    init(applications context: AppRequestContext, _ localizer: Localizer) {
        self.init(context, localizer: localizer, keys: "applications")
    }

    /// The message of an error the service threw, from the shared `errors` catalogue.
    func error(_ error: AppError) -> String { text(key: "errors.\(error.code)", error.arguments) }

    func text(_ value: LocalizedText?) -> String { value?.text(for: language.rawValue).text ?? "" }

    func status(_ status: ApplicationStatus) -> String { t("status.\(status.rawValue)") }

    /// A stored UTC time as a day and time in UTC ("2026-12-01 14:05 UTC").
    func when(_ stored: String?) -> String {
        guard let stored else { return "" }
        return Timestamps.parse(stored).map { minute($0) + " UTC" } ?? stored
    }

    /// A stored UTC time, or a stored day, as its UTC day ("2026-12-01").
    func day(_ stored: String?) -> String { stored.map { day(stored: $0) } ?? "" }

    func message(_ error: AnswerError, field: FormField?) -> String {
        var arguments = error.arguments
        arguments["label"] = text(field?.label)
        return t("errors.\(error.reason)", arguments)
    }

    func size(_ bytes: Int) -> String {
        bytes >= 1_048_576 ? "\(ApplicationRules.megabytes(bytes)) \(t("megabytes"))" : "\(max(1, bytes / 1024)) \(t("kilobytes"))"
    }

    /// An answer as shown back to the person or the agent.
    func answer(_ field: FormField, _ value: String?, file: StoredFile?) -> String {
        if field.kind == .file { return file.map { "\($0.name) (\(size($0.size)))" } ?? t("not_provided") }
        guard let value, !value.isEmpty else { return t("not_provided") }
        if field.kind == .choice { return field.choices?.first { $0.value == value }.map { text($0.label) } ?? value }
        return value
    }
}

extension AppRequestContext {
    /// An application's, procedure's or field's id from the path: at most 80 ASCII letters, digits, `-` and `_`;
    /// anything else names nothing (404).
    func applicationsId(_ name: String = "id") throws -> String {
        let value = try pathValue(name)
        guard value.count <= 80, value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw AppError.notFound()
        }
        return value
    }
}

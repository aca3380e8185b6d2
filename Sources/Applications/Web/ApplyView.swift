import Catalog
import Foundation
import GuichetCore
import Hummingbird

/// Words and small formatting shared by the applications' pages.
struct ApplyView {
    let language: Language
    let localizer: Localizer
    let langQuery: String

    init(_ context: AppRequestContext, _ localizer: Localizer) {
        self.language = context.language
        self.localizer = localizer
        self.langQuery = context.languageInQuery ? "?lang=\(context.language.rawValue)" : ""
    }

    func t(_ key: String, _ arguments: [String: String] = [:]) -> String { localizer.text("applications.\(key)", language, arguments) }

    func link(_ path: String) -> String { path + langQuery }

    /// The message of an error the service threw, from the shared `errors` catalogue.
    func error(_ error: AppError) -> String { localizer.text("errors.\(error.code)", language, error.arguments) }

    func text(_ value: LocalizedText?) -> String { value?.text(for: language.rawValue).text ?? "" }

    func status(_ status: ApplicationStatus) -> String { t("status.\(status.rawValue)") }

    /// A UTC timestamp as a day and time in UTC ("2026-12-01 14:05 UTC").
    func when(_ stamp: String?) -> String {
        guard let stamp else { return "" }
        return stamp.prefix(10) + " " + stamp.dropFirst(11).prefix(5) + " UTC"
    }

    func day(_ stamp: String?) -> String { stamp.map { String($0.prefix(10)) } ?? "" }

    func message(_ error: AnswerError, field: FormField?) -> String {
        var arguments = error.arguments
        arguments["label"] = text(field?.label)
        return t("errors.\(error.reason)", arguments)
    }

    func size(_ bytes: Int) -> String {
        bytes >= 1_048_576 ? "\(ApplicationService.megabytes(bytes)) \(t("megabytes"))" : "\(max(1, bytes / 1024)) \(t("kilobytes"))"
    }

    static func id(_ context: AppRequestContext, _ name: String = "id") throws -> String {
        guard let raw = context.parameters.get(name) else { throw AppError.badParameter(name) }
        let value = raw.removingPercentEncoding ?? raw
        guard value.count <= 80, value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw AppError.notFound()
        }
        return value
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}

struct ChoiceView {
    let id: String
    let value: String
    let label: String
    let checked: Bool
}

struct FieldView {
    let key: String
    let label: String
    let hint: String?
    let condition: String?
    let error: String?
    let value: String
    let choices: [ChoiceView]
    let isFile: Bool
    let isChoice: Bool
    let isLong: Bool
    let isInput: Bool
    let inputType: String
    let inputmode: String?
    let autocomplete: String?
    let file: String?
    let describedBy: String?
}

extension ApplyView {
    func field(
        _ field: FormField, definition: FormDefinition, value: String?, error: AnswerError?, file: StoredFile?, maxFileBytes: Int
    ) -> FieldView {
        var hint = text(field.hint)
        if field.kind == .file {
            hint = [hint, t("file_hint", ["max": ApplicationService.megabytes(maxFileBytes)])].filter { !$0.isEmpty }.joined(separator: " ")
        }
        if field.kind == .date { hint = [hint, t("date_hint")].filter { !$0.isEmpty }.joined(separator: " ") }
        var condition: String?
        if let showIf = field.showIf, let target = definition.field(showIf.field) {
            let answer = target.choices?.first { $0.value == showIf.equals }.map { text($0.label) } ?? showIf.equals
            condition = t("only_if", ["label": text(target.label), "answer": answer])
        }
        let inputType: String
        var inputmode: String?
        var autocomplete: String?
        switch field.kind {
        case .email:
            inputType = "email"
            autocomplete = "email"
        case .phone:
            inputType = "tel"
            autocomplete = "tel"
        case .date: inputType = "date"
        case .number:
            inputType = "text"
            inputmode = "decimal"
        default: inputType = "text"
        }
        let message = error.map { self.message($0, field: field) }
        let described = [hint.isEmpty ? nil : "\(field.key)-hint", message == nil ? nil : "\(field.key)-error"].compactMap { $0 }.joined(separator: " ")
        return FieldView(
            key: field.key, label: text(field.label), hint: hint.isEmpty ? nil : hint, condition: condition, error: message, value: value ?? "",
            choices: (field.choices ?? []).enumerated().map { index, choice in
                ChoiceView(id: "\(field.key)-\(index)", value: choice.value, label: text(choice.label), checked: choice.value == value)
            },
            isFile: field.kind == .file, isChoice: field.kind == .choice, isLong: field.kind == .text && (field.maxLength ?? 2000) > 200,
            isInput: field.kind != .file && field.kind != .choice && !(field.kind == .text && (field.maxLength ?? 2000) > 200),
            inputType: inputType, inputmode: inputmode, autocomplete: autocomplete,
            file: file.map { "\($0.name) (\(size($0.size)))" }, describedBy: described.isEmpty ? nil : described)
    }

    /// An answer as shown back to the person or the agent.
    func answer(_ field: FormField, _ value: String?, file: StoredFile?) -> String {
        if field.kind == .file { return file.map { "\($0.name) (\(size($0.size)))" } ?? t("not_provided") }
        guard let value, !value.isEmpty else { return t("not_provided") }
        if field.kind == .choice { return field.choices?.first { $0.value == value }.map { text($0.label) } ?? value }
        return value
    }
}

// SPDX-License-Identifier: MPL-2.0
import Catalog
import GuichetCore

/// One choice of a choice field, as a question page shows it.
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

extension PageContext {
    func field(
        _ field: FormField, definition: FormDefinition, value: String?, error: AnswerError?, file: StoredFile?, maxFileBytes: Int
    ) -> FieldView {
        var hint = text(field.hint)
        if field.kind == .file {
            hint = [hint, t("file_hint", ["max": ApplicationRules.megabytes(maxFileBytes)])].filter { !$0.isEmpty }.joined(separator: " ")
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
        let described = [hint.isEmpty ? nil : "\(field.key)-hint", message == nil ? nil : "\(field.key)-error"].compactMap { $0 }.joined(
            separator: " ")
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
}

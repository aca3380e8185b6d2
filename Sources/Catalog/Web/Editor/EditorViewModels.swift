// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore

// The back office's view models. Every form page carries `errors` (message by field name), `summary` (the messages in
// the form's order, for the `admin-errors` partial) and `hasErrors`.

/// One line of the error summary: a link to the field and its message.
struct ErrorItem {
    let field: String
    let message: String

    static func summary(_ errors: [String: String], _ order: [String]) -> [ErrorItem] {
        order.map { ErrorItem(field: $0, message: errors[$0] ?? "") }
    }
}

/// A text in French and English (the `editor-pair` partial): two inputs, or two text areas when `long`.
struct LocalizedPair {
    let base: String
    let label: String
    let long: Bool
    let fr: String
    let en: String
    let frError: String?
    let enError: String?
}

/// One input: its name, the value shown, its error if any.
struct FieldView {
    let name: String
    let label: String?
    let value: String
    let error: String?
}

/// An `<option>` of a select.
struct OptionView {
    let value: String
    let label: String
    let selected: Bool
}

/// An institution offered in a select.
struct InstitutionChoice {
    let id: String
    let name: String
    let selected: Bool
}

/// A check box of a list (categories, audiences).
struct CheckView {
    let id: String
    let name: String
    let checked: Bool
}

/// What a form was filled with: the posted form when it is shown again with errors, else the stored values.
struct FormValues {
    let form: FormQuery?
    let errors: [String: String]

    func value(_ name: String, _ stored: String?) -> String { form.map { $0[name] ?? "" } ?? (stored ?? "") }

    func checked(_ name: String, _ stored: Bool) -> Bool { form.map { $0[name] == "on" } ?? stored }

    func field(_ name: String, _ stored: String?, label: String? = nil) -> FieldView {
        FieldView(name: name, label: label, value: value(name, stored), error: errors[name])
    }

    func pair(_ base: String, _ text: LocalizedText?, _ label: String, long: Bool = false) -> LocalizedPair {
        LocalizedPair(
            base: base, label: label, long: long, fr: value("\(base)_fr", text?.fr), en: value("\(base)_en", text?.en),
            frError: errors["\(base)_fr"], enError: errors["\(base)_en"])
    }
}

// MARK: Home and creation

struct EditorHomePage {
    let q: String
    let newHref: String
    let action: String
    let drafts: [DraftItem]
    let procedures: [PublishedItem]
    let count: Int
    let more: Bool

    struct DraftItem {
        let href: String
        let title: String
        let id: String
        let by: String
        let at: String
        let isNew: Bool
    }

    struct PublishedItem {
        let href: String
        let title: String
        let id: String
        let institution: String
        let hasDraft: Bool
    }
}

struct NewProcedurePage {
    let errors: [String: String]
    let summary: [ErrorItem]
    let hasErrors: Bool
    let back: String
    let action: String
    let values: NewProcedureValues
    let institutions: [InstitutionChoice]
}

/// What the "new procedure" form was filled with.
struct NewProcedureValues {
    var id = ""
    var institution = ""
    var titleFr = ""
    var titleEn = ""
}

// MARK: History and differences

struct HistoryPage {
    let id: String
    let title: String
    let back: String
    let published: Bool
    let publicPage: String
    let hasDraft: Bool
    let draftDiff: String
    let versions: [VersionItem]

    struct VersionItem {
        let number: Int
        let by: String
        let at: String
        let note: String
        /// The differences with the previous version; empty for the first.
        let diff: String
    }
}

struct DiffPage {
    let title: String
    let back: String
    let from: String
    let to: String
    let lines: [Line]
    let unchanged: Int
    let none: Bool

    struct Line {
        let path: String
        let before: String
        let after: String
    }
}

// MARK: Institutions and categories

struct InstitutionsPage {
    let action: String
    let institutions: [Item]
    let q: String
    let count: Int
    let more: Bool

    struct Item {
        let id: String
        let name: String
        let country: String
        let href: String
    }
}

struct CategoriesPage {
    let categories: [Item]

    struct Item {
        let id: String
        let name: String
        let href: String
    }
}

/// An institution's or a category's form.
struct RecordPage {
    let errors: [String: String]
    let summary: [ErrorItem]
    let hasErrors: Bool
    let id: String
    let title: String
    let action: String
    let back: String
    let fields: [FieldView]
}

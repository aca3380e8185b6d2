// SPDX-License-Identifier: MPL-2.0
import Catalog
import Foundation
import GuichetCore

/// The e-form of a procedure: question pages, then the documents to upload, and what the issued document prints.
/// Stored as JSON, one immutable row per version; an application keeps the version it was filed with.
package struct FormDefinition: Codable, Equatable, Sendable {
    package var pages: [FormPage]
    /// The document issued on approval.
    package var document: IssuedDocumentSpec
    /// The procedure's costs charged online, and when (none: nothing is charged through Guichet).
    package var fees: [FormFee]?

    package init(pages: [FormPage], document: IssuedDocumentSpec, fees: [FormFee]? = nil) {
        self.pages = pages
        self.document = document
        self.fees = fees
    }

    package var fields: [FormField] { pages.flatMap(\.fields) }

    package func field(_ key: String) -> FormField? { fields.first { $0.key == key } }

    package func page(_ key: String) -> FormPage? { pages.first { $0.key == key } }
}

package struct FormPage: Codable, Equatable, Sendable {
    /// Slug used in the page's address, e.g. `child`.
    package var key: String
    package var title: LocalizedText
    package var fields: [FormField]

    package var hasFiles: Bool { fields.contains { $0.kind == .file } }
}

package enum FieldKind: String, Codable, Sendable, CaseIterable {
    case text, number, date, choice, phone
    case nationalId = "national_id"
    case email, file
}

package struct FormChoice: Codable, Equatable, Sendable {
    package var value: String
    package var label: LocalizedText
}

/// Show a field only when another one has a given answer.
package struct FieldCondition: Codable, Equatable, Sendable {
    package var field: String
    package var equals: String
}

package struct FormField: Codable, Equatable, Sendable {
    package var key: String
    package var kind: FieldKind
    package var label: LocalizedText
    package var hint: LocalizedText?
    package var required: Bool?
    package var minLength: Int?
    package var maxLength: Int?
    /// A regular expression the whole answer must match (e.g. a national ID's shape).
    package var pattern: String?
    /// For numbers: the range; for dates: years relative to today are not expressed, use `notAfterToday`.
    package var min: Double?
    package var max: Double?
    package var notAfterToday: Bool?
    package var choices: [FormChoice]?
    package var showIf: FieldCondition?

    package var isRequired: Bool { required ?? true }
}

/// A cost of the procedure that the form charges: which one, when, and by what simple rule.
package struct FormFee: Codable, Equatable, Sendable {
    /// Unique within the form (`stamp`, `delivery`).
    package var key: String
    /// The catalogue's cost it charges: its position among the procedure's costs, from 1, in the order of the steps.
    /// Only a stated amount in XOF or XAF can be charged; a cost the catalogue leaves "non renseigné" cannot.
    package var cost: Int
    package var due: FeeStage
    /// Charged once per unit of this number answer (copies, pages).
    package var perField: String?
    /// Charged only for this answer (a category, a reason).
    package var when: FieldCondition?
}

/// What the issued document shows: its title and the answers printed on it (only those are signed and verifiable).
package struct IssuedDocumentSpec: Codable, Equatable, Sendable {
    package var title: LocalizedText
    package var fields: [String]
    /// Months of validity, if the document expires.
    package var validityMonths: Int?
}

/// A form attached to a procedure, as kept in the database.
package struct StoredForm: Sendable {
    package var id: Int
    package var procedureId: String
    package var number: Int
    package var procedureVersion: Int
    package var definition: FormDefinition
    package var createdBy: String
    package var createdAt: String
}

/// One problem in a form definition, named by its path (`pages[1].fields[0].pattern`).
package struct DefinitionProblem: Sendable, Equatable {
    package var path: String
    /// The locale key's last part (`applications.forms.problem.<reason>`).
    package var reason: String
    package var value: String
}

extension FormDefinition {
    // trap-safe: a constant pattern, compiled at first use, which every form definition's check (and its tests) reaches
    static let keyShape = try! NSRegularExpression(pattern: "^[a-z][a-z0-9_]{0,39}$")

    static func isKey(_ text: String) -> Bool {
        keyShape.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// Everything wrong with a definition, before it is stored (its fees checked against the procedure's costs).
    package func problems(procedure: Procedure? = nil) -> [DefinitionProblem] {
        var problems: [DefinitionProblem] = []
        var keys = Set<String>()
        var pageKeys = Set<String>()
        if pages.isEmpty { problems.append(.init(path: "pages", reason: "empty", value: "")) }
        for (p, page) in pages.enumerated() {
            let pagePath = "pages[\(p)]"
            if !Self.isKey(page.key) { problems.append(.init(path: "\(pagePath).key", reason: "bad_key", value: page.key)) }
            if !pageKeys.insert(page.key).inserted { problems.append(.init(path: "\(pagePath).key", reason: "duplicate", value: page.key)) }
            if page.title.fr.trimmingCharacters(in: .whitespaces).isEmpty {
                problems.append(.init(path: "\(pagePath).title.fr", reason: "empty", value: ""))
            }
            if page.fields.isEmpty { problems.append(.init(path: "\(pagePath).fields", reason: "empty", value: "")) }
            for (f, field) in page.fields.enumerated() {
                let path = "\(pagePath).fields[\(f)]"
                if !Self.isKey(field.key) { problems.append(.init(path: "\(path).key", reason: "bad_key", value: field.key)) }
                if !keys.insert(field.key).inserted { problems.append(.init(path: "\(path).key", reason: "duplicate", value: field.key)) }
                if field.label.fr.trimmingCharacters(in: .whitespaces).isEmpty {
                    problems.append(.init(path: "\(path).label.fr", reason: "empty", value: ""))
                }
                if let pattern = field.pattern, (try? NSRegularExpression(pattern: pattern)) == nil {
                    problems.append(.init(path: "\(path).pattern", reason: "bad_pattern", value: pattern))
                }
                if let min = field.minLength, let max = field.maxLength, min > max {
                    problems.append(.init(path: "\(path).minLength", reason: "bad_range", value: "\(min) > \(max)"))
                }
                if let min = field.min, let max = field.max, min > max {
                    problems.append(.init(path: "\(path).min", reason: "bad_range", value: "\(min) > \(max)"))
                }
                if field.kind == .choice, (field.choices ?? []).isEmpty {
                    problems.append(.init(path: "\(path).choices", reason: "empty", value: ""))
                }
                if let condition = field.showIf {
                    // A condition may only look back, at a field already answered.
                    guard let target = fields.first(where: { $0.key == condition.field }), keys.contains(condition.field),
                        condition.field != field.key
                    else {
                        problems.append(.init(path: "\(path).showIf.field", reason: "unknown_field", value: condition.field))
                        continue
                    }
                    if target.kind == .choice, !(target.choices ?? []).contains(where: { $0.value == condition.equals }) {
                        problems.append(.init(path: "\(path).showIf.equals", reason: "unknown_choice", value: condition.equals))
                    }
                }
            }
        }
        if document.title.fr.trimmingCharacters(in: .whitespaces).isEmpty {
            problems.append(.init(path: "document.title.fr", reason: "empty", value: ""))
        }
        for (index, key) in document.fields.enumerated() {
            guard let field = field(key) else {
                problems.append(.init(path: "document.fields[\(index)]", reason: "unknown_field", value: key))
                continue
            }
            if field.kind == .file { problems.append(.init(path: "document.fields[\(index)]", reason: "file_on_document", value: key)) }
        }
        return problems + feeProblems(procedure: procedure)
    }

    func feeProblems(procedure: Procedure?) -> [DefinitionProblem] {
        var problems: [DefinitionProblem] = []
        var keys = Set<String>()
        let costs = procedure.map(FeeRules.costs) ?? []
        for (index, fee) in (fees ?? []).enumerated() {
            let path = "fees[\(index)]"
            if !Self.isKey(fee.key) { problems.append(.init(path: "\(path).key", reason: "bad_key", value: fee.key)) }
            if !keys.insert(fee.key).inserted { problems.append(.init(path: "\(path).key", reason: "duplicate", value: fee.key)) }
            if let procedure {
                if fee.cost < 1 || fee.cost > costs.count {
                    problems.append(.init(path: "\(path).cost", reason: "unknown_cost", value: "\(fee.cost)"))
                } else if FeeRules.chargeable(costs[fee.cost - 1]) == nil {
                    problems.append(.init(path: "\(path).cost", reason: "cost_not_chargeable", value: "\(fee.cost) (\(procedure.id))"))
                }
            }
            if let key = fee.perField, field(key)?.kind != .number {
                problems.append(.init(path: "\(path).perField", reason: "not_a_number", value: key))
            }
            if let condition = fee.when, field(condition.field) == nil {
                problems.append(.init(path: "\(path).when.field", reason: "unknown_field", value: condition.field))
            }
        }
        return problems
    }
}

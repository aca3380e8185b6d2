// SPDX-License-Identifier: MPL-2.0
import Catalog
import Foundation

/// The rules of an application's life that need no database: which pages a person goes through, when an answer is
/// due, and how answers and sizes read.
package enum ApplicationRules {
    /// Days the procedure declares (the longest total), or 30 when it declares none.
    package static func dueDays(_ procedure: Procedure) -> Int {
        let days = ProcedureTotals(procedure: procedure).days?.max ?? 0
        return days > 0 ? days : 30
    }

    /// Pages the person goes through: those with a field shown given the answers, and, when the agent asked for
    /// changes, only those holding a field to fix.
    package static func pages(_ definition: FormDefinition, _ record: ApplicationRecord) -> [FormPage] {
        definition.pages.filter { page in
            page.fields.contains { field in
                AnswerValidator.isShown(field, answers: record.answers)
                    || field.showIf.map { condition in page.fields.contains { $0.key == condition.field } } == true
            } && (record.status != .actionRequired || page.fields.contains { record.isEditable($0.key) })
        }
    }

    /// A size limit as people read it: `10` or `2.5` (megabytes).
    package static func megabytes(_ bytes: Int) -> String {
        let value = Double(bytes) / 1_048_576
        return value == value.rounded() ? String(format: "%.0f", value) : String(format: "%.1f", value)
    }

    /// The answer as printed on a document: a choice's French label rather than its value.
    package static func display(_ field: FormField, _ value: String?) -> String {
        guard let value else { return "" }
        if field.kind == .choice, let choice = field.choices?.first(where: { $0.value == value }) { return choice.label.fr }
        return value
    }
}

/// An agent's action on an application, at the revision the agent saw.
package struct AgentRequest: Sendable {
    package var action: AgentAction
    package var expectedRevision: Int
    package var note: String
    package var fields: [String]
    package var assignee: String?

    package init(action: AgentAction, expectedRevision: Int, note: String = "", fields: [String] = [], assignee: String? = nil) {
        self.action = action
        self.expectedRevision = expectedRevision
        self.note = note
        self.fields = fields
        self.assignee = assignee
    }
}

// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore

/// The editor's form of one step. Lists (results, requirements, costs, legal bases) show their rows and empty ones to
/// add (one result, two requirements, one cost, one legal basis).
struct StepEditorPage {
    let errors: [String: String]
    let summary: [ErrorItem]
    let hasErrors: Bool
    let procedureId: String
    let procedureTitle: String
    let back: String
    let action: String
    let isNew: Bool
    let blockNumber: Int
    let stepNumber: Int
    let revision: Int
    let title: LocalizedPair
    let office: LocalizedPair
    let stepAction: LocalizedPair
    let recourse: LocalizedPair
    let additional: LocalizedPair
    let timeNotes: LocalizedPair
    let online: Bool
    let optional: Bool
    let institutions: [InstitutionChoice]
    let noInstitution: Bool
    let times: [TimeRow]
    let results: [ResultRow]
    let requirements: [RequirementRow]
    let costs: [CostRow]
    let laws: [LawRow]

    struct TimeRow {
        let label: String
        let min: FieldView
        let max: FieldView
    }

    struct ResultRow {
        let n: Int
        let name: LocalizedPair
        let finalName: String
        let final: Bool
    }

    struct RequirementRow {
        let n: Int
        let name: LocalizedPair
        let originals: FieldView
        let copies: FieldView
        let certified: FieldView
        let notes: LocalizedPair
    }

    struct CostRow {
        let n: Int
        let kindName: String
        let kindError: String?
        let kinds: [OptionView]
        let amount: FieldView
        let currencyName: String
        let currencyError: String?
        let currencies: [OptionView]
        let label: LocalizedPair
        let payment: LocalizedPair
    }

    struct LawRow {
        let n: Int
        let text: LocalizedPair
        let article: FieldView
        let url: FieldView
    }
}

extension StepEditorPage {
    /// `index`: nil for a new step of block `block`. `currency`: the country's, proposed for a new cost.
    init(
        procedure: Procedure, block: Int, index: Int?, step: Step, values: FormValues, order: [String], page: PageContext, revision: Int,
        currency: String, institutions: [(key: String, value: Institution)]
    ) {
        func number(_ value: Int?) -> String? { value.map(String.init) }
        /// An empty row (a new one) shows no French text.
        func filled(_ text: LocalizedText) -> LocalizedText? { text.fr.isEmpty ? nil : text }
        let id = procedure.id
        let institutionValue = values.value("institution", step.institution)

        errors = values.errors
        summary = ErrorItem.summary(values.errors, order)
        hasErrors = !values.errors.isEmpty
        procedureId = id
        procedureTitle = procedure.title.fr
        back = CatalogRoute.editorProcedure.path(id)
        action = index.map { CatalogRoute.editorStep.path(id, "\(block)", "\($0)") } ?? CatalogRoute.editorNewStepLink(id, block: block)
        isNew = index == nil
        blockNumber = block + 1
        stepNumber = (index ?? procedure.blocks[block].steps.count) + 1
        self.revision = revision
        title = values.pair("title", filled(step.title), page.t("step.title_field"))
        office = values.pair("office", step.office, page.t("step.office"))
        stepAction = values.pair("action", step.action, page.t("step.action"), long: true)
        recourse = values.pair("recourse", step.recourse, page.t("step.recourse"), long: true)
        additional = values.pair("additional", step.additionalInfo, page.t("fields.additional"), long: true)
        timeNotes = values.pair("time_notes", step.timeframe?.notes, page.t("step.time_notes"))
        online = values.checked("online", step.online == true)
        optional = values.checked("optional", step.optional == true)
        self.institutions = institutions.map { InstitutionChoice(id: $0.key, name: $0.value.name.fr, selected: $0.key == institutionValue) }
        noInstitution = institutionValue.isEmpty

        let timeframe = step.timeframe
        times = [
            ("wait", "step.wait", timeframe?.waitingInLineMinutes), ("counter", "step.counter", timeframe?.atCounterMinutes),
            ("days", "step.days", timeframe?.untilNextStepDays),
        ].map { base, label, range in
            TimeRow(label: page.t(label), min: values.field("\(base)_min", number(range?.min)), max: values.field("\(base)_max", number(range?.max)))
        }
        results = ((step.results ?? []) + [StepResult(name: LocalizedText(fr: ""))]).enumerated().map { i, result in
            ResultRow(
                n: i + 1, name: values.pair("result_\(i)", filled(result.name), page.t("step.result", ["number": "\(i + 1)"])),
                finalName: "result_final_\(i)", final: values.checked("result_final_\(i)", result.final == true))
        }
        let newRequirement = Requirement(name: LocalizedText(fr: ""))
        requirements = ((step.requirements ?? []) + [newRequirement, newRequirement]).enumerated().map { i, requirement in
            RequirementRow(
                n: i + 1, name: values.pair("req_\(i)", filled(requirement.name), page.t("step.requirement", ["number": "\(i + 1)"])),
                originals: values.field("req_originals_\(i)", number(requirement.originals)),
                copies: values.field("req_copies_\(i)", number(requirement.copies)),
                certified: values.field("req_certified_\(i)", number(requirement.certifiedCopies)),
                notes: values.pair("req_notes_\(i)", requirement.notes, page.t("step.requirement_notes")))
        }
        let newCostRow = (step.costs ?? []).count
        costs = ((step.costs ?? []) + [Cost(kind: .amount)]).enumerated().map { i, cost in
            let kindValue = values.value("cost_kind_\(i)", i == newCostRow ? "" : cost.kind.rawValue)
            let currencyValue = values.value("cost_currency_\(i)", cost.currency ?? currency)
            return CostRow(
                n: i + 1, kindName: "cost_kind_\(i)", kindError: values.errors["cost_kind_\(i)"],
                kinds: [OptionView(value: "", label: page.t("step.cost_none"), selected: kindValue.isEmpty)]
                    + CostKind.allCases.map {
                        OptionView(value: $0.rawValue, label: page.t("cost_kinds.\($0.rawValue)"), selected: $0.rawValue == kindValue)
                    },
                amount: values.field("cost_amount_\(i)", cost.amount.map { value in Int(exactly: value).map(String.init) ?? String(value) }),
                currencyName: "cost_currency_\(i)", currencyError: values.errors["cost_currency_\(i)"],
                currencies: CatalogValidator.currencies.sorted().map { OptionView(value: $0, label: $0, selected: $0 == currencyValue) },
                label: values.pair("cost_label_\(i)", cost.label, page.t("step.cost_label")),
                payment: values.pair("cost_payment_\(i)", cost.payment, page.t("step.cost_payment")))
        }
        laws = ((step.legalBases ?? []) + [LegalBasis(text: LocalizedText(fr: ""))]).enumerated().map { i, law in
            LawRow(
                n: i + 1, text: values.pair("law_\(i)", filled(law.text), page.t("step.law", ["number": "\(i + 1)"])),
                article: values.field("law_article_\(i)", law.article), url: values.field("law_url_\(i)", law.url))
        }
    }
}

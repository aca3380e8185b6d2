// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import Hummingbird

/// Public pages of the learning plans: the list with its filters, and one plan. The focal point (a staff e-mail)
/// is never shown here.
package struct LearningPlanPagesController: Sendable {
    let renderer: Renderer
    let repository: LearningPlanRepository

    init(renderer: Renderer, plans: LearningPlanRepository) {
        self.renderer = renderer
        self.repository = plans
    }

    package func addRoutes(to router: Router<AppRequestContext>) {
        router.get(EcosystemRoute.learningPlans, use: list)
        router.get(EcosystemRoute.learningPlan, use: show)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let p = PageContext(ecosystem: context, localizer: renderer.localizer)
        let filter = LearningPlanRepository.Filter(
            country: EcosystemParameters.optional(request, "country"),
            sdg: try EcosystemParameters.int(request, "sdg", in: 1...17),
            thematicArea: EcosystemParameters.optional(request, "theme"),
            year: try EcosystemParameters.int(request, "year", in: 1900...2200))
        let plans = try await repository.list(filter)
        let facets = try await repository.facets()
        func options(_ kind: TermKind, selected: String?, label: (String) -> String = { $0 }) -> [FilterOption] {
            (facets[kind] ?? []).map { FilterOption(value: $0.value, label: "\(label($0.value)) (\($0.count))", selected: $0.value == selected) }
        }
        let model = PlanListPage(
            intro: p.t("plans.intro"),
            countries: options(.country, selected: filter.country),
            sdgs: options(.sdg, selected: filter.sdg.map(String.init)) { value in Int(value).flatMap(SDG.init(number:)).map(p.sdg) ?? value },
            themes: options(.thematicArea, selected: filter.thematicArea),
            years: try await repository.years().map { FilterOption(value: String($0), label: String($0), selected: $0 == filter.year) },
            langParam: context.languageInQuery ? context.language.rawValue : nil,
            count: p.t(plans.count == 1 ? "plans.count_one" : "plans.count", ["count": String(plans.count)]),
            items: plans.map { plan in
                PlanItem(
                    href: p.link(EcosystemRoute.learningPlan, plan.id), title: plan.title,
                    meta: [plan.country, plan.year.map(String.init)].compactMap { $0 }.joined(separator: " · "))
            },
            empty: plans.isEmpty,
            filtered: filter != .init(),
            clearHref: p.link(EcosystemRoute.learningPlans))
        return try renderer.page("ecosystem-plans", title: p.t("plans.title"), page: model, request: request, context: context)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.pathValue("id")
        guard let plan = try await repository.plan(id: id) else { throw AppError.notFound("learning_plan_not_found") }
        let p = PageContext(ecosystem: context, localizer: renderer.localizer)
        func facet(_ key: String, _ values: [String], filter: String? = nil) -> PlanFacet? {
            guard !values.isEmpty else { return nil }
            return PlanFacet(
                label: p.t("plans.\(key)"),
                values: values.map { value in
                    FacetValue(text: value, href: filter.map { p.link(EcosystemRoute.learningPlans.path(), [($0, value)]) })
                })
        }
        let facets = [
            facet("country", plan.country.map { [$0] } ?? [], filter: "country"),
            facet("year", plan.year.map { [String($0)] } ?? [], filter: "year"),
            plan.sdgs.isEmpty
                ? nil
                : PlanFacet(
                    label: p.t("plans.sdgs"),
                    values: plan.sdgs.map {
                        FacetValue(text: p.sdg($0), href: p.link(EcosystemRoute.learningPlans.path(), [("sdg", String($0.number))]))
                    }),
            facet("thematic_areas", plan.thematicAreas, filter: "theme"),
            facet("methods", plan.methods),
            facet("datasources", plan.dataSources),
        ].compactMap { $0 }
        let sections = plan.document.sections.compactMap { section -> PlanSection? in
            let heading = section.heading?.trimmingCharacters(in: .whitespaces)
            // Questions outside any heading are the page's second level, so that no heading level is skipped.
            let topLevel = (heading ?? "").isEmpty
            let blocks = section.blocks.compactMap { block -> PlanBlock? in
                let paragraphs = Self.paragraphs(LabsFormat.decodeEntities(block.answerText))
                let question = block.questionText.flatMap { $0.isEmpty ? nil : Self.shortQuestion(LabsFormat.decodeEntities($0)) }
                // Unanswered questions are the platform's empty form: the page shows what the lab wrote (the export keeps all).
                guard !paragraphs.isEmpty else { return nil }
                return PlanBlock(question: question, paragraphs: paragraphs, tag: topLevel ? "h2" : "h3")
            }
            guard !blocks.isEmpty || !(heading ?? "").isEmpty else { return nil }
            return PlanSection(heading: (heading ?? "").isEmpty ? nil : heading, blocks: blocks)
        }
        let model = PlanPage(
            title: plan.title, facets: facets, sections: sections, empty: sections.isEmpty, backHref: p.link(EcosystemRoute.learningPlans))
        return try renderer.page("ecosystem-plan", title: plan.title, page: model, request: request, context: context)
    }

    /// "Background: What is the history of your challenge? …" → "Background": the platform's prompts are long and the same in
    /// every plan; their label is enough on a 2G page (the export keeps them whole).
    static func shortQuestion(_ question: String) -> String {
        guard let colon = question.firstIndex(of: ":") else { return question }
        let label = question[..<colon].trimmingCharacters(in: .whitespaces)
        return (3...48).contains(label.count) && !label.contains("?") ? label : question
    }

    /// Paragraphs separated by blank lines; the lines of one paragraph joined by a space.
    static func paragraphs(_ text: String) -> [String] { LabsSolution.paragraphsOf(text) }  // the same split as the solution records
}

struct FilterOption {
    let value: String
    let label: String
    let selected: Bool
}

struct PlanItem {
    let href: String
    let title: String
    let meta: String
}

struct PlanListPage {
    let intro: String
    let countries: [FilterOption]
    let sdgs: [FilterOption]
    let themes: [FilterOption]
    let years: [FilterOption]
    let langParam: String?
    let count: String
    let items: [PlanItem]
    let empty: Bool
    let filtered: Bool
    let clearHref: String
}

struct FacetValue {
    let text: String
    let href: String?
}

struct PlanFacet {
    let label: String
    let values: [FacetValue]
}

struct PlanBlock {
    let question: String?
    let paragraphs: [String]
    let tag: String
}

struct PlanSection {
    let heading: String?
    let blocks: [PlanBlock]
}

struct PlanPage {
    let title: String
    let facets: [PlanFacet]
    let sections: [PlanSection]
    let empty: Bool
    let backHref: String
}

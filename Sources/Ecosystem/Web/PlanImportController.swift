// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import Hummingbird

/// The analyst pastes one learning plan in the platform's format; it is checked and stored like `guichet learning-plan import`,
/// and the ecosystem's index page links the public sections.
package struct PlanImportController: Sendable {
    let renderer: Renderer
    let plans: LearningPlanRepository

    package func addRoutes(to router: Router<AppRequestContext>) {
        router.get(EcosystemRoute.home, use: home)
        router.get(EcosystemRoute.importPlan, use: form)
        router.post(EcosystemRoute.importPlan, use: submit)
    }

    @Sendable func home(_ request: Request, context: AppRequestContext) async throws -> Response {
        let p = PageContext(ecosystem: context, localizer: renderer.localizer)
        let sections = [
            ("plans", EcosystemRoute.learningPlans), ("solutions", EcosystemRoute.solutions), ("actors", EcosystemRoute.actors),
            ("surveys", EcosystemRoute.surveys),
        ].map { key, route in HomeSection(href: p.link(route), title: p.t("home.\(key)"), text: p.t("home.\(key)_text")) }
        return try renderer.page(
            "ecosystem-home", title: p.t("home.title"), page: EcosystemHomePage(sections: sections), request: request, context: context)
    }

    @Sendable func form(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.analyst)
        return try render(text: "", result: nil, problem: nil, request: request, context: context, status: .ok)
    }

    func render(
        text: String, result: PlanImportResult?, problem: String?, request: Request, context: AppRequestContext, status: HTTPResponse.Status
    ) throws -> Response {
        let p = PageContext(ecosystem: context, localizer: renderer.localizer)
        let model = PlanImportPage(action: EcosystemRoute.importPlan.path(), text: text, result: result, problem: problem)
        return try renderer.page("ecosystem-plan-import", title: p.t("import.title"), page: model, request: request, context: context, status: status)
    }

    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.analyst)
        let p = PageContext(ecosystem: context, localizer: renderer.localizer)
        // Browsers send CRLF in a textarea; the platform's files use LF.
        let text = (context.postForm["document"] ?? "").replacingOccurrences(of: "\r\n", with: "\n")
        do {
            let plan = try LearningPlan(text: text)
            let outcome = try await plans.importPlan(plan, actor: principal.actor, requestId: context.requestId)
            let result = PlanImportResult(
                message: p.t("import.\(outcome.rawValue)", ["title": plan.title]), href: p.link(EcosystemRoute.learningPlan, plan.id))
            return try render(text: "", result: result, problem: nil, request: request, context: context, status: .ok)
        } catch let problem as LearningPlan.Problem {
            return try render(
                text: text, result: nil, problem: p.t("import.rejected", ["reason": problem.description]), request: request, context: context,
                status: .unprocessableContent)
        }
    }
}

struct HomeSection {
    let href: String
    let title: String
    let text: String
}

struct EcosystemHomePage {
    let sections: [HomeSection]
}

struct PlanImportResult {
    let message: String
    let href: String
}

struct PlanImportPage {
    let action: String
    let text: String
    let result: PlanImportResult?
    let problem: String?
}

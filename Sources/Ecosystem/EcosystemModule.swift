// SPDX-License-Identifier: MPL-2.0
import Catalog
import FluentKit
import Foundation
import GuichetCore
import Hummingbird

/// The ecosystem, built once by the composition root: learning plans, solutions, actors, surveys (public), and the
/// analyst's needs, matches and priorities (back office). The features that measure procedures' use are handed in as
/// `measures`; it offers "report a digitalisation need" on every procedure through `procedureActions`.
package struct EcosystemModule: Sendable {
    let renderer: Renderer
    let measures: [any ProcedureMeasureSource]
    let catalog: CatalogRepository
    package let plans: LearningPlanRepository
    package let solutions: SolutionRepository
    package let actors: ActorRepository
    package let needs: NeedRepository
    package let surveys: SurveyRepository

    package init(database: DatabaseService, renderer: Renderer, measures: [any ProcedureMeasureSource] = []) {
        self.renderer = renderer
        self.measures = measures
        catalog = CatalogRepository(service: database)
        plans = LearningPlanRepository(service: database)
        solutions = SolutionRepository(service: database)
        actors = ActorRepository(service: database)
        needs = NeedRepository(service: database)
        surveys = SurveyRepository(service: database)
    }

    package func addRoutes(to router: Router<AppRequestContext>) throws {
        PlanImportController(renderer: renderer, plans: plans).addRoutes(to: router)
        LearningPlanPagesController(renderer: renderer, plans: plans).addRoutes(to: router)
        SolutionPagesController(renderer: renderer, solutions: solutions, actors: actors).addRoutes(to: router)
        SolutionAPIController(solutions: solutions).addRoutes(to: router)
        ActorControllers(renderer: renderer, actors: actors, catalog: catalog).addRoutes(to: router)
        NeedsController(renderer: renderer, needs: needs, solutions: solutions, catalog: catalog).addRoutes(to: router)
        PrioritiesController(renderer: renderer, needs: needs, catalog: catalog, measures: measures).addRoutes(to: router)
        SurveyControllers(renderer: renderer, surveys: surveys).addRoutes(to: router)
    }

    /// "Report a digitalisation need", offered on every procedure of the catalogue.
    package var procedureActions: any ProcedureActionSource { ReportNeedAction() }

    package static var migrations: [any Migration] { EcosystemMigrations.all }

    /// The JSON routes, as the OpenAPI document writes them.
    package static var apiRoutes: [(method: String, path: String)] { EcosystemRoute.api }

    /// Where the home page leads for this feature.
    package static var destinations: [Destination] { EcosystemDestinations.all }

    /// The ecosystem's entries in the back office's menu.
    package static var menu: [MenuEntry] {
        [
            MenuEntry(
                path: EcosystemRoute.needs.path(), label: "ecosystem.menu.needs", description: "ecosystem.menu.needs_description", roles: [.analyst]),
            MenuEntry(
                path: EcosystemRoute.priorities.path(), label: "ecosystem.menu.priorities", description: "ecosystem.menu.priorities_description",
                roles: [.analyst]),
            MenuEntry(
                path: EcosystemRoute.importPlan.path(), label: "ecosystem.menu.import_plan",
                description: "ecosystem.menu.import_plan_description", roles: [.analyst]),
        ]
    }

    // MARK: Resources

    /// The `Resources` folder of this module (templates, locales, demo plans and solutions).
    package static var resources: URL { Bundle.module.bundleURL.appendingPathComponent("Resources") }

    /// The project's own sample learning plans, in the platform's format.
    package static var demoPlans: [URL] { demoFiles(prefix: "sample-plan-", extension: "md") }

    /// The project's own sample solutions, in the platform's format.
    package static var demoSolutions: [URL] { demoFiles(prefix: "sample-solution-", extension: "md") }

    /// Sample solutions as CSV: also the example of the CSV import's columns.
    package static var demoSolutionsCSV: URL { resources.appendingPathComponent("Demo/sample-solutions.csv") }

    /// The agencies and organisations named in the project's source documents.
    package static var demoActors: URL { resources.appendingPathComponent("Demo/actors.json") }

    /// A survey file the project invented (synthetic respondents), to show the aggregates.
    package static var demoSurvey: URL { resources.appendingPathComponent("Demo/synthetic-survey.csv") }

    static func demoFiles(prefix: String, extension: String) -> [URL] {
        let folder = resources.appendingPathComponent("Demo")
        let files = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []
        return files.filter { $0.lastPathComponent.hasPrefix(prefix) && $0.pathExtension == `extension` }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }
}

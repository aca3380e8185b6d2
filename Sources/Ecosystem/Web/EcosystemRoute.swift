// SPDX-License-Identifier: MPL-2.0
import GuichetCore

/// Every path of the ecosystem module, named once: routes, links, redirects and tests use these.
package enum EcosystemRoute {
    package static let home = Route("/ecosystem")

    package static let learningPlans = Route("/ecosystem/learning-plans")
    package static let learningPlan = Route("/ecosystem/learning-plans/:id")
    package static let importPlan = Route("/admin/ecosystem/learning-plans/import")

    package static let solutions = Route("/ecosystem/solutions")
    package static let solution = Route("/ecosystem/solutions/:id")

    package static let actors = Route("/ecosystem/actors")
    package static let actorsMap = Route("/ecosystem/actors/map")
    package static let actor = Route("/ecosystem/actors/:id")

    package static let needs = Route("/admin/ecosystem/needs")
    package static let newNeed = Route("/admin/ecosystem/needs/new")
    /// The form started from a procedure (offered on the catalogue's procedure pages through `procedureActions`).
    package static let newNeedFor = Route("/admin/ecosystem/needs/new/:procedure")
    package static let need = Route("/admin/ecosystem/needs/:id")
    package static let needDecisions = Route("/admin/ecosystem/needs/:id/decisions")

    package static let surveys = Route("/ecosystem/surveys")
    package static let survey = Route("/ecosystem/surveys/:id")
    package static let surveyCSV = Route("/ecosystem/surveys/:id/aggregates.csv")

    package static let priorities = Route("/admin/ecosystem/priorities")
    package static let prioritiesCSV = Route("/admin/ecosystem/priorities.csv")

    package static let apiActors = Route("/api/v1/ecosystem/actors")
    package static let apiSolutions = Route("/api/v1/ecosystem/solutions")
    package static let apiSolution = Route("/api/v1/ecosystem/solutions/:id")

    /// The JSON routes, as the OpenAPI document writes them (`{id}` for `:id`).
    package static var api: [(method: String, path: String)] {
        [apiActors, apiSolutions, apiSolution].map { ("GET", openAPIPath($0)) }
    }

    /// `/api/v1/ecosystem/solutions/{id}` for `/api/v1/ecosystem/solutions/:id`.
    static func openAPIPath(_ route: Route) -> String {
        route.pattern.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.first == ":" ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
    }
}

/// Every path of the ecosystem module, named once: routes, links, redirects and tests use these.
package enum EcosystemPaths {
    package static let learningPlans = "/ecosystem/learning-plans"
    package static let learningPlanPattern = "/ecosystem/learning-plans/:id"

    package static func learningPlan(_ id: String) -> String { "/ecosystem/learning-plans/\(id)" }

    package static let solutions = "/ecosystem/solutions"
    package static let solutionPattern = "/ecosystem/solutions/:id"
    package static func solution(_ id: String) -> String { "/ecosystem/solutions/\(id)" }

    package static let actors = "/ecosystem/actors"
    package static let actorsMap = "/ecosystem/actors/map"
    package static let actorPattern = "/ecosystem/actors/:id"
    package static func actor(_ id: String) -> String { "/ecosystem/actors/\(id)" }
    package static let apiActors = "/api/v1/ecosystem/actors"

    package static let needs = "/admin/ecosystem/needs"
    package static let newNeed = "/admin/ecosystem/needs/new"
    /// The form started from a procedure (the catalogue's procedure pages link here).
    package static let newNeedForPattern = "/admin/ecosystem/needs/new/:procedure"
    package static let needPattern = "/admin/ecosystem/needs/:id"
    package static let needDecisionsPattern = "/admin/ecosystem/needs/:id/decisions"
    package static func need(_ id: String) -> String { "/admin/ecosystem/needs/\(id)" }
    package static func needDecisions(_ id: String) -> String { "/admin/ecosystem/needs/\(id)/decisions" }

    package static let surveys = "/ecosystem/surveys"
    package static let surveyPattern = "/ecosystem/surveys/:id"
    package static let surveyCSVPattern = "/ecosystem/surveys/:id/aggregates.csv"
    package static func survey(_ id: String) -> String { "/ecosystem/surveys/\(id)" }
    package static func surveyCSV(_ id: String) -> String { "/ecosystem/surveys/\(id)/aggregates.csv" }

    package static let home = "/ecosystem"
    package static let importPlan = "/admin/ecosystem/learning-plans/import"

    package static let priorities = "/admin/ecosystem/priorities"
    package static let prioritiesCSV = "/admin/ecosystem/priorities.csv"

    package static let apiSolutions = "/api/v1/ecosystem/solutions"
    package static let apiSolutionPattern = "/api/v1/ecosystem/solutions/:id"
    package static func apiSolution(_ id: String) -> String { "/api/v1/ecosystem/solutions/\(id)" }
}

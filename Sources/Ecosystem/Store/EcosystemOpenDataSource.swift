// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore

/// The ecosystem's public lists for the open data (`EcosystemOpenData`): solutions, organisations (without their
/// contact) and the learning plans' metadata (not their text).
struct EcosystemOpenDataSource: EcosystemOpenData {
    let solutionRepository: SolutionRepository
    let actorRepository: ActorRepository
    let plans: LearningPlanRepository

    func solutions() async throws -> [OpenSolution] {
        try await solutionRepository.list(.init(), limit: 100_000).map { solution in
            OpenSolution(
                id: solution.id, name: solution.name, descriptionFr: solution.descriptionFr, countries: solution.countries,
                thematicAreas: solution.thematicAreas, sdgs: solution.sdgs, maturity: solution.maturity?.rawValue,
                channels: solution.channels.map(\.rawValue), openSource: solution.openSource, digitalPublicGood: solution.digitalPublicGood,
                procedures: solution.procedures, year: solution.year)
        }
    }

    func actors() async throws -> [OpenActor] {
        try await actorRepository.all().map { actor in
            OpenActor(
                id: actor.id, name: actor.name, acronym: actor.acronym, kind: actor.kind.rawValue, country: actor.country, sectors: actor.sectors,
                website: actor.website)
        }
    }

    func learningPlans() async throws -> [OpenLearningPlan] {
        var list: [OpenLearningPlan] = []
        for summary in try await plans.list(.init(), limit: 100_000) {
            guard let plan = try await plans.plan(id: summary.id) else { continue }
            list.append(
                OpenLearningPlan(
                    id: summary.id, title: plan.title, country: plan.country, year: plan.year, sdgs: plan.sdgs.map(\.number),
                    thematicAreas: plan.thematicAreas, methods: plan.methods))
        }
        return list
    }
}

extension EcosystemModule {
    /// The ecosystem's public lists, for the open data.
    package var openData: any EcosystemOpenData { EcosystemOpenDataSource(solutionRepository: solutions, actorRepository: actors, plans: plans) }
}

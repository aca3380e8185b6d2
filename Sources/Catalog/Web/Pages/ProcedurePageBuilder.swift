// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore

/// Builds a procedure's page, public or previewed by its editor, with what other features offer about it.
struct ProcedurePageBuilder: Sendable {
    let repository: CatalogRepository
    let reference: ReferenceData
    /// What other features offer a person about a procedure (the page renders their links, knowing none of their paths).
    let actionSources: [any ProcedureActionSource]

    /// `near`: where the person said they are (places nearest first); `allPlaces`: every place, not the first few.
    func page(_ procedure: Procedure, format f: CatalogFormatter, near: String? = nil, allPlaces: Bool = false) async throws -> ProcedurePage {
        let snapshot = try await reference.current(repository)
        let totals = ProcedureTotals(procedure: procedure)
        let unknown = f.page.t("unknown")
        let cost = f.totalCost(totals)
        let time = f.totalTime(totals)
        let subject = ProcedureSubject(
            id: procedure.id, country: procedure.country,
            institutions: Array(Set([procedure.institution] + procedure.blocks.flatMap(\.steps).compactMap(\.institution))).sorted(),
            language: f.page.language, cost: cost == unknown ? nil : cost, time: time == unknown ? nil : time, near: near, allPlaces: allPlaces)
        var actions: [ProcedureAction] = []
        for source in actionSources { actions += try await source.actions(for: subject) }
        return ProcedurePage(
            procedure: procedure, institutions: snapshot.institutions, categories: snapshot.categoriesById, countries: snapshot.countriesByCode,
            actions: actions, totals: totals, format: f, near: near, allPlaces: allPlaces)
    }
}

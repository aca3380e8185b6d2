import Foundation
import GuichetCore

/// Builds a procedure's page, public or previewed by its editor, with what other features offer about it.
struct ProcedurePageBuilder: Sendable {
    let repository: CatalogRepository
    let reference: ReferenceData
    /// What other features offer a person about a procedure (the page renders their links, knowing none of their paths).
    let actionSources: [any ProcedureActionSource]

    func page(_ procedure: Procedure, format f: CatalogFormatter) async throws -> ProcedurePage {
        let snapshot = try await reference.current(repository)
        let subject = ProcedureSubject(
            id: procedure.id, country: procedure.country,
            institutions: Array(Set([procedure.institution] + procedure.blocks.flatMap(\.steps).compactMap(\.institution))).sorted())
        var actions: [ProcedureAction] = []
        for source in actionSources { actions += try await source.actions(for: subject) }
        return ProcedurePage(
            procedure: procedure, institutions: snapshot.institutions, categories: snapshot.categoriesById, countries: snapshot.countriesByCode,
            actions: actions, format: f)
    }
}

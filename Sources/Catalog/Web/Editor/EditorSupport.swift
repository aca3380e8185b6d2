// SPDX-License-Identifier: MPL-2.0
import Audit
import Foundation
import GuichetCore
import Hummingbird

/// What the back office's controllers share: the services `CatalogModule` built, and the rules of who may edit what.
struct EditorSupport: Sendable {
    let renderer: Renderer
    let repository: CatalogRepository
    let editor: ProcedureEditor
    let reference: ReferenceData

    /// The editor's words (`editor.…`) in the request's language. Back-office links carry no language.
    func page(_ context: AppRequestContext) -> PageContext {
        PageContext(language: context.language, localizer: renderer.localizer, keys: "editor")
    }

    func origin(_ principal: Principal, _ context: AppRequestContext) -> ActionOrigin {
        ActionOrigin(actor: principal.actor, requestId: context.requestId, address: context.clientAddress)
    }

    func editorPrincipal(_ context: AppRequestContext) throws -> Principal { try context.require(.catalogEditor) }

    /// The working copy of a procedure the principal may edit: 404 if unknown, 403 if another institution's.
    func working(_ context: AppRequestContext, principal: Principal) async throws -> ProcedureEditor.Working {
        let id = try context.pathValue("id")
        guard let working = try await editor.working(id) else { throw AppError.notFound("procedure_not_found") }
        let published = try await editor.published(id)
        guard principal.actsFor(institution: working.procedure.institution), published.map({ principal.actsFor(institution: $0.institution) }) ?? true
        else { throw AppError(.forbidden, code: "forbidden") }
        return working
    }

    /// The draft revision the form was read at.
    func revision(_ context: AppRequestContext) throws -> Int {
        guard let value = context.postForm["revision"], let revision = InputParser.natural(value, max: EditorAPIController.maxRevision) else {
            throw AppError.badParameter("revision")
        }
        return revision
    }

    func institutionsById() async throws -> [String: Institution] { try await reference.current(repository).institutions }

    /// The institutions of `country` the principal acts for, by id.
    func scopeInstitutions(_ principal: Principal, country: String) async throws -> [(String, Institution)] {
        try await institutionsById().filter { $0.value.country == country && principal.actsFor(institution: $0.key) }.sorted { $0.key < $1.key }
    }

    func conflictMessage(_ conflict: DraftConflict, _ page: PageContext) -> String {
        page.t("conflict", ["revision": "\(conflict.currentRevision)"])
    }

    func formReader(_ context: AppRequestContext) -> FormReader {
        FormReader(form: context.postForm, localizer: renderer.localizer, language: context.language)
    }

    /// Whether `text` (folded) contains the folded query; an empty query matches everything.
    static func matches(_ folded: String, _ text: String) -> Bool {
        folded.isEmpty || TextFolding.words(text).joined(separator: " ").contains(folded)
    }
}

// SPDX-License-Identifier: MPL-2.0
import Audit
import Foundation
import GuichetCore
import HTTPTypes
import Hummingbird

/// The JSON API's catalogue writes, for machine clients holding an API token of a catalogue editor (or an
/// administrator): read, replace and drop a procedure's draft, and publish it. Each write names the draft revision it
/// builds on in `If-Match` (0, or no header, for a new draft); a stale one is a 409, and a retry of a write that
/// already went through (same content) answers as the first one did instead of failing.
package struct EditorAPIController: Sendable {
    let repository: CatalogRepository
    let editor: ProcedureEditor
    var maxBody = 1 << 20

    static let draft = CatalogRoute.apiDraft
    static let publish = CatalogRoute.apiPublish

    package static var routes: [(method: String, path: String)] {
        [("GET", draft.openAPIPath), ("PUT", draft.openAPIPath), ("DELETE", draft.openAPIPath), ("POST", publish.openAPIPath)]
    }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(Self.draft) { request, context in try await getDraft(request, context: context) }
        router.put(Self.draft) { request, context in try await putDraft(request, context: context) }
        router.delete(Self.draft) { request, context in try await deleteDraft(request, context: context) }
        router.post(Self.publish) { request, context in try await publish(request, context: context) }
    }

    struct DraftDTO: Encodable {
        let id: String
        let revision: Int
        let hasDraft: Bool
        let procedure: Procedure
    }

    struct PublishedDTO: Encodable {
        let id: String
        let version: Int
    }

    func origin(_ principal: Principal, _ context: AppRequestContext) -> ActionOrigin {
        ActionOrigin(actor: principal.actor, requestId: context.requestId, address: context.clientAddress)
    }

    /// The caller may edit this procedure: its published version and its draft belong to the caller's institutions.
    func check(_ id: String, principal: Principal) async throws -> ProcedureEditor.Working? {
        let working = try await editor.working(id)
        if let working, !principal.actsFor(institution: working.procedure.institution) { throw AppError(.forbidden, code: "forbidden") }
        if let published = try await editor.published(id), !principal.actsFor(institution: published.institution) {
            throw AppError(.forbidden, code: "forbidden")
        }
        return working
    }

    /// A draft is saved far fewer times than this; a larger `If-Match` is a wrong header, not a revision.
    static let maxRevision = 1_000_000_000

    func expectedRevision(_ request: Request) throws -> Int {
        guard let header = request.headers[.ifMatch] else { return 0 }
        let value = header.trimmingCharacters(in: CharacterSet(charactersIn: "\" W/"))
        guard let revision = InputParser.natural(value, max: Self.maxRevision) else { throw AppError.badParameter("If-Match", value: header) }
        return revision
    }

    func getDraft(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.catalogEditor)
        let id = try context.pathValue("id")
        guard let working = try await check(id, principal: principal) else { throw AppError.notFound("procedure_not_found") }
        var response = try JSONResponse.make(DraftDTO(id: id, revision: working.revision, hasDraft: working.hasDraft, procedure: working.procedure))
        response.headers[.eTag] = "\"\(working.revision)\""
        response.headers[.cacheControl] = "no-store"
        return response
    }

    func putDraft(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.catalogEditor)
        let id = try context.pathValue("id")
        let expected = try expectedRevision(request)
        let procedure = try await request.decodeJSON(Procedure.self, upTo: maxBody)
        guard procedure.id == id else { throw AppError.validation(field: "id", code: "id_mismatch") }
        var validator = CatalogValidator(
            knownCountries: Set(try await repository.countries().map(\.code)), knownCategories: Set(try await repository.categories().map(\.id)),
            knownInstitutions: Set(try await repository.allInstitutions().keys))
        if let issue = validator.validate(procedure: procedure).first {
            throw AppError(
                .unprocessableContent, code: "invalid_procedure", field: issue.path, arguments: ["field": issue.path, "problem": issue.message])
        }
        guard principal.actsFor(institution: procedure.institution) else { throw AppError(.forbidden, code: "forbidden") }
        let working = try await check(id, principal: principal)
        let institutions = try await repository.allInstitutions()
        guard let institution = institutions[procedure.institution], institution.country == procedure.country else {
            throw AppError.validation(field: "institution", code: "unknown_institution")
        }
        do {
            let revision = try await editor.save(
                procedure, expectedRevision: expected, origin: origin(principal, context), summary: "draft replaced through the API")
            var response = try JSONResponse.make(
                DraftDTO(id: id, revision: revision, hasDraft: true, procedure: procedure), status: expected == 0 ? .created : .ok)
            response.headers[.eTag] = "\"\(revision)\""
            return response
        } catch let conflict as DraftConflict {
            // A retry of a save that went through: the draft already holds exactly this content.
            if let current = try await editor.working(id), current.hasDraft, current.procedure == procedure,
                current.revision == expected + 1 || working == nil
            {
                var response = try JSONResponse.make(DraftDTO(id: id, revision: current.revision, hasDraft: true, procedure: procedure))
                response.headers[.eTag] = "\"\(current.revision)\""
                return response
            }
            throw AppError(.conflict, code: "draft_conflict", arguments: ["revision": "\(conflict.currentRevision)"])
        }
    }

    func deleteDraft(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.catalogEditor)
        let id = try context.pathValue("id")
        guard let working = try await check(id, principal: principal), working.hasDraft else { throw AppError.notFound() }
        do {
            try await editor.discard(id, expectedRevision: try expectedRevision(request), origin: origin(principal, context))
        } catch let conflict as DraftConflict {
            throw AppError(.conflict, code: "draft_conflict", arguments: ["revision": "\(conflict.currentRevision)"])
        }
        return Response(status: .noContent)
    }

    func publish(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.catalogEditor)
        let id = try context.pathValue("id")
        let expected = try expectedRevision(request)
        guard let working = try await check(id, principal: principal) else { throw AppError.notFound("procedure_not_found") }
        guard working.hasDraft else {
            // Publishing twice: the first call took the draft; say what is public now.
            if expected > 0, let published = try await editor.published(id) {
                return try JSONResponse.make(PublishedDTO(id: id, version: published.version))
            }
            throw AppError.conflict("editor_no_draft")
        }
        do {
            let version = try await editor.publish(id, expectedRevision: expected, origin: origin(principal, context))
            return try JSONResponse.make(PublishedDTO(id: id, version: version))
        } catch let conflict as DraftConflict {
            throw AppError(.conflict, code: "draft_conflict", arguments: ["revision": "\(conflict.currentRevision)"])
        } catch let invalid as CatalogValidationError {
            throw AppError(.unprocessableContent, code: "invalid_procedure", detail: invalid.description)
        }
    }
}

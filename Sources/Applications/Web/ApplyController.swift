// SPDX-License-Identifier: MPL-2.0
import Audit
import Catalog
import Foundation
import GuichetCore
import Hummingbird

/// Applying without JavaScript: start page → question pages → check your answers → declaration → confirmation with
/// the reference and tracking PIN. The draft lives on the server, tied to the browser by the `guichet_apply` cookie (or,
/// when an agent files for someone at a centre, to the agent), so a dropped connection resumes where it stopped.
package struct ApplyController: Sendable {
    package static let cookieName = "guichet_apply"
    /// `__Host-guichet_apply` over HTTPS: no subdomain can set the cookie that ties a draft to its browser.
    var draftCookie: String { secureCookies ? "__Host-" + Self.cookieName : Self.cookieName }
    let store: ApplicationStore
    let forms: FormStore
    let drafts: Drafts
    let submissions: Submissions
    let keys: ApplicationKeys
    let catalog: CatalogRepository
    let renderer: Renderer
    let secureCookies: Bool
    let fees: any FeeLedger

    init(module: ApplicationsModule) {
        store = module.store
        forms = module.forms
        drafts = module.drafts
        submissions = module.submissions
        keys = module.keys
        catalog = module.catalog
        renderer = module.renderer
        secureCookies = module.settings.secureCookies
        fees = module.fees
    }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(ApplicationsRoute.apply, use: start)
        router.post(ApplicationsRoute.apply, use: begin)
        router.get(ApplicationsRoute.page, use: page)
        router.post(ApplicationsRoute.page, use: savePage)
        router.get(ApplicationsRoute.check, use: check)
        router.get(ApplicationsRoute.declaration, use: declaration)
        router.post(ApplicationsRoute.declaration, use: submit)
        router.get(ApplicationsRoute.confirmation, use: confirmation)
    }

    func origin(_ context: AppRequestContext, _ record: ApplicationRecord? = nil) -> ActionOrigin {
        let actor = context.principal?.actor ?? (record?.reference.map { "applicant:\($0)" } ?? "applicant")
        return ActionOrigin(actor: actor, requestId: context.requestId, address: context.clientAddress, language: context.language.rawValue)
    }

    func procedure(_ id: String) async throws -> Procedure {
        guard let procedure = try await catalog.procedures(ids: [id]).first else {
            throw AppError.notFound("procedure_not_found")
        }
        return procedure
    }

    // MARK: Start

    struct StartPage {
        let title: String
        let summary: String?
        let action: String
        let documents: [String]
        let pages: [String]
        let resume: String?
        let assisted: Bool
        let ticket: String?
        let procedureHref: String
        let days: String?
        let trackHref: String
        let fees: FeesView?
    }

    @Sendable func start(_ request: Request, context: AppRequestContext) async throws -> Response {
        let v = PageContext(applications: context, renderer.localizer)
        let procedure = try await procedure(try context.applicationsId())
        guard let form = try await forms.current(procedure: procedure.id) else { throw AppError.notFound("form_not_found") }
        var resume: String?
        if let token = request.cookies[draftCookie]?.value,
            let draft = try await store.draft(procedure: procedure.id, ownerHash: ApplicationKeys.ownerHash(token))
        {
            resume = v.link(ApplicationsRoute.page.path(draft.id, firstPage(form.definition, draft)?.key ?? form.definition.pages[0].key))
        }
        let assisted = context.principal.map { $0.role == .centreAgent || $0.isAdministrator } ?? false
        let days = ProcedureTotals(procedure: procedure).days.map { $0.min == $0.max ? "\($0.max)" : "\($0.min)–\($0.max)" }
        let page = StartPage(
            title: v.text(procedure.title), summary: procedure.summary.map { v.text($0) }, action: v.link(ApplicationsRoute.apply.path(procedure.id)),
            documents: form.definition.fields.filter { $0.kind == .file }.map { v.text($0.label) + ($0.isRequired ? "" : " (\(v.t("optional")))") },
            pages: form.definition.pages.map { v.text($0.title) }, resume: resume, assisted: assisted,
            ticket: request.uri.queryParameters.get("ticket").flatMap { $0.count <= 64 ? $0 : nil },
            procedureHref: v.link(CatalogRoute.procedure, procedure.id),
            days: days, trackHref: v.link(ApplicationsRoute.track.path()),
            fees: v.fees(announced: FeeRules.announced(form.definition, procedure: procedure)))
        return try renderer.page(
            "applications-start", title: v.t("start.title", ["procedure": v.text(procedure.title)]), page: page, request: request, context: context)
    }

    /// Creates the draft and goes to its first page. An agent at a centre files for the person (assisted channel).
    @Sendable func begin(_ request: Request, context: AppRequestContext) async throws -> Response {
        let v = PageContext(applications: context, renderer.localizer)
        let procedure = try await procedure(try context.applicationsId())
        guard let form = try await forms.current(procedure: procedure.id) else { throw AppError.notFound("form_not_found") }
        var response: Response
        if context.postForm["assisted"] == "1" {
            let principal = try context.require(.centreAgent)
            let ticket = context.postForm["ticket"].flatMap { $0.isEmpty || $0.count > 64 ? nil : $0 }
            let record = try await drafts.start(
                procedure: procedure, form: form,
                filing: .init(channel: .assisted, filedBy: principal.actor, centreId: principal.centres.first, ticketId: ticket),
                origin: origin(context))
            return Response.redirect(to: v.link(ApplicationsRoute.page.path(record.id, form.definition.pages[0].key)))
        }
        let token = (request.cookies[draftCookie]?.value).flatMap { $0.count == 43 ? $0 : nil } ?? CSRFMiddleware.newToken()
        let hash = ApplicationKeys.ownerHash(token)
        // One draft per browser and procedure: pressing "start" again resumes it.
        let record: ApplicationRecord
        if let draft = try await store.draft(procedure: procedure.id, ownerHash: hash) {
            record = draft
        } else {
            record = try await drafts.start(
                procedure: procedure, form: form, filing: .init(channel: .online, ownerHash: hash), origin: origin(context))
        }
        response = Response.redirect(
            to: v.link(ApplicationsRoute.page.path(record.id, firstPage(form.definition, record)?.key ?? form.definition.pages[0].key)))
        setOwnerCookie(token, on: &response)
        return response
    }

    func setOwnerCookie(_ token: String, on response: inout Response) {
        response.setCookie(
            Cookie(name: draftCookie, value: token, maxAge: 30 * 86_400, path: "/", secure: secureCookies, httpOnly: true, sameSite: .lax))
    }

    // MARK: Ownership and navigation

    /// The application, if this browser (or this agent) owns it; otherwise a 404, which says nothing about whether it exists.
    func owned(_ request: Request, _ context: AppRequestContext) async throws -> ApplicationRecord {
        guard let record = try await store.application(id: try context.applicationsId()) else { throw AppError.notFound("application_not_found") }
        if let hash = record.ownerHash, let token = request.cookies[draftCookie]?.value,
            CSRFMiddleware.constantTimeEqual(ApplicationKeys.ownerHash(token), hash)
        {
            return record
        }
        if let principal = context.principal, let filedBy = record.filedBy, principal.actor == filedBy { return record }
        throw AppError.notFound("application_not_found")
    }

    func firstPage(_ definition: FormDefinition, _ record: ApplicationRecord) -> FormPage? { ApplicationRules.pages(definition, record).first }

    func form(_ record: ApplicationRecord) async throws -> StoredForm {
        guard let form = try await forms.form(id: record.formId) else { throw AppError.notFound("form_not_found") }
        return form
    }

    // MARK: Question pages

    struct QuestionPage {
        let procedure: String
        let heading: String
        let progress: String
        let action: String
        let multipart: Bool
        let fields: [FieldView]
        let hasErrors: Bool
        let summary: [SummaryError]
        let back: String?
        let returnTo: String?
        let correction: String?
    }

    struct SummaryError {
        let field: String
        let message: String
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let record = try await owned(request, context)
        if !record.isOpenToApplicant {
            return Response.redirect(to: PageContext(applications: context, renderer.localizer).link(ApplicationsRoute.confirmation.path(record.id)))
        }
        return try await renderPage(request, context, record: record, input: nil, errors: [], status: .ok)
    }

    func renderPage(
        _ request: Request, _ context: AppRequestContext, record: ApplicationRecord, input: [String: String]?, errors: [AnswerError],
        status: HTTPResponse.Status
    ) async throws -> Response {
        let v = PageContext(applications: context, renderer.localizer)
        let form = try await form(record)
        let pageKey = try context.applicationsId("page")
        let pages = ApplicationRules.pages(form.definition, record)
        guard let index = pages.firstIndex(where: { $0.key == pageKey }) else { throw AppError.notFound() }
        let page = pages[index]
        let files = try await store.files(record.id)
        let procedure = try await procedure(record.procedureId)
        let returnTo = (request.uri.queryParameters.get("return") ?? context.postForm["return"]) == "check" ? "check" : nil
        let fields = page.fields.filter { field in
            record.isEditable(field.key)
                && (AnswerValidator.isShown(field, answers: input ?? record.answers) || page.fields.contains { $0.key == field.showIf?.field })
        }
        let views = fields.map { field in
            v.field(
                field, definition: form.definition, value: input?[field.key] ?? record.answers[field.key],
                error: errors.first { $0.field == field.key },
                file: files.first { $0.field == field.key }, maxFileBytes: drafts.maxFileBytes)
        }
        let back =
            index > 0
            ? v.link(ApplicationsRoute.page.path(record.id, pages[index - 1].key)) : v.link(ApplicationsRoute.apply.path(record.procedureId))
        let model = QuestionPage(
            procedure: v.text(procedure.title), heading: v.text(page.title),
            progress: v.t("progress", ["current": "\(index + 1)", "total": "\(pages.count)"]),
            action: v.link(ApplicationsRoute.page.path(record.id, page.key)), multipart: page.hasFiles, fields: views, hasErrors: !errors.isEmpty,
            summary: errors.map { error in SummaryError(field: error.field, message: v.message(error, field: form.definition.field(error.field))) },
            back: back, returnTo: returnTo, correction: record.requested.map { $0.note })
        let title = (errors.isEmpty ? "" : v.t("error_prefix") + " ") + v.text(page.title)
        var response = try renderer.page("applications-page", title: title, page: model, request: request, context: context, status: status)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func savePage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let v = PageContext(applications: context, renderer.localizer)
        let record = try await owned(request, context)
        guard record.isOpenToApplicant else {
            return Response.redirect(to: v.link(ApplicationsRoute.confirmation.path(record.id)))
        }
        let form = try await form(record)
        let pages = ApplicationRules.pages(form.definition, record)
        let pageKey = try context.pathValue("page")
        guard let index = pages.firstIndex(where: { $0.key == pageKey }) else { throw AppError.notFound() }
        let page = pages[index]
        var input: [String: String] = [:]
        for field in page.fields where field.kind != .file { input[field.key] = context.postForm[field.key] ?? "" }
        var errors: [AnswerError] = []
        // Files first: each one is checked and stored on its own, so a good file is kept even if another is refused.
        for field in page.fields where field.kind == .file && record.isEditable(field.key) {
            guard let part = context.multipart?.file(field.key) else { continue }
            do {
                try await drafts.attach(record, field: field, filename: part.filename, bytes: part.data, origin: origin(context, record))
            } catch let error as AppError where error.field == field.key {
                errors.append(AnswerError(field: field.key, reason: error.code, arguments: error.arguments))
            }
        }
        var current = try await store.application(id: record.id) ?? record
        let result = try await drafts.saveAnswers(current, page: page, input: input, origin: origin(context, record))
        errors += result.errors
        let attached = Set(try await store.files(record.id).map(\.field))
        for field in page.fields
        where field.kind == .file && field.isRequired && record.isEditable(field.key)
            && AnswerValidator.isShown(field, answers: result.answers) && !attached.contains(field.key)
            && !errors.contains(where: { $0.field == field.key })
        {
            errors.append(AnswerError(field: field.key, reason: "file_required"))
        }
        if !errors.isEmpty {
            // Keep the person's own input in the form, in the order of the page.
            errors.sort { a, b in
                (page.fields.firstIndex { $0.key == a.field } ?? 0) < (page.fields.firstIndex { $0.key == b.field } ?? 0)
            }
            return try await renderPage(request, context, record: current, input: input, errors: errors, status: .unprocessableContent)
        }
        current = try await store.application(id: record.id) ?? current
        if context.postForm["return"] == "check" { return Response.redirect(to: v.link(ApplicationsRoute.check.path(record.id))) }
        let nextPages = ApplicationRules.pages(form.definition, current)
        if let position = nextPages.firstIndex(where: { $0.key == page.key }), position + 1 < nextPages.count {
            return Response.redirect(to: v.link(ApplicationsRoute.page.path(record.id, nextPages[position + 1].key)))
        }
        return Response.redirect(to: v.link(ApplicationsRoute.check.path(record.id)))
    }
}

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
    let service: ApplicationService
    let renderer: Renderer
    let secureCookies: Bool

    package init(service: ApplicationService, renderer: Renderer, secureCookies: Bool) {
        self.service = service
        self.renderer = renderer
        self.secureCookies = secureCookies
    }

    var store: ApplicationStore { service.store }

    package func addRoutes(to router: Router<AppRequestContext>) {
        router.get(RouterPath(ApplicationsPaths.applyPattern), use: start)
        router.post(RouterPath(ApplicationsPaths.applyPattern), use: begin)
        router.get(RouterPath(ApplicationsPaths.pagePattern), use: page)
        router.post(RouterPath(ApplicationsPaths.pagePattern), use: savePage)
        router.get(RouterPath(ApplicationsPaths.checkPattern), use: check)
        router.get(RouterPath(ApplicationsPaths.declarationPattern), use: declaration)
        router.post(RouterPath(ApplicationsPaths.declarationPattern), use: submit)
        router.get(RouterPath(ApplicationsPaths.confirmationPattern), use: confirmation)
    }

    func origin(_ context: AppRequestContext, _ record: ApplicationRecord? = nil) -> ActionOrigin {
        let actor = context.principal?.actor ?? (record?.reference.map { "applicant:\($0)" } ?? "applicant")
        return ActionOrigin(actor: actor, requestId: context.requestId, address: context.clientAddress)
    }

    func procedure(_ id: String) async throws -> Procedure {
        guard let procedure = try await CatalogRepository(database: service.database.db).procedures(ids: [id]).first else {
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
    }

    @Sendable func start(_ request: Request, context: AppRequestContext) async throws -> Response {
        let v = ApplyView(context, renderer.localizer)
        let procedure = try await procedure(try ApplyView.id(context))
        guard let form = try await service.forms.current(procedure: procedure.id) else { throw AppError.notFound("form_not_found") }
        var resume: String?
        if let token = request.cookies[draftCookie]?.value, let draft = try await store.draft(procedure: procedure.id, ownerHash: ApplicationKeys.ownerHash(token)) {
            resume = v.link(ApplicationsPaths.page(draft.id, firstPage(form.definition, draft)?.key ?? form.definition.pages[0].key))
        }
        let assisted = context.principal.map { $0.role == .centreAgent || $0.isAdministrator } ?? false
        let days = ProcedureTotals(procedure: procedure).days.map { $0.min == $0.max ? "\($0.max)" : "\($0.min)–\($0.max)" }
        let page = StartPage(
            title: v.text(procedure.title), summary: procedure.summary.map { v.text($0) }, action: v.link(ApplicationsPaths.apply(procedure.id)),
            documents: form.definition.fields.filter { $0.kind == .file }.map { v.text($0.label) + ($0.isRequired ? "" : " (\(v.t("optional")))") },
            pages: form.definition.pages.map { v.text($0.title) }, resume: resume, assisted: assisted,
            ticket: request.uri.queryParameters.get("ticket").flatMap { $0.count <= 64 ? $0 : nil }, procedureHref: v.link(CatalogPaths.procedure(procedure.id)),
            days: days, trackHref: v.link(ApplicationsPaths.track))
        return try renderer.page(
            "applications-start", title: v.t("start.title", ["procedure": v.text(procedure.title)]), page: page, request: request, context: context)
    }

    /// Creates the draft and goes to its first page. An agent at a centre files for the person (assisted channel).
    @Sendable func begin(_ request: Request, context: AppRequestContext) async throws -> Response {
        let v = ApplyView(context, renderer.localizer)
        let procedure = try await procedure(try ApplyView.id(context))
        guard let form = try await service.forms.current(procedure: procedure.id) else { throw AppError.notFound("form_not_found") }
        var response: Response
        if context.postForm["assisted"] == "1" {
            let principal = try context.require(.centreAgent)
            let ticket = context.postForm["ticket"].flatMap { $0.isEmpty || $0.count > 64 ? nil : $0 }
            let record = try await service.start(
                procedure: procedure, form: form,
                filing: .init(channel: .assisted, filedBy: principal.actor, centreId: principal.centres.first, ticketId: ticket), origin: origin(context))
            return ApplyView.redirect(v.link(ApplicationsPaths.page(record.id, form.definition.pages[0].key)))
        }
        let token = (request.cookies[draftCookie]?.value).flatMap { $0.count == 43 ? $0 : nil } ?? CSRFMiddleware.newToken()
        let hash = ApplicationKeys.ownerHash(token)
        // One draft per browser and procedure: pressing "start" again resumes it.
        let record: ApplicationRecord
        if let draft = try await store.draft(procedure: procedure.id, ownerHash: hash) {
            record = draft
        } else {
            record = try await service.start(procedure: procedure, form: form, filing: .init(channel: .online, ownerHash: hash), origin: origin(context))
        }
        response = ApplyView.redirect(v.link(ApplicationsPaths.page(record.id, firstPage(form.definition, record)?.key ?? form.definition.pages[0].key)))
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
        guard let record = try await store.application(id: try ApplyView.id(context)) else { throw AppError.notFound("application_not_found") }
        if let hash = record.ownerHash, let token = request.cookies[draftCookie]?.value,
            CSRFMiddleware.constantTimeEqual(ApplicationKeys.ownerHash(token), hash)
        {
            return record
        }
        if let principal = context.principal, let filedBy = record.filedBy, principal.actor == filedBy { return record }
        throw AppError.notFound("application_not_found")
    }

    /// Pages the person goes through: those with a field shown given the answers, and, when the agent asked for
    /// changes, only those holding a field to fix.
    static func pages(_ definition: FormDefinition, _ record: ApplicationRecord) -> [FormPage] {
        definition.pages.filter { page in
            page.fields.contains { field in
                AnswerValidator.isShown(field, answers: record.answers) || field.showIf.map { condition in page.fields.contains { $0.key == condition.field } } == true
            } && (record.status != .actionRequired || page.fields.contains { ApplicationService.editable($0.key, in: record) })
        }
    }

    func firstPage(_ definition: FormDefinition, _ record: ApplicationRecord) -> FormPage? { Self.pages(definition, record).first }

    func form(_ record: ApplicationRecord) async throws -> StoredForm {
        guard let form = try await service.forms.form(id: record.formId) else { throw AppError.notFound("form_not_found") }
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
        if record.status != .draft && record.status != .actionRequired {
            return ApplyView.redirect(ApplyView(context, renderer.localizer).link(ApplicationsPaths.confirmation(record.id)))
        }
        return try await renderPage(request, context, record: record, input: nil, errors: [], status: .ok)
    }

    func renderPage(
        _ request: Request, _ context: AppRequestContext, record: ApplicationRecord, input: [String: String]?, errors: [AnswerError],
        status: HTTPResponse.Status
    ) async throws -> Response {
        let v = ApplyView(context, renderer.localizer)
        let form = try await form(record)
        let pageKey = try ApplyView.id(context, "page")
        let pages = Self.pages(form.definition, record)
        guard let index = pages.firstIndex(where: { $0.key == pageKey }) else { throw AppError.notFound() }
        let page = pages[index]
        let files = try await store.files(record.id)
        let procedure = try await procedure(record.procedureId)
        let returnTo = (request.uri.queryParameters.get("return") ?? context.postForm["return"]) == "check" ? "check" : nil
        let fields = page.fields.filter { field in
            ApplicationService.editable(field.key, in: record)
                && (AnswerValidator.isShown(field, answers: input ?? record.answers) || page.fields.contains { $0.key == field.showIf?.field })
        }
        let views = fields.map { field in
            v.field(
                field, definition: form.definition, value: input?[field.key] ?? record.answers[field.key], error: errors.first { $0.field == field.key },
                file: files.first { $0.field == field.key }, maxFileBytes: service.maxFileBytes)
        }
        let back = index > 0 ? v.link(ApplicationsPaths.page(record.id, pages[index - 1].key)) : v.link(ApplicationsPaths.apply(record.procedureId))
        let model = QuestionPage(
            procedure: v.text(procedure.title), heading: v.text(page.title),
            progress: v.t("progress", ["current": "\(index + 1)", "total": "\(pages.count)"]),
            action: v.link(ApplicationsPaths.page(record.id, page.key)), multipart: page.hasFiles, fields: views, hasErrors: !errors.isEmpty,
            summary: errors.map { error in SummaryError(field: error.field, message: v.message(error, field: form.definition.field(error.field))) },
            back: back, returnTo: returnTo, correction: record.requested.map { $0.note })
        let title = (errors.isEmpty ? "" : v.t("error_prefix") + " ") + v.text(page.title)
        var response = try renderer.page("applications-page", title: title, page: model, request: request, context: context, status: status)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func savePage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let v = ApplyView(context, renderer.localizer)
        let record = try await owned(request, context)
        guard record.status == .draft || record.status == .actionRequired else {
            return ApplyView.redirect(v.link(ApplicationsPaths.confirmation(record.id)))
        }
        let form = try await form(record)
        let pages = Self.pages(form.definition, record)
        guard let index = pages.firstIndex(where: { $0.key == context.parameters.get("page") }) else { throw AppError.notFound() }
        let page = pages[index]
        var input: [String: String] = [:]
        for field in page.fields where field.kind != .file { input[field.key] = context.postForm[field.key] ?? "" }
        var errors: [AnswerError] = []
        // Files first: each one is checked and stored on its own, so a good file is kept even if another is refused.
        for field in page.fields where field.kind == .file && ApplicationService.editable(field.key, in: record) {
            guard let part = context.multipart?.file(field.key) else { continue }
            do {
                try await service.attach(record, field: field, filename: part.filename, bytes: part.data, origin: origin(context, record))
            } catch let error as AppError where error.field == field.key {
                errors.append(AnswerError(field: field.key, reason: error.code, arguments: error.arguments))
            }
        }
        var current = try await store.application(id: record.id) ?? record
        let result = try await service.saveAnswers(current, page: page, input: input, origin: origin(context, record))
        errors += result.errors
        let attached = Set(try await store.files(record.id).map(\.field))
        for field in page.fields where field.kind == .file && field.isRequired && ApplicationService.editable(field.key, in: record)
            && AnswerValidator.isShown(field, answers: result.answers) && !attached.contains(field.key) && !errors.contains(where: { $0.field == field.key })
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
        if context.postForm["return"] == "check" { return ApplyView.redirect(v.link(ApplicationsPaths.check(record.id))) }
        let nextPages = Self.pages(form.definition, current)
        if let position = nextPages.firstIndex(where: { $0.key == page.key }), position + 1 < nextPages.count {
            return ApplyView.redirect(v.link(ApplicationsPaths.page(record.id, nextPages[position + 1].key)))
        }
        return ApplyView.redirect(v.link(ApplicationsPaths.check(record.id)))
    }

    // MARK: Check, declaration, confirmation

    struct CheckRow {
        let label: String
        let answer: String
        let change: String?
        let missing: Bool
    }

    struct CheckSection {
        let title: String
        let rows: [CheckRow]
    }

    struct CheckPage {
        let procedure: String
        let sections: [CheckSection]
        let incomplete: Bool
        let proceed: String
        let stale: Bool
    }

    @Sendable func check(_ request: Request, context: AppRequestContext) async throws -> Response {
        let record = try await owned(request, context)
        return try await renderCheck(request, context, record: record, stale: false, status: .ok)
    }

    func renderCheck(_ request: Request, _ context: AppRequestContext, record: ApplicationRecord, stale: Bool, status: HTTPResponse.Status) async throws -> Response {
        let v = ApplyView(context, renderer.localizer)
        if record.status != .draft && record.status != .actionRequired { return ApplyView.redirect(v.link(ApplicationsPaths.confirmation(record.id))) }
        let form = try await form(record)
        let files = try await store.files(record.id)
        let missing = Set(AnswerValidator.missing(form.definition, answers: record.answers, files: Set(files.map(\.field))))
        let procedure = try await procedure(record.procedureId)
        let sections = form.definition.pages.compactMap { page -> CheckSection? in
            let rows = page.fields.filter { AnswerValidator.isShown($0, answers: record.answers) }.map { field in
                CheckRow(
                    label: v.text(field.label), answer: v.answer(field, record.answers[field.key], file: files.first { $0.field == field.key }),
                    change: ApplicationService.editable(field.key, in: record)
                        ? v.link(ApplicationsPaths.page(record.id, page.key)) + (v.langQuery.isEmpty ? "?" : "&") + "return=check#\(field.key)" : nil,
                    missing: missing.contains(field.key))
            }
            return rows.isEmpty ? nil : CheckSection(title: v.text(page.title), rows: rows)
        }
        let model = CheckPage(
            procedure: v.text(procedure.title), sections: sections, incomplete: !missing.isEmpty, proceed: v.link(ApplicationsPaths.declaration(record.id)),
            stale: stale)
        var response = try renderer.page("applications-check", title: v.t("check.title"), page: model, request: request, context: context, status: status)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    struct DeclarationPage {
        let procedure: String
        let action: String
        let token: String
        let assisted: Bool
        let error: String?
    }

    @Sendable func declaration(_ request: Request, context: AppRequestContext) async throws -> Response {
        let record = try await owned(request, context)
        return try await renderDeclaration(request, context, record: record, error: nil, status: .ok)
    }

    func renderDeclaration(_ request: Request, _ context: AppRequestContext, record: ApplicationRecord, error: String?, status: HTTPResponse.Status) async throws
        -> Response
    {
        let v = ApplyView(context, renderer.localizer)
        if record.status != .draft && record.status != .actionRequired { return ApplyView.redirect(v.link(ApplicationsPaths.confirmation(record.id))) }
        let procedure = try await procedure(record.procedureId)
        let model = DeclarationPage(
            procedure: v.text(procedure.title), action: v.link(ApplicationsPaths.declaration(record.id)), token: service.submitToken(record),
            assisted: record.channel == .assisted, error: error)
        var response = try renderer.page("applications-declaration", title: v.t("declaration.title"), page: model, request: request, context: context, status: status)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// Submits once: the form's one-time token names the revision the person confirmed, and a retry of the same
    /// submission lands on the same confirmation.
    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let v = ApplyView(context, renderer.localizer)
        let record = try await owned(request, context)
        if record.status == .draft || record.status == .actionRequired, context.postForm["confirm"] != "yes" {
            return try await renderDeclaration(request, context, record: record, error: v.t("errors.declaration"), status: .unprocessableContent)
        }
        switch try await service.submit(applicationId: record.id, token: context.postForm["token"] ?? "", origin: origin(context, record)) {
        case .submitted(let done): return ApplyView.redirect(v.link(ApplicationsPaths.confirmation(done.id)))
        case .stale: return try await renderCheck(request, context, record: record, stale: true, status: .conflict)
        case .incomplete: return try await renderCheck(request, context, record: record, stale: false, status: .unprocessableContent)
        }
    }

    struct ConfirmationPage {
        let procedure: String
        let reference: String
        let pin: String
        let status: String
        let due: String?
        let trackHref: String
        let documentHref: String?
        let assisted: Bool
        let resubmitted: Bool
    }

    @Sendable func confirmation(_ request: Request, context: AppRequestContext) async throws -> Response {
        let v = ApplyView(context, renderer.localizer)
        let record = try await owned(request, context)
        guard let reference = record.reference, record.status != .draft else {
            return ApplyView.redirect(v.link(ApplicationsPaths.check(record.id)))
        }
        let procedure = try await procedure(record.procedureId)
        let model = ConfirmationPage(
            procedure: v.text(procedure.title), reference: reference, pin: service.keys.pin(for: record.id), status: v.status(record.status),
            due: record.dueAt.map { v.day($0) }, trackHref: v.link(ApplicationsPaths.track),
            documentHref: record.status == .documentIssued ? v.link(ApplicationsPaths.document(record.id)) : nil, assisted: record.channel == .assisted,
            resubmitted: try await store.events(record.id).contains { $0.action == "resubmitted" })
        var response = try renderer.page("applications-confirmation", title: v.t("confirmation.title"), page: model, request: request, context: context)
        response.headers[.cacheControl] = "no-store"
        return response
    }
}

// SPDX-License-Identifier: MPL-2.0
import Catalog
import Foundation
import GuichetCore
import Hummingbird

/// The end of the apply flow: check your answers, the declaration that submits once, and the confirmation.
extension ApplyController {
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
        let fees: FeesView?
    }

    @Sendable func check(_ request: Request, context: AppRequestContext) async throws -> Response {
        let record = try await owned(request, context)
        return try await renderCheck(request, context, record: record, stale: false, status: .ok)
    }

    func renderCheck(_ request: Request, _ context: AppRequestContext, record: ApplicationRecord, stale: Bool, status: HTTPResponse.Status)
        async throws -> Response
    {
        let v = PageContext(applications: context, renderer.localizer)
        if !record.isOpenToApplicant { return Response.redirect(to: v.link(ApplicationsRoute.confirmation.path(record.id))) }
        let form = try await form(record)
        let files = try await store.files(record.id)
        let missing = Set(AnswerValidator.missing(form.definition, answers: record.answers, files: Set(files.map(\.field))))
        let procedure = try await procedure(record.procedureId)
        let sections = form.definition.pages.compactMap { page -> CheckSection? in
            let rows = page.fields.filter { AnswerValidator.isShown($0, answers: record.answers) }.map { field in
                CheckRow(
                    label: v.text(field.label), answer: v.answer(field, record.answers[field.key], file: files.first { $0.field == field.key }),
                    change: record.isEditable(field.key)
                        ? v.link(ApplicationsRoute.page.path(record.id, page.key)) + (v.langQuery.isEmpty ? "?" : "&") + "return=check#\(field.key)"
                        : nil,
                    missing: missing.contains(field.key))
            }
            return rows.isEmpty ? nil : CheckSection(title: v.text(page.title), rows: rows)
        }
        let model = CheckPage(
            procedure: v.text(procedure.title), sections: sections, incomplete: !missing.isEmpty,
            proceed: v.link(ApplicationsRoute.declaration.path(record.id)),
            stale: stale, fees: v.fees(lines: FeeRules.lines(form.definition, procedure: procedure, answers: record.answers)))
        var response = try renderer.page(
            "applications-check", title: v.t("check.title"), page: model, request: request, context: context, status: status)
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

    func renderDeclaration(_ request: Request, _ context: AppRequestContext, record: ApplicationRecord, error: String?, status: HTTPResponse.Status)
        async throws
        -> Response
    {
        let v = PageContext(applications: context, renderer.localizer)
        if !record.isOpenToApplicant { return Response.redirect(to: v.link(ApplicationsRoute.confirmation.path(record.id))) }
        let procedure = try await procedure(record.procedureId)
        let model = DeclarationPage(
            procedure: v.text(procedure.title), action: v.link(ApplicationsRoute.declaration.path(record.id)), token: submissions.submitToken(record),
            assisted: record.channel == .assisted, error: error)
        var response = try renderer.page(
            "applications-declaration", title: v.t("declaration.title"), page: model, request: request, context: context, status: status)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// Submits once: the form's one-time token names the revision the person confirmed, and a retry of the same
    /// submission lands on the same confirmation.
    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let v = PageContext(applications: context, renderer.localizer)
        let record = try await owned(request, context)
        if record.isOpenToApplicant, context.postForm["confirm"] != "yes" {
            return try await renderDeclaration(request, context, record: record, error: v.t("errors.declaration"), status: .unprocessableContent)
        }
        switch try await submissions.submit(applicationId: record.id, token: context.postForm["token"] ?? "", origin: origin(context, record)) {
        case .submitted(let done): return Response.redirect(to: v.link(ApplicationsRoute.confirmation.path(done.id)))
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
        let fees: FeesView?
    }

    @Sendable func confirmation(_ request: Request, context: AppRequestContext) async throws -> Response {
        let v = PageContext(applications: context, renderer.localizer)
        let record = try await owned(request, context)
        guard let reference = record.reference, record.status != .draft else {
            return Response.redirect(to: v.link(ApplicationsRoute.check.path(record.id)))
        }
        let procedure = try await procedure(record.procedureId)
        let model = ConfirmationPage(
            procedure: v.text(procedure.title), reference: reference, pin: keys.pin(for: record.id), status: v.status(record.status),
            due: record.dueAt.map { v.day($0) }, trackHref: v.link(ApplicationsRoute.track.path(), [("reference", reference)]),
            documentHref: record.status == .documentIssued ? v.link(ApplicationsRoute.document.path(record.id)) : nil,
            assisted: record.channel == .assisted,
            resubmitted: try await store.events(record.id).contains { $0.action == "resubmitted" },
            fees: v.fees(summary: try await fees.summary(application: record.id)) { v.link(ApplicationsRoute.verify.path($0)) })
        var response = try renderer.page(
            "applications-confirmation", title: v.t("confirmation.title"), page: model, request: request, context: context)
        response.headers[.cacheControl] = "no-store"
        return response
    }
}

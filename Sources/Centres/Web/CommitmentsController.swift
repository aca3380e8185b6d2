// SPDX-License-Identifier: MPL-2.0
import Audit
import Foundation
import GuichetCore
import Hummingbird

/// The back-office form of the network's commitments, shown on "Nos engagements, nos résultats": centre managers
/// (of at least one centre) and administrators. A wrong field is named next to it and nothing is written.
struct CommitmentsController: Sendable {
    let renderer: Renderer
    let directory: DirectoryRepository
    let commitments: CommitmentsService

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(CentresRoute.commitments, use: form)
        router.post(CentresRoute.commitments, use: save)
    }

    /// The commitments are the network's: a manager must manage some centre of it.
    static func principal(_ context: AppRequestContext) throws -> Principal {
        let principal = try context.require(.centreManager)
        guard principal.isAdministrator || !principal.centres.isEmpty else { throw AppError(.forbidden, code: "forbidden") }
        return principal
    }

    @Sendable func form(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try Self.principal(context)
        let current = try await directory.commitments()
        let drafts = Commitment.Kind.allCases.map { kind in CommitmentDraft(current.first { $0.kind == kind }, kind: kind) }
        let page = PageContext.centres(context, renderer)
        let notice = request.form["saved"].map { $0 == "1" ? page.t("commitments_form.saved") : page.t("commitments_form.unchanged") }
        return try render(drafts, errors: [:], notice: notice, request: request, context: context, status: .ok)
    }

    @Sendable func save(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try Self.principal(context)
        let form = context.postForm
        let drafts = Commitment.Kind.allCases.map { kind in
            let field = { (part: String) in form["\(kind.rawValue)_\(part)"] ?? "" }
            return CommitmentDraft(
                kind: kind, published: field("published") == "1", target: field("target"), minutes: field("minutes"), labelFr: field("label_fr"),
                labelEn: field("label_en"))
        }
        let (valid, errors) = CommitmentDraft.validate(drafts)
        guard errors.isEmpty else {
            return try render(drafts, errors: errors, notice: nil, request: request, context: context, status: .unprocessableContent)
        }
        let origin = ActionOrigin(actor: principal.actor, requestId: context.requestId, address: context.clientAddress)
        let changed = try await commitments.replace(with: valid, origin: origin)
        let page = PageContext.centres(context, renderer)
        return CentresForms.redirect(page.link(CentresRoute.commitments, query: [("saved", changed ? "1" : "0")]))
    }

    func render(
        _ drafts: [CommitmentDraft], errors: [String: String], notice: String?, request: Request, context: AppRequestContext,
        status: HTTPResponse.Status
    ) throws -> Response {
        let page = PageContext.centres(context, renderer)
        let messages = errors.mapValues { page.t("commitments_form.error.\($0)") }
        let parts = ["target", "minutes", "label_fr", "label_en"]
        let items = drafts.map { draft in
            CommitmentFieldset(
                kind: draft.kind.rawValue, legend: page.t("commitments_form.kind.\(draft.kind.rawValue)"), published: draft.published,
                target: draft.target, minutes: draft.minutes, hasMinutes: draft.kind == .wait, labelFr: draft.labelFr, labelEn: draft.labelEn,
                errors: Dictionary(uniqueKeysWithValues: parts.compactMap { part in messages[draft.field(part)].map { (part, $0) } }))
        }
        // The summary follows the form's order.
        let order = drafts.flatMap { draft in parts.map { draft.field($0) } }
        let summary = order.compactMap { field in
            messages[field].map { FieldMessage(field: field.replacingOccurrences(of: "_", with: "-"), message: $0) }
        }
        let model = CommitmentsFormPage(
            action: page.link(CentresRoute.commitments), items: items, summary: summary, hasErrors: !summary.isEmpty, notice: notice,
            results: page.link(CentresRoute.results))
        return try renderer.page(
            "centres-commitments", title: page.t("commitments_form.title"), page: model, request: request, context: context, status: status)
    }
}

struct CommitmentFieldset {
    let kind: String
    let legend: String
    let published: Bool
    let target: String
    let minutes: String
    let hasMinutes: Bool
    let labelFr: String
    let labelEn: String
    /// Error message per part (`target`, `minutes`, `label_fr`, `label_en`).
    let errors: [String: String]
}

struct FieldMessage {
    /// The id of the field in the page.
    let field: String
    let message: String
}

struct CommitmentsFormPage {
    let action: String
    let items: [CommitmentFieldset]
    let summary: [FieldMessage]
    let hasErrors: Bool
    let notice: String?
    let results: String
}

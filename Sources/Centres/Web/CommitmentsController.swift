import Audit
import Foundation
import GuichetCore
import Hummingbird

/// The back-office form of the network's commitments, shown on "Nos engagements, nos résultats": centre managers
/// (of at least one centre) and administrators. A wrong field is named next to it and nothing is written.
package struct CommitmentsController: Sendable {
    let database: DatabaseService
    let renderer: Renderer

    package init(database: DatabaseService, renderer: Renderer) {
        self.database = database
        self.renderer = renderer
    }

    package func addRoutes(to router: Router<AppRequestContext>) {
        router.get(RouterPath(CentresPaths.commitments), use: form)
        router.post(RouterPath(CentresPaths.commitments), use: save)
    }

    /// The commitments are the network's: a manager must manage some centre of it.
    static func principal(_ context: AppRequestContext) throws -> Principal {
        let principal = try context.require(.centreManager)
        guard principal.isAdministrator || !principal.centres.isEmpty else { throw AppError(.forbidden, code: "forbidden") }
        return principal
    }

    @Sendable func form(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try Self.principal(context)
        let current = try await DirectoryRepository(database: database.db).commitments()
        let drafts = Commitment.Kind.allCases.map { kind in CommitmentsService.Draft(current.first { $0.kind == kind }, kind: kind) }
        let v = CentresView(context, renderer.localizer)
        let notice = request.form["saved"].map { $0 == "1" ? v.t("commitments_form.saved") : v.t("commitments_form.unchanged") }
        return try render(drafts, errors: [:], notice: notice, request: request, context: context, status: .ok)
    }

    @Sendable func save(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try Self.principal(context)
        let form = context.postForm
        let drafts = Commitment.Kind.allCases.map { kind in
            let field = { (part: String) in form["\(kind.rawValue)_\(part)"] ?? "" }
            return CommitmentsService.Draft(
                kind: kind, published: field("published") == "1", target: field("target"), minutes: field("minutes"), labelFr: field("label_fr"),
                labelEn: field("label_en"))
        }
        let (commitments, errors) = CommitmentsService.validate(drafts)
        guard errors.isEmpty else {
            return try render(drafts, errors: errors, notice: nil, request: request, context: context, status: .unprocessableContent)
        }
        let origin = ActionOrigin(actor: principal.actor, requestId: context.requestId, address: context.clientAddress)
        let changed = try await CommitmentsService(database: database).replace(with: commitments, origin: origin)
        let language = context.languageInQuery ? "&lang=\(context.language.rawValue)" : ""
        return Response(status: .seeOther, headers: [.location: CentresPaths.commitments + "?saved=\(changed ? 1 : 0)" + language])
    }

    func render(
        _ drafts: [CommitmentsService.Draft], errors: [String: String], notice: String?, request: Request, context: AppRequestContext,
        status: HTTPResponse.Status
    ) throws -> Response {
        let v = CentresView(context, renderer.localizer)
        let messages = errors.mapValues { v.t("commitments_form.error.\($0)") }
        let items = drafts.map { draft in
            CommitmentFieldset(
                kind: draft.kind.rawValue, legend: v.t("commitments_form.kind.\(draft.kind.rawValue)"), published: draft.published,
                target: draft.target, minutes: draft.minutes, hasMinutes: draft.kind == .wait, labelFr: draft.labelFr, labelEn: draft.labelEn,
                errors: Dictionary(uniqueKeysWithValues: ["target", "minutes", "label_fr", "label_en"].compactMap { part in
                    messages[draft.field(part)].map { (part, $0) }
                }))
        }
        // The summary follows the form's order.
        let order = drafts.flatMap { draft in ["target", "minutes", "label_fr", "label_en"].map { draft.field($0) } }
        let summary = order.compactMap { field in messages[field].map { FieldMessage(field: field.replacingOccurrences(of: "_", with: "-"), message: $0) } }
        let page = CommitmentsFormPage(
            action: v.link(CentresPaths.commitments), items: items, summary: summary, hasErrors: !summary.isEmpty, notice: notice,
            results: v.link(CentresPaths.results))
        return try renderer.page("centres-commitments", title: v.t("commitments_form.title"), page: page, request: request, context: context, status: status)
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

// SPDX-License-Identifier: MPL-2.0
import Audit
import Catalog
import Foundation
import GuichetCore
import HTTPTypes
import Hummingbird

/// The back office of applications: an inbox per institution, the application with its answers and files (each
/// opening audited), and the agent's actions under optimistic locking.
package struct InboxController: Sendable {
    /// Far beyond any inbox; a larger offset is a wrong address, not a page.
    static let maxOffset = 10_000_000
    let store: ApplicationStore
    let forms: FormStore
    let files: FileStore
    let casework: Casework
    let catalog: CatalogRepository
    let renderer: Renderer
    let track: TrackController
    let fees: any FeeLedger

    init(module: ApplicationsModule, track: TrackController) {
        store = module.store
        forms = module.forms
        files = module.files
        casework = module.casework
        catalog = module.catalog
        renderer = module.renderer
        self.track = track
        fees = module.fees
    }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(ApplicationsRoute.inbox, use: inbox)
        router.get(ApplicationsRoute.item, use: item)
        router.post(ApplicationsRoute.actions, use: act)
        router.get(ApplicationsRoute.file, use: file)
        router.get(ApplicationsRoute.agentDocument, use: document)
    }

    func origin(_ principal: Principal, _ context: AppRequestContext) -> ActionOrigin {
        ActionOrigin(actor: principal.actor, requestId: context.requestId, address: context.clientAddress)
    }

    /// The application, if the agent's institutions include its own (404 otherwise: another institution's files do not exist for them).
    func scoped(_ context: AppRequestContext, _ principal: Principal) async throws -> ApplicationRecord {
        guard let record = try await store.application(id: try context.applicationsId()), record.status != .draft,
            principal.actsFor(institution: record.institutionId)
        else { throw AppError.notFound("application_not_found") }
        return record
    }

    // MARK: Inbox

    struct InboxRow {
        let href: String
        let reference: String
        let procedure: String
        let status: String
        let channel: String
        let submitted: String
        let due: String
        let overdue: Bool
        let assigned: String
    }

    struct Option {
        let value: String
        let label: String
        let selected: Bool
    }

    struct InboxPage {
        let action: String
        let rows: [InboxRow]
        let total: String
        let procedures: [Option]
        let statuses: [Option]
        let assignees: [Option]
        let overdue: Bool
        let next: String?
        let previous: String?
        let empty: Bool
    }

    @Sendable func inbox(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.backOfficeAgent)
        let v = PageContext(applications: context, renderer.localizer)
        let query = request.uri.queryParameters
        var filter = ApplicationStore.InboxFilter()
        filter.institutions = principal.isAdministrator ? nil : principal.institutions
        filter.procedure = query.get("procedure").flatMap { $0.isEmpty ? nil : $0 }
        filter.status = query.get("status").flatMap(ApplicationStatus.init(rawValue:))
        let assignee = query.get("assigned") ?? ""
        // Any agent of the principal's institutions can be picked too, to see who holds what.
        var colleagues: [DirectoryUser] = []
        for institution in principal.institutions.sorted() {
            for agent in try await casework.agents(of: institution) where !colleagues.contains(where: { $0.id == agent.id }) {
                colleagues.append(agent)
            }
        }
        switch assignee {
        case "me": filter.assignedTo = principal.id
        case "none": filter.assignedTo = ""
        case let id where colleagues.contains(where: { $0.id == id }): filter.assignedTo = id
        default: filter.assignedTo = nil
        }
        filter.overdueOnly = query.get("overdue") == "1"
        let offset = try request.form.integer("offset", in: 0...Self.maxOffset) ?? 0
        let (items, total) = try await store.inbox(filter, limit: 50, offset: offset)
        let withForms = try await forms.procedures()
        let procedures = try await catalog.procedures(ids: Array(withForms).sorted())
            .filter { principal.actsFor(institution: $0.institution) }
        let titles = Dictionary(uniqueKeysWithValues: procedures.map { ($0.id, v.text($0.title)) })
        let names = try await casework.names(of: Set(items.compactMap(\.assignedTo)))
        var base = request.uri.path + "?"
        for (name, value) in [
            ("procedure", filter.procedure ?? ""), ("status", filter.status?.rawValue ?? ""), ("assigned", assignee),
            ("overdue", filter.overdueOnly ? "1" : ""),
        ]
        where !value.isEmpty {
            base += "\(name)=\(FormQuery.encode(value))&"
        }
        let model = InboxPage(
            action: ApplicationsRoute.inbox.path(),
            rows: items.map { record in
                InboxRow(
                    href: ApplicationsRoute.item.path(record.id), reference: record.reference ?? "",
                    procedure: titles[record.procedureId] ?? record.procedureId,
                    status: v.status(record.status), channel: v.t("channel.\(record.channel.rawValue)"), submitted: v.day(record.submittedAt),
                    due: v.day(record.dueAt), overdue: record.isOverdue(at: store.clock.now), assigned: record.assignedTo.flatMap { names[$0] } ?? "—"
                )
            },
            total: v.t("inbox.total", ["count": "\(total)"]),
            procedures: [Option(value: "", label: v.t("inbox.all"), selected: filter.procedure == nil)]
                + procedures.map { Option(value: $0.id, label: v.text($0.title), selected: $0.id == filter.procedure) },
            statuses: [Option(value: "", label: v.t("inbox.all"), selected: filter.status == nil)]
                + ApplicationStatus.allCases.filter { $0 != .draft }.map {
                    Option(value: $0.rawValue, label: v.status($0), selected: $0 == filter.status)
                },
            assignees: ([("", v.t("inbox.anyone")), ("me", v.t("inbox.me")), ("none", v.t("inbox.nobody"))]
                + colleagues.filter { $0.id != principal.id }.map { ($0.id, $0.name) }).map {
                    Option(value: $0.0, label: $0.1, selected: $0.0 == assignee)
                },
            overdue: filter.overdueOnly, next: offset + 50 < total ? base + "offset=\(offset + 50)" : nil,
            previous: offset > 0 ? base + "offset=\(max(0, offset - 50))" : nil, empty: items.isEmpty)
        return try renderer.page(
            "applications-inbox", title: v.t("inbox.title"), page: model, request: request, context: context, figures: true)
    }

    // MARK: One application

    struct AnswerRow {
        let label: String
        let value: String
        let href: String?
    }

    struct FieldOption {
        let key: String
        let label: String
        let checked: Bool
    }

    struct ItemPage {
        let reference: String
        let procedure: String
        let status: String
        let govStack: String?
        let channel: String
        let submitted: String
        let due: String
        let overdue: Bool
        let assigned: String
        let answers: [AnswerRow]
        let history: [HistoryRow]
        let revision: Int
        let action: String
        let canClaim: Bool
        let canDecide: Bool
        let canRevoke: Bool
        let agents: [Option]
        let fields: [FieldOption]
        let note: String
        /// The agent's own words, shown back whatever form the page still offers.
        let keptNote: String?
        let conflict: Bool
        let error: String?
        let documentHref: String?
        let verifyHref: String?
        let inboxHref: String
        let fees: FeesView?
    }

    struct HistoryRow {
        let when: String
        let who: String
        let what: String
        /// Not `note`: a missing value would fall back to the page's own `note` in Mustache.
        let eventNote: String?
    }

    @Sendable func item(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.backOfficeAgent)
        let record = try await scoped(context, principal)
        try await casework.recordOpening(record, origin: origin(principal, context))
        return try await render(
            request, context, record: record, principal: principal, note: "", fields: [], conflict: false, error: nil, status: .ok)
    }

    func render(
        _ request: Request, _ context: AppRequestContext, record: ApplicationRecord, principal: Principal, note: String, fields chosen: [String],
        conflict: Bool, error: String?, status: HTTPResponse.Status
    ) async throws -> Response {
        let v = PageContext(applications: context, renderer.localizer)
        guard let form = try await forms.form(id: record.formId) else { throw AppError.notFound("form_not_found") }
        let procedure = try await catalog.procedures(ids: [record.procedureId]).first
        let files = try await store.files(record.id)
        let events = try await store.events(record.id)
        let names = try await casework.names(
            of: Set(events.compactMap { $0.actor.hasPrefix("user:") ? String($0.actor.dropFirst(5)) : nil } + [record.assignedTo].compactMap { $0 }))
        let document = try await store.document(applicationId: record.id)
        let answers = form.definition.fields.filter { AnswerValidator.isShown($0, answers: record.answers) }.map { field in
            let file = files.first { $0.field == field.key }
            return AnswerRow(
                label: v.text(field.label), value: v.answer(field, record.answers[field.key], file: file),
                href: file.map { _ in ApplicationsRoute.file.path(record.id, field.key) })
        }
        let model = ItemPage(
            reference: record.reference ?? "", procedure: procedure.map { v.text($0.title) } ?? record.procedureId, status: v.status(record.status),
            govStack: record.status.govStack, channel: v.t("channel.\(record.channel.rawValue)"), submitted: v.when(record.submittedAt),
            due: v.day(record.dueAt),
            overdue: record.isOverdue(at: store.clock.now), assigned: record.assignedTo.flatMap { names[$0] } ?? "—", answers: answers,
            history: events.map { event in
                HistoryRow(
                    when: v.when(event.at),
                    who: event.actor.hasPrefix("user:")
                        ? names[String(event.actor.dropFirst(5))] ?? event.actor
                        : event.actor.hasPrefix("system:") ? v.t("simulated_agent") : v.t("applicant"),
                    what: v.t("event.\(event.action)")
                        + (event.fields.isEmpty
                            ? ""
                            : " — " + event.fields.map { key in form.definition.field(key).map { v.text($0.label) } ?? key }.joined(separator: ", ")),
                    eventNote: event.note)
            },
            revision: record.revision, action: ApplicationsRoute.actions.path(record.id), canClaim: AgentAction.claim.allowed(from: record.status),
            canDecide: AgentAction.approve.allowed(from: record.status),
            canRevoke: AgentAction.revokeDocument.allowed(from: record.status) && document?.revokedAt == nil,
            agents: try await casework.agents(of: record.institutionId).map {
                Option(value: $0.id, label: $0.name, selected: $0.id == record.assignedTo)
            },
            fields: form.definition.fields.map { FieldOption(key: $0.key, label: v.text($0.label), checked: chosen.contains($0.key)) }, note: note,
            keptNote: note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : note, conflict: conflict, error: error,
            documentHref: document.map { _ in ApplicationsRoute.agentDocument.path(record.id) },
            verifyHref: document.map { ApplicationsRoute.verify.path($0.code) }, inboxHref: ApplicationsRoute.inbox.path(),
            fees: v.fees(summary: try await fees.summary(application: record.id).map { FeeSummary(lines: $0.lines, payHref: nil) }) {
                ApplicationsRoute.verify.path($0)
            })
        var response = try renderer.page(
            "applications-item", title: v.t("item.title", ["reference": record.reference ?? ""]), page: model, request: request, context: context,
            status: status)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func act(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.backOfficeAgent)
        let v = PageContext(applications: context, renderer.localizer)
        let record = try await scoped(context, principal)
        let form = context.postForm
        guard let action = form["action"].flatMap(AgentAction.init(rawValue:)) else { throw AppError.badParameter("action") }
        let note = form["note"] ?? ""
        let fields = form.items.filter { $0.name == "fields" }.map(\.value)
        let request2 = AgentRequest(
            action: action, expectedRevision: form["revision"].flatMap(Int.init) ?? -1, note: note, fields: fields, assignee: form["assignee"])
        do {
            _ = try await casework.act(record, request2, principal: principal, origin: origin(principal, context))
        } catch let error as AppError where error.status == .conflict || error.status == .unprocessableContent {
            // Nothing is lost: the page shows the application as it is now, with the agent's note and choices kept.
            let current = try await store.application(id: record.id) ?? record
            return try await render(
                request, context, record: current, principal: principal, note: note, fields: fields, conflict: error.code == "application_changed",
                error: v.error(error), status: error.status)
        }
        return Response.redirect(to: ApplicationsRoute.item.path(record.id))
    }

    /// An uploaded file, to an agent of the institution only; never cached, and each download audited.
    @Sendable func file(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.backOfficeAgent)
        let record = try await scoped(context, principal)
        let field = try context.applicationsId("field")
        guard let stored = try await store.files(record.id).first(where: { $0.field == field }) else { throw AppError.notFound() }
        let data = try files.read(stored.sha256)
        try await casework.recordOpening(record, origin: origin(principal, context), what: "file \(field)")
        var headers = HTTPFields()
        headers[.contentType] = stored.mediaType
        headers[.contentDisposition] = "attachment; filename=\"\(stored.name)\""
        headers[.cacheControl] = "no-store"
        headers[.xContentTypeOptions] = "nosniff"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    @Sendable func document(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.backOfficeAgent)
        let v = PageContext(applications: context, renderer.localizer)
        let record = try await scoped(context, principal)
        guard let document = try await store.document(applicationId: record.id) else { throw AppError.notFound("document_not_found") }
        try await casework.recordOpening(record, origin: origin(principal, context), what: "issued document")
        var response = try renderer.page(
            "applications-document", title: v.text(document.payload.title), page: track.documentPage(document, v, host: track.host(request)),
            request: request, context: context)
        response.headers[.cacheControl] = "no-store"
        return response
    }
}

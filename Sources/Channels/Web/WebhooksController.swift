// SPDX-License-Identifier: MPL-2.0
import Audit
import Catalog
import Foundation
import GuichetCore
import Hummingbird

/// The back office's webhooks page: an administrator registers a URL per institution for application events, switches
/// it off and on, gives it a new secret, removes it, and reads the delivery log (sending a dead delivery again). Every
/// form carries the CSRF token; every change is audited (by `Webhooks`). A secret is shown once, in the answer to the
/// form that made it.
struct WebhooksController: Sendable {
    let renderer: Renderer
    let webhooks: Webhooks
    let catalog: CatalogRepository

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(ChannelsRoute.webhooks, use: page)
        router.post(ChannelsRoute.webhooks, use: create)
        router.post(ChannelsRoute.webhookState, use: setState)
        router.post(ChannelsRoute.webhookSecret, use: rotate)
        router.post(ChannelsRoute.webhookDelete, use: delete)
        router.post(ChannelsRoute.webhookRetry, use: retry)
    }

    /// Administrators; an institution-scoped role never sees another institution's endpoints (`actsFor`).
    static func principal(_ context: AppRequestContext) throws -> Principal {
        try context.require(.administrator)
    }

    static func origin(_ principal: Principal, _ context: AppRequestContext) -> ActionOrigin {
        ActionOrigin(actor: principal.actor, requestId: context.requestId, address: context.clientAddress)
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try Self.principal(context)
        return try await render(request, context, principal: principal, notice: request.form["done"].map { "done_" + $0 })
    }

    func render(
        _ request: Request, _ context: AppRequestContext, principal: Principal, notice: String? = nil, secret: WebhookSecretNotice? = nil,
        error: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let page = PageContext(context, localizer: renderer.localizer, keys: "channels")
        let language = page.language
        let institutions: [Institution] = try await catalog.allInstitutions().values.filter { principal.actsFor(institution: $0.id) }
            .sorted { (a: Institution, b: Institution) in
                (a.country, a.name.text(for: language.rawValue).text) < (b.country, b.name.text(for: language.rawValue).text)
            }
        let names: [String: String] = Dictionary(uniqueKeysWithValues: institutions.map { ($0.id, $0.name.text(for: language.rawValue).text) })
        let endpoints = try await webhooks.endpoints().filter { principal.actsFor(institution: $0.institutionId) }
        let shown = Set(endpoints.map(\.id))
        let selected = request.form["endpoint"].flatMap { shown.contains($0) ? $0 : nil }
        let log = try await webhooks.log(endpoint: selected).filter { shown.contains($0.endpointId) }
        let urls = Dictionary(uniqueKeysWithValues: endpoints.map { ($0.id, $0.url) })
        let knownNotices: Set<String> = ["done_created", "done_enabled", "done_disabled", "done_deleted", "done_retried", "done_rotated"]
        let model = WebhooksPage(
            notice: notice.flatMap { knownNotices.contains($0) ? page.t("webhooks.\($0)") : nil }, secret: secret,
            error: error.map { page.text(key: "errors.\($0)") },
            createAction: page.link(ChannelsRoute.webhooks),
            institutions: institutions.map { WebhookOption(value: $0.id, label: "\($0.name.text(for: language.rawValue).text) (\($0.country))") },
            events: WebhookEvent.allCases.map { WebhookOption(value: $0.rawValue, label: page.t("webhooks.event_name.\($0.key)")) },
            endpoints: endpoints.map { endpoint in
                WebhookRow(
                    institution: names[endpoint.institutionId] ?? endpoint.institutionId, url: endpoint.url,
                    events: WebhookEvent.allCases.filter(endpoint.eventSet.contains).map { page.t("webhooks.event_name.\($0.key)") }.joined(
                        separator: ", "),
                    state: page.t(endpoint.active ? "webhooks.active" : "webhooks.inactive"), active: endpoint.active,
                    created: Self.minute(endpoint.createdAt),
                    stateAction: page.link(ChannelsRoute.webhookState, endpoint.id),
                    secretAction: page.link(ChannelsRoute.webhookSecret, endpoint.id),
                    deleteAction: page.link(ChannelsRoute.webhookDelete, endpoint.id),
                    logLink: page.link(ChannelsRoute.webhooks, query: [("endpoint", endpoint.id)]))
            },
            log: log.map { line in
                WebhookLogLine(
                    at: Self.minute(line.createdAt), url: urls[line.endpointId] ?? "",
                    event: WebhookEvent(rawValue: line.event).map { page.t("webhooks.event_name.\($0.key)") } ?? line.event,
                    status: page.t("webhooks.status.\(line.status)"), attempts: String(line.attempts),
                    answer: line.lastStatus.map { "HTTP \($0)" } ?? "—", error: line.lastError ?? "", body: line.body,
                    dead: line.status == Webhooks.Status.dead.rawValue, retryAction: page.link(ChannelsRoute.webhookRetry, line.id))
            },
            filtered: selected != nil, allLink: page.link(ChannelsRoute.webhooks))
        return try renderer.page(
            "channels-webhooks", title: page.t("webhooks.title"), page: model, request: request, context: context, status: status)
    }

    static func minute(_ stamp: String) -> String {
        String(stamp.prefix(16)).replacingOccurrences(of: "T", with: " ")
    }

    /// Back to the page with a notice (Post/Redirect/Get).
    func done(_ what: String, context: AppRequestContext) -> Response {
        let page = PageContext(context, localizer: renderer.localizer, keys: "channels")
        var response = Response(status: .seeOther)
        response.headers[.location] = page.link(ChannelsRoute.webhooks, query: [("done", what)])
        return response
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try Self.principal(context)
        let form = context.postForm
        let institution = form["institution"] ?? ""
        let events = Set(form.items.filter { $0.name == "events" }.compactMap { WebhookEvent(rawValue: $0.value) })
        do {
            guard try await catalog.allInstitutions()[institution] != nil, principal.actsFor(institution: institution) else {
                throw AppError.validation(field: "institution", code: "webhook_institution_unknown")
            }
            let made = try await webhooks.create(
                institution: institution, url: form["url"] ?? "", events: events, origin: Self.origin(principal, context))
            return try await render(
                request, context, principal: principal, notice: "done_created",
                secret: WebhookSecretNotice(url: made.endpoint.url, secret: made.secret), status: .created)
        } catch let error as AppError where error.status == .unprocessableContent || error.status == .badRequest {
            return try await render(request, context, principal: principal, error: error.code, status: error.status)
        }
    }

    /// The endpoint named by the path, if this person may act for its institution (a 404 otherwise: nothing is said
    /// about other institutions' endpoints).
    func endpoint(_ context: AppRequestContext, principal: Principal) async throws -> WebhookEndpoint {
        guard let endpoint = try await webhooks.endpoint(try context.pathValue()), principal.actsFor(institution: endpoint.institutionId) else {
            throw AppError.notFound("webhook_not_found")
        }
        return endpoint
    }

    @Sendable func setState(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try Self.principal(context)
        let endpoint = try await endpoint(context, principal: principal)
        let active = context.postForm["active"] == "1"
        try await webhooks.setActive(endpoint.id, active: active, origin: Self.origin(principal, context))
        return done(active ? "enabled" : "disabled", context: context)
    }

    @Sendable func rotate(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try Self.principal(context)
        let endpoint = try await endpoint(context, principal: principal)
        let secret = try await webhooks.rotate(endpoint.id, origin: Self.origin(principal, context))
        return try await render(
            request, context, principal: principal, notice: "done_rotated", secret: WebhookSecretNotice(url: endpoint.url, secret: secret))
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try Self.principal(context)
        let endpoint = try await endpoint(context, principal: principal)
        try await webhooks.delete(endpoint.id, origin: Self.origin(principal, context))
        return done("deleted", context: context)
    }

    @Sendable func retry(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try Self.principal(context)
        let id = try context.pathValue()
        guard let line = try await webhooks.log(delivery: id), let endpoint = try await webhooks.endpoint(line.endpointId),
            principal.actsFor(institution: endpoint.institutionId)
        else { throw AppError.notFound("webhook_delivery_not_found") }
        try await webhooks.retry(delivery: id, origin: Self.origin(principal, context))
        return done("retried", context: context)
    }
}

struct WebhookSecretNotice {
    let url: String
    let secret: String
}

struct WebhookOption {
    let value: String
    let label: String
}

struct WebhookRow {
    let institution: String
    let url: String
    let events: String
    let state: String
    let active: Bool
    let created: String
    let stateAction: String
    let secretAction: String
    let deleteAction: String
    let logLink: String
}

struct WebhookLogLine {
    let at: String
    let url: String
    let event: String
    let status: String
    let attempts: String
    let answer: String
    let error: String
    let body: String
    let dead: Bool
    let retryAction: String
}

struct WebhooksPage {
    let notice: String?
    let secret: WebhookSecretNotice?
    let error: String?
    let createAction: String
    let institutions: [WebhookOption]
    let events: [WebhookOption]
    let endpoints: [WebhookRow]
    let log: [WebhookLogLine]
    let filtered: Bool
    let allLink: String
    let hasEndpoints: Bool
    let hasLog: Bool

    init(
        notice: String?, secret: WebhookSecretNotice?, error: String?, createAction: String, institutions: [WebhookOption], events: [WebhookOption],
        endpoints: [WebhookRow], log: [WebhookLogLine], filtered: Bool, allLink: String
    ) {
        self.notice = notice
        self.secret = secret
        self.error = error
        self.createAction = createAction
        self.institutions = institutions
        self.events = events
        self.endpoints = endpoints
        self.log = log
        self.filtered = filtered
        self.allLink = allLink
        hasEndpoints = !endpoints.isEmpty
        hasLog = !log.isEmpty
    }
}

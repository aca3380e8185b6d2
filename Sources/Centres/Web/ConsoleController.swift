// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import Hummingbird

/// The agent console (back office): open a counter for some services, call the next person, recall, no-show, start,
/// finish, transfer; issue tickets at reception. Centre agents and managers, for their own centres only. While a visitor
/// is served, the console offers what other features let the agent do for them (`VisitorActionSource`).
struct ConsoleController: Sendable {
    let renderer: Renderer
    let directory: DirectoryRepository
    let queue: QueueService
    let visitorActions: [any VisitorActionSource]

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(CentresRoute.adminList, use: list)
        router.get(CentresRoute.console, use: console)
        router.post(CentresRoute.reception, use: reception)
        router.post(CentresRoute.counterOpen, use: openCounter)
        router.post(CentresRoute.counterClose, use: closeCounter)
        router.post(CentresRoute.counterCall, use: callNext)
        router.post(CentresRoute.counterAction, use: ticketAction)
    }

    /// The signed-in agent or manager, who must act for this centre.
    static func principal(_ context: AppRequestContext, centre: String) throws -> Principal {
        let principal = try context.require(.centreAgent, .centreManager)
        guard principal.actsFor(centre: centre) else { throw AppError(.forbidden, code: "forbidden") }
        return principal
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.centreAgent, .centreManager)
        let page = PageContext.centres(context, renderer)
        let centres = try await directory.centres().filter { principal.actsFor(centre: $0.id) }
        let items = centres.map {
            CentreItem(href: CentresRoute.console.path($0.id), name: $0.name.text(page.language), department: $0.department, planned: false)
        }
        return try renderer.page(
            "centres-admin", title: page.t("console_title"), page: AdminListPage(centres: items, empty: items.isEmpty), request: request,
            context: context)
    }

    @Sendable func console(_ request: Request, context: AppRequestContext) async throws -> Response {
        let centreId = try context.pathValue()
        let principal = try Self.principal(context, centre: centreId)
        let page = PageContext.centres(context, renderer)
        let centre = try await directory.requireCentre(centreId)
        let services = try await directory.services(centre.id)
        let waiting = try await queue.waitingCounts(centre: centre.id)
        let names = Dictionary(uniqueKeysWithValues: services.map { ($0.id, "\($0.letter) · \($0.name.text(page.language))") })
        func choice(_ service: CentreService, field: String = "", checked: Bool = false) -> ServiceChoice {
            ServiceChoice(id: service.id, name: names[service.id] ?? service.id, field: field, checked: checked)
        }
        var counters: [CounterView] = []
        let held = try await queue.currentTickets(centre: centre.id)
        for counter in try await directory.counters(centre.id) {
            let current = held[counter.id]
            counters.append(
                CounterView(
                    label: counter.label, isOpen: counter.isOpen, mine: counter.agent == principal.actor,
                    agent: counter.agent.map { $0 == principal.actor ? page.t("you") : page.t("another_agent") },
                    services: counter.serviceIds.compactMap { names[$0] }.joined(separator: ", "),
                    openAction: CentresRoute.counterOpen.path(centre.id, counter.id),
                    closeAction: CentresRoute.counterClose.path(centre.id, counter.id),
                    callAction: CentresRoute.counterCall.path(centre.id, counter.id),
                    choices: services.map { choice($0, field: "s-\(counter.id)-\($0.letter)", checked: counter.serviceIds.contains($0.id)) },
                    current: current.map { ticket in
                        currentTicket(
                            ticket, centre: centre, counter: counter, page: page, principal: principal, names: names,
                            targets: services.filter { $0.id != ticket.serviceId }.map { choice($0) })
                    }))
        }
        let model = ConsolePage(
            name: centre.name.text(page.language), board: CentresRoute.board.path(centre.id),
            dashboard: principal.isAdministrator || principal.role == .centreManager ? CentresRoute.dashboard.path(centre.id) : nil,
            queues: services.map { QueueLine(name: names[$0.id] ?? $0.id, waiting: String(waiting[$0.id] ?? 0)) },
            counters: counters, reception: CentresRoute.reception.path(centre.id), services: services.map { choice($0) },
            priorities: TicketPagesController.priorityChoices(page, allowAppointment: true),
            issued: request.form["issued"].map { page.t("issued_notice", ["label": String($0.prefix(5))]) }, requestToken: CentresForms.newToken())
        return try renderer.page("centres-console", title: page.t("console_title"), page: model, request: request, context: context)
    }

    func currentTicket(
        _ ticket: Ticket, centre: Centre, counter: Counter, page: PageContext, principal: Principal, names: [String: String], targets: [ServiceChoice]
    ) -> CurrentTicket {
        func action(_ name: String) -> String { CentresRoute.counterAction.path(centre.id, counter.id, ticket.id, name) }
        let serving = ticket.ticketStatus == .serving
        let actions = serving ? visitorActions.flatMap { $0.visitorActions(ticket: ticket.id, principal: principal) } : []
        return CurrentTicket(
            label: ticket.label, status: page.status(ticket.status), service: names[ticket.serviceId] ?? "", called: ticket.ticketStatus == .called,
            serving: serving, priority: ticket.ticketPriority == .none ? nil : page.priority(ticket.priority),
            recall: action(TicketAction.recall.rawValue), start: action(TicketAction.start.rawValue), finish: action(TicketAction.finish.rawValue),
            noShow: action(TicketAction.noShow.rawValue), transfer: action(CentresRoute.transferAction), transferField: "t-\(counter.id)",
            actions: actions.map { VisitorLink(href: page.link($0.href), label: page.text(key: $0.label)) }, targets: targets)
    }

    /// Back to the console, with a notice (`?issued=A001`, `?empty=1`).
    func back(_ centre: String, _ query: String = "") -> Response {
        CentresForms.redirect(CentresRoute.console.path(centre) + query)
    }

    @Sendable func reception(_ request: Request, context: AppRequestContext) async throws -> Response {
        let centreId = try context.pathValue()
        let principal = try Self.principal(context, centre: centreId)
        let form = context.postForm
        let ticket = try await queue.issue(
            .init(
                centreId: centreId, serviceId: form["service"] ?? "", priority: try CentresForms.priority(form["priority"], allowAppointment: true),
                channel: .reception, requestToken: CentresForms.token(form["request"]), actor: principal.actor))
        return back(centreId, "?issued=\(FormQuery.encode(ticket.label))")
    }

    @Sendable func openCounter(_ request: Request, context: AppRequestContext) async throws -> Response {
        let centreId = try context.pathValue()
        let principal = try Self.principal(context, centre: centreId)
        let services = context.postForm.items.filter { $0.name == "service" }.map(\.value)
        try await queue.openCounter(centre: centreId, counter: try context.pathValue("counter"), services: services, actor: principal.actor)
        return back(centreId)
    }

    @Sendable func closeCounter(_ request: Request, context: AppRequestContext) async throws -> Response {
        let centreId = try context.pathValue()
        let principal = try Self.principal(context, centre: centreId)
        try await queue.closeCounter(centre: centreId, counter: try context.pathValue("counter"), actor: principal.actor)
        return back(centreId)
    }

    @Sendable func callNext(_ request: Request, context: AppRequestContext) async throws -> Response {
        let centreId = try context.pathValue()
        let principal = try Self.principal(context, centre: centreId)
        let ticket = try await queue.callNext(centre: centreId, counter: try context.pathValue("counter"), actor: principal.actor)
        return back(centreId, ticket == nil ? "?empty=1" : "")
    }

    @Sendable func ticketAction(_ request: Request, context: AppRequestContext) async throws -> Response {
        let centreId = try context.pathValue()
        let principal = try Self.principal(context, centre: centreId)
        let counter = try context.pathValue("counter")
        let ticket = try context.pathValue("ticket")
        let name = try context.pathValue("action")
        if name == CentresRoute.transferAction {
            _ = try await queue.transfer(
                ticket: ticket, centre: centreId, counter: counter, to: context.postForm["service"] ?? "", actor: principal.actor)
        } else {
            guard let action = TicketAction(rawValue: name) else { throw AppError.notFound() }
            _ = try await queue.apply(action, ticket: ticket, centre: centreId, counter: counter, actor: principal.actor)
        }
        return back(centreId)
    }
}

struct AdminListPage {
    let centres: [CentreItem]
    let empty: Bool
}

struct ServiceChoice {
    let id: String
    let name: String
    let field: String
    let checked: Bool
}

struct CurrentTicket {
    let label: String
    let status: String
    let service: String
    let called: Bool
    let serving: Bool
    let priority: String?
    let recall: String
    let start: String
    let finish: String
    let noShow: String
    let transfer: String
    let transferField: String
    /// While the visitor is served: what other features let the agent do for them (file an application…).
    let actions: [VisitorLink]
    let targets: [ServiceChoice]
}

struct CounterView {
    let label: String
    let isOpen: Bool
    let mine: Bool
    let agent: String?
    let services: String
    let openAction: String
    let closeAction: String
    let callAction: String
    let choices: [ServiceChoice]
    let current: CurrentTicket?
}

struct QueueLine {
    let name: String
    let waiting: String
}

struct ConsolePage {
    let name: String
    let board: String
    let dashboard: String?
    let queues: [QueueLine]
    let counters: [CounterView]
    let reception: String
    let services: [ServiceChoice]
    let priorities: [PriorityChoice]
    let issued: String?
    let requestToken: String
}

struct VisitorLink {
    let href: String
    let label: String
}

import Foundation
import GuichetCore
import Hummingbird

/// The agent console (back office): open a counter for some services, call the next person, recall, no-show, start,
/// finish, transfer; issue tickets at reception. Centre agents and managers, for their own centres only.
package struct ConsoleController: Sendable {
    let database: DatabaseService
    let renderer: Renderer

    package init(database: DatabaseService, renderer: Renderer) {
        self.database = database
        self.renderer = renderer
    }

    var directory: DirectoryRepository { DirectoryRepository(database: database.db) }
    var queue: QueueService { QueueService(database: database) }

    package func addRoutes(to router: Router<AppRequestContext>) {
        let group = router.group()
        group.get(RouterPath(CentresPaths.adminList), use: list)
        group.get(RouterPath(CentresPaths.consolePattern), use: console)
        group.post(RouterPath(CentresPaths.receptionPattern), use: reception)
        group.post(RouterPath(CentresPaths.counterOpenPattern), use: openCounter)
        group.post(RouterPath(CentresPaths.counterClosePattern), use: closeCounter)
        group.post(RouterPath(CentresPaths.counterCallPattern), use: callNext)
        group.post(RouterPath(CentresPaths.counterActionPattern), use: ticketAction)
    }

    /// The signed-in agent or manager, who must act for this centre.
    static func principal(_ context: AppRequestContext, centre: String) throws -> Principal {
        let principal = try context.require(.centreAgent, .centreManager)
        guard principal.actsFor(centre: centre) else { throw AppError(.forbidden, code: "forbidden") }
        return principal
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.centreAgent, .centreManager)
        let v = CentresView(context, renderer.localizer)
        let centres = try await directory.centres().filter { principal.actsFor(centre: $0.id) }
        let items = centres.map { CentreItem(href: CentresPaths.console($0.id), name: $0.name.text(v.language), department: $0.department, planned: false) }
        return try renderer.page("centres-admin", title: v.t("console_title"), page: AdminListPage(centres: items, empty: items.isEmpty), request: request, context: context)
    }

    @Sendable func console(_ request: Request, context: AppRequestContext) async throws -> Response {
        let centreId = try CentresView.id(context)
        let principal = try Self.principal(context, centre: centreId)
        let v = CentresView(context, renderer.localizer)
        let centre = try await directory.requireCentre(centreId)
        let services = try await directory.services(centre.id)
        let waiting = try await queue.waitingCounts(centre: centre.id)
        let names = Dictionary(uniqueKeysWithValues: services.map { ($0.id, "\($0.letter) · \($0.name.text(v.language))") })
        var counters: [CounterView] = []
        for counter in try await directory.counters(centre.id) {
            let current = try await queue.current(counter: counter.id)
            counters.append(
                CounterView(
                    label: counter.label, isOpen: counter.isOpen, mine: counter.agent == principal.actor,
                    agent: counter.agent.map { $0 == principal.actor ? v.t("you") : v.t("another_agent") },
                    services: counter.serviceIds.compactMap { names[$0] }.joined(separator: ", "),
                    openAction: CentresPaths.counterOpen(centre.id, counter.id), closeAction: CentresPaths.counterClose(centre.id, counter.id),
                    callAction: CentresPaths.counterCall(centre.id, counter.id),
                    choices: services.map { ServiceChoice(id: $0.id, name: names[$0.id] ?? $0.id, field: "s-\(counter.id)-\($0.letter)", checked: counter.serviceIds.contains($0.id)) },
                    current: current.map { ticket in
                        CurrentTicket(
                            label: ticket.label, status: v.status(ticket.status), service: names[ticket.serviceId] ?? "", called: ticket.ticketStatus == .called,
                            serving: ticket.ticketStatus == .serving, priority: ticket.ticketPriority == .none ? nil : v.priority(ticket.priority),
                            recall: CentresPaths.counterAction(centre.id, counter.id, ticket.id, QueueService.Action.recall.rawValue),
                            start: CentresPaths.counterAction(centre.id, counter.id, ticket.id, QueueService.Action.start.rawValue),
                            finish: CentresPaths.counterAction(centre.id, counter.id, ticket.id, QueueService.Action.finish.rawValue),
                            noShow: CentresPaths.counterAction(centre.id, counter.id, ticket.id, QueueService.Action.noShow.rawValue),
                            transfer: CentresPaths.counterAction(centre.id, counter.id, ticket.id, "transfer"),
                            transferField: "t-\(counter.id)",
                            assisted: ticket.ticketStatus == .serving ? CentresPaths.assistedApplication(ticket: ticket.id) : nil,
                            targets: services.filter { $0.id != ticket.serviceId }.map { ServiceChoice(id: $0.id, name: names[$0.id] ?? $0.id, field: "", checked: false) })
                    }))
        }
        let page = ConsolePage(
            name: centre.name.text(v.language), board: CentresPaths.board(centre.id),
            dashboard: principal.isAdministrator || principal.role == .centreManager ? CentresPaths.dashboard(centre.id) : nil,
            queues: services.map { QueueLine(name: names[$0.id] ?? $0.id, waiting: String(waiting[$0.id] ?? 0)) },
            counters: counters, reception: CentresPaths.reception(centre.id),
            services: services.map { ServiceChoice(id: $0.id, name: names[$0.id] ?? $0.id, field: "", checked: false) },
            priorities: Priority.allCases.map { PriorityChoice(value: $0.rawValue, label: v.priority($0.rawValue), checked: $0 == .none) },
            issued: request.form["issued"].map { v.t("issued_notice", ["label": String($0.prefix(5))]) }, requestToken: UUID().uuidString.lowercased())
        return try renderer.page("centres-console", title: v.t("console_title"), page: page, request: request, context: context)
    }

    func back(_ centre: String, _ extra: String = "") -> Response {
        Response(status: .seeOther, headers: [.location: CentresPaths.console(centre) + extra])
    }

    @Sendable func reception(_ request: Request, context: AppRequestContext) async throws -> Response {
        let centreId = try CentresView.id(context)
        let principal = try Self.principal(context, centre: centreId)
        let form = context.postForm
        let ticket = try await queue.issue(
            .init(
                centreId: centreId, serviceId: form["service"] ?? "", priority: try CentresPagesController.priority(form["priority"], allowAppointment: true),
                channel: .reception, requestToken: CentresPagesController.token(form["request"]), actor: principal.actor))
        return back(centreId, "?issued=\(ticket.label)")
    }

    @Sendable func openCounter(_ request: Request, context: AppRequestContext) async throws -> Response {
        let centreId = try CentresView.id(context)
        let principal = try Self.principal(context, centre: centreId)
        let counter = try CentresView.id(context, "counter")
        let services = context.postForm.items.filter { $0.name == "service" }.map(\.value)
        try await queue.openCounter(centre: centreId, counter: counter, services: services, actor: principal.actor)
        return back(centreId)
    }

    @Sendable func closeCounter(_ request: Request, context: AppRequestContext) async throws -> Response {
        let centreId = try CentresView.id(context)
        let principal = try Self.principal(context, centre: centreId)
        try await queue.closeCounter(centre: centreId, counter: try CentresView.id(context, "counter"), actor: principal.actor)
        return back(centreId)
    }

    @Sendable func callNext(_ request: Request, context: AppRequestContext) async throws -> Response {
        let centreId = try CentresView.id(context)
        let principal = try Self.principal(context, centre: centreId)
        let ticket = try await queue.callNext(centre: centreId, counter: try CentresView.id(context, "counter"), actor: principal.actor)
        return back(centreId, ticket == nil ? "?empty=1" : "")
    }

    @Sendable func ticketAction(_ request: Request, context: AppRequestContext) async throws -> Response {
        let centreId = try CentresView.id(context)
        let principal = try Self.principal(context, centre: centreId)
        let counter = try CentresView.id(context, "counter")
        let ticket = try CentresView.id(context, "ticket")
        let name = try CentresView.id(context, "action")
        if name == "transfer" {
            _ = try await queue.transfer(ticket: ticket, centre: centreId, counter: counter, to: context.postForm["service"] ?? "", actor: principal.actor)
        } else {
            guard let action = QueueService.Action(rawValue: name) else { throw AppError.notFound() }
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
    /// While the visitor is served: where the agent files an application on their behalf.
    let assisted: String?
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

// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import Hummingbird

/// Taking a ticket at the kiosk or from afar, the ticket's page and the display board.
struct TicketPagesController: Sendable {
    let renderer: Renderer
    let directory: DirectoryRepository
    let queue: QueueService
    let estimator: WaitEstimator
    let feedback: FeedbackService
    let flood: FloodGuard
    let serviceLines: ServiceLines
    let screenStylesheet: ScreenStylesheet
    let clock: any WallClock

    /// The board and a waiting ticket's page reload themselves this often (seconds).
    static let refreshSeconds = 15

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(CentresRoute.board, use: board)
        router.get(CentresRoute.ticket, use: ticket)
        // Pages holding a form: never cached (the CSRF token is per visitor).
        router.get(CentresRoute.kiosk, use: kiosk)
        router.post(CentresRoute.kioskTickets, use: issueAtKiosk)
        router.get(CentresRoute.remote, use: remoteForm)
        router.post(CentresRoute.remote, use: issueRemote)
    }

    // MARK: - Kiosk and remote tickets

    @Sendable func kiosk(_ request: Request, context: AppRequestContext) async throws -> Response {
        let centre = try await directory.requireCentre(try context.pathValue())
        return try await renderKiosk(request, context, centre: centre, error: nil, status: .ok)
    }

    /// The kiosk's screen, also shown again with the reason when a ticket or a check-in is refused.
    func renderKiosk(_ request: Request, _ context: AppRequestContext, centre: Centre, error: String?, status: HTTPResponse.Status)
        async throws -> Response
    {
        let page = PageContext.centres(context, renderer)
        let services = try await serviceLines.lines(centre, page, now: clock.now)
        let model = KioskPage(
            name: centre.name.text(page.language), action: page.link(CentresRoute.kioskTickets, centre.id), requestToken: CentresForms.newToken(),
            services: services, priorities: Self.priorityChoices(page, allowAppointment: false),
            other: page.otherLanguage(path: CentresRoute.kiosk.path(centre.id)), css: screenStylesheet.versionedPath,
            checkIn: page.link(CentresRoute.checkIn, centre.id), error: error)
        return try renderer.page("centres-kiosk", title: model.name, page: model, request: request, context: context, status: status)
    }

    static func priorityChoices(_ page: PageContext, allowAppointment: Bool) -> [PriorityChoice] {
        Priority.allCases.filter { allowAppointment || $0 != .appointment }.map {
            PriorityChoice(value: $0.rawValue, label: page.priority($0.rawValue), checked: $0 == .none)
        }
    }

    @Sendable func issueAtKiosk(_ request: Request, context: AppRequestContext) async throws -> Response {
        let centreId = try context.pathValue()
        let form = context.postForm
        let priority = try CentresForms.priority(form["priority"], allowAppointment: false)
        // A kiosk gives tickets while the centre is open, and no faster than a queue of people can take them.
        let centre = try await directory.requireCentre(centreId)
        let now = clock.now
        guard try await directory.isOpen(centre, at: now) else {
            let page = PageContext.centres(context, renderer)
            return try await renderKiosk(request, context, centre: centre, error: page.text(key: "errors.centre_closed"), status: .conflict)
        }
        try await flood.kioskTicket(centre: centre.id, address: context.clientAddress)
        let issued = try await queue.issueOnce(
            .init(
                centreId: centre.id, serviceId: form["service"] ?? "", priority: priority, channel: .kiosk,
                requestToken: CentresForms.token(form["request"]), actor: "kiosk:\(centre.id)"), in: centre, at: now)
        let page = PageContext.centres(context, renderer)
        return CentresForms.redirect(page.link(CentresRoute.ticket, issued.ticket.code, query: [("kiosk", "1")]))
    }

    @Sendable func remoteForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let centre = try await directory.requireCentre(try context.pathValue())
        return try await renderRemote(request, context, centre: centre, error: nil, status: .ok)
    }

    func renderRemote(_ request: Request, _ context: AppRequestContext, centre: Centre, error: String?, status: HTTPResponse.Status)
        async throws -> Response
    {
        let page = PageContext.centres(context, renderer)
        let now = clock.now
        // A link "take a ticket for this service" (the procedure page) chooses it beforehand.
        let chosen = context.postForm["service"] ?? request.form["service"]
        let services = try await serviceLines.lines(centre, page, now: now).map { line in
            var line = line
            line.selected = line.id == chosen
            return line
        }
        let model = RemotePage(
            name: centre.name.text(page.language), action: page.link(CentresRoute.remote, centre.id), requestToken: CentresForms.newToken(),
            services: services, error: error, openNow: try await directory.isOpen(centre, at: now))
        return try renderer.page("centres-remote", title: page.t("remote_title"), page: model, request: request, context: context, status: status)
    }

    @Sendable func issueRemote(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = PageContext.centres(context, renderer)
        let centre = try await directory.requireCentre(try context.pathValue())
        let now = clock.now
        guard try await directory.isOpen(centre, at: now) else { throw AppError.conflict("centre_closed") }
        try await flood.remoteTicket(address: context.clientAddress)
        let form = context.postForm
        do {
            var ticketRequest = QueueService.IssueRequest(
                centreId: centre.id, serviceId: form["service"] ?? "", channel: .remote, phone: form["phone"] ?? "",
                requestToken: CentresForms.token(form["request"]), actor: "remote")
            ticketRequest.language = context.language.rawValue
            let issued = try await queue.issueOnce(ticketRequest, in: centre, at: now)
            return CentresForms.redirect(page.link(CentresRoute.ticket, issued.ticket.code))
        } catch let error as AppError where error.status == .unprocessableContent {
            return try await renderRemote(request, context, centre: centre, error: page.t("errors.\(error.code)"), status: .unprocessableContent)
        }
    }

    // MARK: - Ticket page and display board

    @Sendable func ticket(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = PageContext.centres(context, renderer)
        guard let ticket = try await queue.ticket(code: try context.pathValue("code").uppercased()) else {
            throw AppError.notFound("ticket_not_found")
        }
        let centre = try await directory.requireCentre(ticket.centreId)
        let service = try await directory.service(ticket.serviceId)
        let counters = try await directory.counters(centre.id)
        var position: Int?
        var estimate: String?
        if ticket.ticketStatus == .waiting {
            let ahead = try await queue.position(of: ticket)
            position = ahead
            let open = WaitRules.openCounters(counters)[ticket.serviceId] ?? 0
            estimate = page.wait(try await estimator.estimate(service: ticket.serviceId, ahead: ahead, openCounters: open))
        }
        let counter = ticket.counterId.flatMap { id in counters.first { $0.id == id } }
        let canRate = ticket.ticketStatus == .done ? !(try await feedback.hasAnswer(ticket: ticket)) : false
        let kiosk = request.form["kiosk"] == "1"
        let model = TicketPage(
            heading: page.t("ticket_heading", ["label": ticket.label]), label: ticket.label, code: ticket.code,
            centre: centre.name.text(page.language),
            centreHref: page.link(CentresRoute.centre, centre.id), service: service?.name.text(page.language) ?? "",
            status: page.status(ticket.status),
            waiting: ticket.ticketStatus == .waiting, ahead: position.map(String.init), estimate: estimate,
            issued: CentreClock.localTime(ticket.issuedAt, in: centre.timeZone),
            counter: counter.map { page.t("go_to_counter", ["counter": $0.label]) },
            priority: ticket.ticketPriority == .none ? nil : page.priority(ticket.priority),
            feedback: canRate ? page.link(CentresRoute.ticketFeedback, ticket.code) : nil, kiosk: kiosk,
            kioskHref: page.link(CentresRoute.kiosk, centre.id), refresh: Self.refreshSeconds, css: screenStylesheet.versionedPath,
            boardHref: page.link(CentresRoute.board, centre.id),
            position: position.map { page.t("ticket_position", ["position": String($0 + 1), "ahead": String($0)]) },
            called: ticket.ticketStatus == .called, served: ticket.ticketStatus == .done)
        var response = try renderer.page(
            kiosk ? "centres-kiosk-ticket" : "centres-ticket", title: page.t("ticket_title", ["label": ticket.label]), page: model, request: request,
            context: context)
        if ticket.ticketStatus == .waiting || ticket.ticketStatus == .called {
            response.headers[.refresh] = String(Self.refreshSeconds)
        }
        // The code is the only key to the ticket: keep the page out of shared caches and referrers.
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func board(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = PageContext.centres(context, renderer)
        let centre = try await directory.requireCentre(try context.pathValue())
        let counters = Dictionary(uniqueKeysWithValues: try await directory.counters(centre.id).map { ($0.id, $0.label) })
        let called = try await queue.recentlyCalled(centre: centre.id, limit: 8)
        let rows = called.enumerated().map { index, ticket in
            BoardRow(label: ticket.label, counter: ticket.counterId.flatMap { counters[$0] } ?? "—", latest: index == 0)
        }
        let waiting = try await queue.waitingCounts(centre: centre.id).values.reduce(0, +)
        let model = BoardPage(
            name: centre.name.text(page.language), rows: rows, empty: rows.isEmpty, waiting: page.t("board_waiting", ["count": String(waiting)]),
            time: CentreClock.localTime(clock.now, in: centre.timeZone), refresh: Self.refreshSeconds, css: screenStylesheet.versionedPath)
        var response = try renderer.page("centres-board", title: page.t("board_title"), page: model, request: request, context: context)
        response.headers[.refresh] = String(Self.refreshSeconds)
        return response
    }
}

import Foundation
import GuichetCore
import Hummingbird

/// The public pages: directory, map, centre, kiosk, remote ticket, ticket, display board, feedback, GeoJSON.
package struct CentresPagesController: Sendable {
    let database: DatabaseService
    let renderer: Renderer
    let screenStylesheet: ScreenStylesheet
    let flood: FloodGuard

    package init(database: DatabaseService, renderer: Renderer, limits: PublicLimits = PublicLimits()) throws {
        self.database = database
        self.renderer = renderer
        self.screenStylesheet = try ScreenStylesheet(file: CentresResources.directory.appendingPathComponent("Public/centres.css"))
        self.flood = FloodGuard(database: database, limits: limits)
    }

    var directory: DirectoryRepository { DirectoryRepository(database: database.db) }
    var queue: QueueService { QueueService(database: database) }
    var estimator: WaitEstimator { WaitEstimator(database: database.db) }
    /// The board and a waiting ticket's page reload themselves this often (seconds).
    static let refreshSeconds = 15

    package func addRoutes(to router: Router<AppRequestContext>) {
        router.get(RouterPath(CentresPaths.stylesheet)) { [screenStylesheet] request, _ in screenStylesheet.response(request) }
        router.get(RouterPath(CentresPaths.list), use: list)
        router.get(RouterPath(CentresPaths.geoJSON), use: geoJSON)
        router.get(RouterPath(CentresPaths.centrePattern), use: centre)
        router.get(RouterPath(CentresPaths.boardPattern), use: board)
        router.get(RouterPath(CentresPaths.ticketPattern), use: ticket)
        // Pages holding a form: never cached (the CSRF token is per visitor).
        router.get(RouterPath(CentresPaths.kioskPattern), use: kiosk)
        router.post(RouterPath(CentresPaths.kioskTicketsPattern), use: issueAtKiosk)
        router.get(RouterPath(CentresPaths.remotePattern), use: remoteForm)
        router.post(RouterPath(CentresPaths.remotePattern), use: issueRemote)
        router.get(RouterPath(CentresPaths.tabletPattern), use: tabletForm)
        router.post(RouterPath(CentresPaths.tabletPattern), use: tabletAnswer)
        router.get(RouterPath(CentresPaths.ticketFeedbackPattern), use: ticketFeedbackForm)
        router.post(RouterPath(CentresPaths.ticketFeedbackPattern), use: ticketFeedbackAnswer)
    }

    // MARK: - Directory

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let v = CentresView(context, renderer.localizer)
        let all = try await directory.centres()
        let countries = Array(Set(all.map(\.country))).sorted()
        let chosen = request.form["country"].map { $0.uppercased() }
        if let chosen, !countries.contains(chosen) { throw AppError.badParameter("country", value: chosen) }
        let shown = countries.filter { chosen == nil || $0 == chosen }
        let groups = shown.map { code -> CountryGroup in
            let centres = all.filter { $0.country == code }
            let regions = Dictionary(grouping: centres, by: \.region).keys.sorted().map { region in
                RegionGroup(
                    name: region,
                    centres: centres.filter { $0.region == region }.map { centre in
                        CentreItem(
                            href: v.link(CentresPaths.centre(centre.id)), name: centre.name.text(v.language),
                            department: centre.name.text(v.language).contains(centre.department) ? nil : centre.department, planned: !centre.isOpenStatus)
                    })
            }
            // A point is named by its department, or by the centre's name where a department has several.
            let perDepartment = Dictionary(grouping: centres, by: \.department).mapValues(\.count)
            let points = centres.map {
                SVG.Point(
                    latitude: $0.latitude, longitude: $0.longitude, label: perDepartment[$0.department] == 1 ? $0.department : $0.name.text(v.language),
                    href: v.link(CentresPaths.centre($0.id)), filled: $0.isOpenStatus)
            }
            return CountryGroup(
                name: v.t("country.\(code)"), count: v.t("count", ["count": String(centres.count)]),
                map: SVG.map(points, title: v.t("map_title", ["country": v.t("country.\(code)")])), regions: regions)
        }
        let filters = countries.map { code in
            Filter(href: "\(CentresPaths.list)?country=\(code)", name: v.t("country.\(code)"), current: code == chosen)
        }
        let page = ListPage(filters: filters, allHref: v.link(CentresPaths.list), countries: groups, geoJSON: CentresPaths.geoJSON)
        return try renderer.page("centres-list", title: v.t("list_title"), page: page, request: request, context: context)
    }

    @Sendable func geoJSON(_ request: Request, context: AppRequestContext) async throws -> Response {
        let centres = try await directory.centres()
        let features = centres.map { centre in
            GeoFeature(
                geometry: .init(coordinates: [centre.longitude, centre.latitude]),
                properties: .init(
                    id: centre.id, name: centre.name.fr, nameEn: centre.name.en, country: centre.country, region: centre.region,
                    department: centre.department, status: centre.status, timezone: centre.timezone, url: CentresPaths.centre(centre.id)))
        }
        var response = try JSONResponse.make(GeoCollection(features: features))
        response.headers[.contentType] = "application/geo+json"
        return response
    }

    @Sendable func centre(_ request: Request, context: AppRequestContext) async throws -> Response {
        let v = CentresView(context, renderer.localizer)
        let centre = try await directory.requireCentre(try CentresView.id(context))
        let now = Date()
        let zone = centre.timeZone
        let hours = try await directory.hours(centre.id)
        let today = CentreClock.weekday(now, in: zone)
        let days = (1...7).map { day -> DayHours in
            let spans = hours.filter { $0.weekday == day }
            return DayHours(
                name: v.t("weekday.\(day)"), today: day == today,
                hours: spans.isEmpty ? v.t("closed") : spans.map { "\(CentreClock.hhmm($0.opens))–\(CentreClock.hhmm($0.closes))" }.joined(separator: ", "))
        }
        let closures = try await directory.closures(centre.id, from: CentreClock.day(now, in: zone)).prefix(5).map {
            ClosureItem(day: $0.day, reason: $0.reason.text(v.language))
        }
        let services = try await serviceLines(centre, v, now: now)
        let commitments = try await directory.commitments()
        let month = CentreClock.month(now, in: zone)
        let result = try await ResultsService(database: database.db).result(
            centre: centre, month: month, waitMinutes: ResultsService.waitMinutes(commitments))
        let page = CentrePage(
            name: centre.name.text(v.language), planned: !centre.isOpenStatus, place: "\(centre.department), \(centre.region)",
            address: centre.address?.text(v.language), timezone: "\(centre.timezone) (\(CentreClock.offsetLabel(zone, at: now)))",
            localTime: CentreClock.localTime(now, in: zone), openNow: try await directory.isOpen(centre, at: now), days: days,
            hoursConfirmed: centre.hoursConfirmed, closures: Array(closures), hasClosures: !closures.isEmpty, services: services,
            hasServices: !services.isEmpty,
            result: ResultLine(
                month: month, called: String(result.called), within: result.withinPercent.map { "\(SVG.number($0)) %" } ?? "—",
                satisfaction: result.satisfactionPercent.map { "\(SVG.number($0)) %" } ?? "—", answers: String(result.feedback),
                minutes: String(ResultsService.waitMinutes(commitments))),
            sources: centre.sources.map { SourceItem(title: $0.title, url: $0.url) },
            kiosk: v.link(CentresPaths.kiosk(centre.id)), remote: v.link(CentresPaths.remote(centre.id)),
            appointments: v.link(CentresPaths.appointments(centre.id)), board: v.link(CentresPaths.board(centre.id)),
            tablet: v.link(CentresPaths.tablet(centre.id)), results: v.link(CentresPaths.results), list: v.link(CentresPaths.list))
        return try renderer.page("centres-centre", title: page.name, page: page, request: request, context: context)
    }

    /// Each service with its waiting count and today's estimated wait for a ticket taken now.
    func serviceLines(_ centre: Centre, _ v: CentresView, now: Date) async throws -> [ServiceLine] {
        let services = try await directory.services(centre.id)
        let waiting = try await queue.waitingCounts(centre: centre.id)
        let open = WaitEstimator.openCounters(try await directory.counters(centre.id))
        var lines: [ServiceLine] = []
        for service in services {
            let ahead = waiting[service.id] ?? 0
            let estimate = try await estimator.estimate(service: service.id, ahead: ahead, openCounters: open[service.id] ?? 0, now: now)
            lines.append(
                ServiceLine(
                    id: service.id, letter: service.letter, name: service.name.text(v.language), waiting: String(ahead), estimate: v.wait(estimate),
                    procedures: service.procedures.map { ProcedureLink(href: "/procedures/\($0)" + v.langQuery, id: $0) },
                    hasProcedures: !service.procedures.isEmpty))
        }
        return lines
    }

    // MARK: - Kiosk and remote tickets

    @Sendable func kiosk(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await renderKiosk(request, context, error: nil, status: .ok)
    }

    func renderKiosk(_ request: Request, _ context: AppRequestContext, error: String?, status: HTTPResponse.Status) async throws -> Response {
        let v = CentresView(context, renderer.localizer)
        let centre = try await directory.requireCentre(try CentresView.id(context))
        let services = try await serviceLines(centre, v, now: Date())
        let page = KioskPage(
            name: centre.name.text(v.language), action: v.link(CentresPaths.kioskTickets(centre.id)), requestToken: UUID().uuidString.lowercased(),
            services: services, priorities: priorityChoices(v), other: LanguageChoice(context, path: CentresPaths.kiosk(centre.id), v),
            css: screenStylesheet.versionedPath, checkIn: v.link(CentresPaths.checkIn(centre.id)), error: error)
        return try renderer.page("centres-kiosk", title: page.name, page: page, request: request, context: context, status: status)
    }

    func priorityChoices(_ v: CentresView) -> [PriorityChoice] {
        Priority.allCases.filter { $0 != .appointment }.map {
            PriorityChoice(value: $0.rawValue, label: v.priority($0.rawValue), checked: $0 == .none)
        }
    }

    @Sendable func issueAtKiosk(_ request: Request, context: AppRequestContext) async throws -> Response {
        let centreId = try CentresView.id(context)
        let form = context.postForm
        let priority = try Self.priority(form["priority"], allowAppointment: false)
        // A kiosk gives tickets while the centre is open, and no faster than a queue of people can take them.
        let centre = try await directory.requireCentre(centreId)
        guard try await directory.isOpen(centre, at: Date()) else {
            return try await renderKiosk(request, context, error: CentresView(context, renderer.localizer).t("errors.centre_closed"), status: .conflict)
        }
        try await flood.kioskTicket(centre: centreId, address: context.clientAddress)
        let ticket = try await queue.issue(
            .init(
                centreId: centreId, serviceId: form["service"] ?? "", priority: priority, channel: .kiosk, requestToken: Self.token(form["request"]),
                actor: "kiosk:\(centreId)"))
        return Self.redirect(CentresPaths.ticket(ticket.code) + "?kiosk=1" + (context.languageInQuery ? "&lang=\(context.language.rawValue)" : ""))
    }

    @Sendable func remoteForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await renderRemote(request, context: context, error: nil, status: .ok)
    }

    func renderRemote(_ request: Request, context: AppRequestContext, error: String?, status: HTTPResponse.Status) async throws -> Response {
        let v = CentresView(context, renderer.localizer)
        let centre = try await directory.requireCentre(try CentresView.id(context))
        let services = try await serviceLines(centre, v, now: Date())
        let page = RemotePage(
            name: centre.name.text(v.language), action: v.link(CentresPaths.remote(centre.id)), requestToken: UUID().uuidString.lowercased(),
            services: services, error: error, openNow: try await directory.isOpen(centre, at: Date()))
        return try renderer.page("centres-remote", title: v.t("remote_title"), page: page, request: request, context: context, status: status)
    }

    @Sendable func issueRemote(_ request: Request, context: AppRequestContext) async throws -> Response {
        let v = CentresView(context, renderer.localizer)
        let centre = try await directory.requireCentre(try CentresView.id(context))
        guard try await directory.isOpen(centre, at: Date()) else { throw AppError.conflict("centre_closed") }
        try await flood.remoteTicket(address: context.clientAddress)
        let form = context.postForm
        do {
            let ticket = try await queue.issue(
                .init(
                    centreId: centre.id, serviceId: form["service"] ?? "", channel: .remote, phone: form["phone"] ?? "",
                    requestToken: Self.token(form["request"]), actor: "remote"))
            return Self.redirect(v.link(CentresPaths.ticket(ticket.code)))
        } catch let error as AppError where error.status == .unprocessableContent {
            return try await renderRemote(request, context: context, error: v.t("errors.\(error.code)"), status: .unprocessableContent)
        }
    }

    static func priority(_ raw: String?, allowAppointment: Bool) throws -> Priority {
        guard let raw, !raw.isEmpty else { return .none }
        guard let priority = Priority(rawValue: raw), allowAppointment || priority != .appointment else {
            throw AppError.validation(field: "priority", code: "priority_unknown")
        }
        return priority
    }

    /// The form's one-time token (a UUID), kept only when it has that shape.
    static func token(_ raw: String?) -> String? {
        guard let raw, raw.count == 36, UUID(uuidString: raw) != nil else { return nil }
        return raw.lowercased()
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    // MARK: - Ticket page and display board

    @Sendable func ticket(_ request: Request, context: AppRequestContext) async throws -> Response {
        let v = CentresView(context, renderer.localizer)
        let code = try CentresView.id(context, "code").uppercased()
        guard let ticket = try await queue.ticket(code: code) else { throw AppError.notFound("ticket_not_found") }
        let centre = try await directory.requireCentre(ticket.centreId)
        let service = try await directory.service(ticket.serviceId)
        let counters = try await directory.counters(centre.id)
        var position: Int?
        var estimate: String?
        if ticket.ticketStatus == .waiting {
            let ahead = try await queue.position(of: ticket)
            position = ahead
            let open = WaitEstimator.openCounters(counters)[ticket.serviceId] ?? 0
            estimate = v.wait(try await estimator.estimate(service: ticket.serviceId, ahead: ahead, openCounters: open))
        }
        let counter = ticket.counterId.flatMap { id in counters.first { $0.id == id } }
        var canRate = false
        if ticket.ticketStatus == .done { canRate = !(try await FeedbackService(database: database).hasAnswer(ticket: ticket)) }
        let kiosk = request.form["kiosk"] == "1"
        let page = TicketPage(
            heading: v.t("ticket_heading", ["label": ticket.label]), label: ticket.label, code: ticket.code, centre: centre.name.text(v.language), centreHref: v.link(CentresPaths.centre(centre.id)),
            service: service?.name.text(v.language) ?? "", status: v.status(ticket.status), waiting: ticket.ticketStatus == .waiting,
            ahead: position.map(String.init), estimate: estimate,
            issued: CentreClock.parse(ticket.issuedAt).map { CentreClock.localTime($0, in: centre.timeZone) } ?? "",
            counter: counter.map { v.t("go_to_counter", ["counter": $0.label]) }, priority: ticket.ticketPriority == .none ? nil : v.priority(ticket.priority),
            feedback: canRate ? v.link(CentresPaths.ticketFeedback(ticket.code)) : nil, kiosk: kiosk,
            kioskHref: v.link(CentresPaths.kiosk(centre.id)), refresh: Self.refreshSeconds, css: screenStylesheet.versionedPath)
        var response = try renderer.page(kiosk ? "centres-kiosk-ticket" : "centres-ticket", title: v.t("ticket_title", ["label": ticket.label]), page: page, request: request, context: context)
        if ticket.ticketStatus == .waiting || ticket.ticketStatus == .called {
            response.headers[.refresh] = String(Self.refreshSeconds)
        }
        // The code is the only key to the ticket: keep the page out of shared caches and referrers.
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func board(_ request: Request, context: AppRequestContext) async throws -> Response {
        let v = CentresView(context, renderer.localizer)
        let centre = try await directory.requireCentre(try CentresView.id(context))
        let counters = Dictionary(uniqueKeysWithValues: try await directory.counters(centre.id).map { ($0.id, $0.label) })
        let called = try await queue.recentlyCalled(centre: centre.id, limit: 8)
        let rows = called.enumerated().map { index, ticket in
            BoardRow(label: ticket.label, counter: ticket.counterId.flatMap { counters[$0] } ?? "—", latest: index == 0)
        }
        let waiting = try await queue.waitingCounts(centre: centre.id).values.reduce(0, +)
        let page = BoardPage(
            name: centre.name.text(v.language), rows: rows, empty: rows.isEmpty, waiting: v.t("board_waiting", ["count": String(waiting)]),
            time: CentreClock.localTime(Date(), in: centre.timeZone), refresh: Self.refreshSeconds, css: screenStylesheet.versionedPath)
        var response = try renderer.page("centres-board", title: v.t("board_title"), page: page, request: request, context: context)
        response.headers[.refresh] = String(Self.refreshSeconds)
        return response
    }

    // MARK: - Feedback

    @Sendable func tabletForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let v = CentresView(context, renderer.localizer)
        let centre = try await directory.requireCentre(try CentresView.id(context))
        return try renderFeedback(
            request, context, v, name: centre.name.text(v.language), action: v.link(CentresPaths.tablet(centre.id)),
            thanks: request.form["thanks"] == "1", error: nil, status: .ok)
    }

    @Sendable func tabletAnswer(_ request: Request, context: AppRequestContext) async throws -> Response {
        let v = CentresView(context, renderer.localizer)
        let centreId = try CentresView.id(context)
        do {
            _ = try await directory.requireCentre(centreId)
            try await flood.tabletAnswer(centre: centreId, address: context.clientAddress)
            try await FeedbackService(database: database).answerAtTablet(centre: centreId, Self.answer(context.postForm))
        } catch let error as AppError where error.status == .unprocessableContent {
            let centre = try await directory.requireCentre(centreId)
            return try renderFeedback(
                request, context, v, name: centre.name.text(v.language), action: v.link(CentresPaths.tablet(centre.id)), thanks: false,
                error: v.t("errors.\(error.code)"), status: .unprocessableContent)
        }
        return Self.redirect(CentresPaths.tablet(centreId) + "?thanks=1" + (context.languageInQuery ? "&lang=\(context.language.rawValue)" : ""))
    }

    @Sendable func ticketFeedbackForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let v = CentresView(context, renderer.localizer)
        let ticket = try await feedbackTicket(context)
        let centre = try await directory.requireCentre(ticket.centreId)
        return try renderFeedback(
            request, context, v, name: centre.name.text(v.language), action: v.link(CentresPaths.ticketFeedback(ticket.code)),
            thanks: request.form["thanks"] == "1", error: nil, status: .ok)
    }

    @Sendable func ticketFeedbackAnswer(_ request: Request, context: AppRequestContext) async throws -> Response {
        let v = CentresView(context, renderer.localizer)
        let ticket = try await feedbackTicket(context)
        do {
            try await FeedbackService(database: database).answer(ticket: ticket, Self.answer(context.postForm))
        } catch let error as AppError where error.status == .unprocessableContent {
            let centre = try await directory.requireCentre(ticket.centreId)
            return try renderFeedback(
                request, context, v, name: centre.name.text(v.language), action: v.link(CentresPaths.ticketFeedback(ticket.code)), thanks: false,
                error: v.t("errors.\(error.code)"), status: .unprocessableContent)
        }
        return Self.redirect(CentresPaths.ticketFeedback(ticket.code) + "?thanks=1" + (context.languageInQuery ? "&lang=\(context.language.rawValue)" : ""))
    }

    func feedbackTicket(_ context: AppRequestContext) async throws -> Ticket {
        let code = try CentresView.id(context, "code").uppercased()
        guard let ticket = try await queue.ticket(code: code) else { throw AppError.notFound("ticket_not_found") }
        return ticket
    }

    static func answer(_ form: FormQuery) -> FeedbackService.Answer {
        FeedbackService.Answer(rating: Int(form["rating"] ?? "") ?? 0, reason: form["reason"], comment: form["comment"])
    }

    func renderFeedback(
        _ request: Request, _ context: AppRequestContext, _ v: CentresView, name: String, action: String, thanks: Bool, error: String?,
        status: HTTPResponse.Status
    ) throws -> Response {
        let ratings = (1...4).reversed().map { RatingChoice(value: String($0), label: v.t("rating.\($0)"), face: Self.faces[$0 - 1]) }
        let reasons = FeedbackService.reasons.map { ReasonChoice(value: $0, label: v.t("reason.\($0)")) }
        let page = FeedbackPage(
            name: name, action: action, thanks: thanks, error: error, ratings: ratings, reasons: reasons, maxComment: FeedbackService.maxComment,
            css: screenStylesheet.versionedPath, other: LanguageChoice(context, path: request.uri.path, v))
        return try renderer.page("centres-feedback", title: v.t("feedback_title"), page: page, request: request, context: context, status: status)
    }

    /// Very dissatisfied … very satisfied.
    static let faces = ["😠", "🙁", "🙂", "😀"]
}

struct LanguageChoice {
    let href: String
    let label: String
    let lang: String

    init(_ context: AppRequestContext, path: String, _ v: CentresView) {
        let other = context.language.other
        href = "\(path)?lang=\(other.rawValue)"
        label = v.localizer.text("layout.switch_language", context.language)
        lang = other.rawValue
    }
}

// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import Hummingbird

/// The centres' JSON API: the directory with today's estimated waits, remote tickets and a ticket's place in the queue.
/// Taking a ticket is open to anyone, like the remote-ticket page: an `Idempotency-Key` makes a retry return the ticket
/// already taken. A ticket is found by its code only, and no answer ever holds a phone number or an agent.
package struct CentresAPIController: Sendable {
    let directory: DirectoryRepository
    let queue: QueueService
    let estimator: WaitEstimator
    let flood: FloodGuard
    let clock: any WallClock

    /// (method, path as the OpenAPI document writes it), from `CentresRoute`.
    package static var routes: [(method: String, path: String)] { CentresRoute.apiRoutes }

    static let maxBody = 4096

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(CentresRoute.apiCentres, use: centres)
        router.get(CentresRoute.apiCentre, use: centre)
        router.post(CentresRoute.apiTickets, use: takeTicket)
        router.get(CentresRoute.apiTicket, use: ticket)
    }

    // MARK: - Directory

    @Sendable func centres(_ request: Request, context: AppRequestContext) async throws -> Response {
        let all = try await directory.centres()
        var country: String?
        if let raw = request.form["country"], !raw.isEmpty {
            guard all.contains(where: { $0.country == raw.uppercased() }) else { throw AppError.badParameter("country", value: raw) }
            country = raw.uppercased()
        }
        let items = all.filter { country == nil || $0.country == country }.map(CentreSummaryDTO.init)
        return try Self.json(CentreListDTO(items: items, page: 1, perPage: max(items.count, 1), total: items.count))
    }

    @Sendable func centre(_ request: Request, context: AppRequestContext) async throws -> Response {
        let centre = try await directory.requireCentre(try context.pathValue())
        let now = clock.now
        let zone = centre.timeZone
        let spans = try await directory.hours(centre.id)
        let hours = spans.map { HoursDTO(weekday: $0.weekday, opens: CentreClock.hhmm($0.opens), closes: CentreClock.hhmm($0.closes)) }
        let closures = try await directory.closures(centre.id, from: CentreClock.day(now, in: zone))
        let waiting = try await queue.waitingCounts(centre: centre.id)
        let open = WaitRules.openCounters(try await directory.counters(centre.id))
        var services: [ServiceDTO] = []
        for service in try await directory.services(centre.id) {
            let ahead = waiting[service.id] ?? 0
            let counters = open[service.id] ?? 0
            services.append(
                ServiceDTO(
                    id: service.id, letter: service.letter, name: service.name, institution: service.institution, procedures: service.procedures,
                    waiting: ahead, openCounters: counters,
                    estimatedWaitMinutes: try await estimator.estimate(service: service.id, ahead: ahead, openCounters: counters, now: now)))
        }
        let detail = CentreDetailDTO(
            summary: CentreSummaryDTO(centre), address: centre.address, hoursConfirmed: centre.hoursConfirmed,
            openNow: CentreClock.isOpen(at: now, in: zone, hours: spans, closedDays: Set(closures.map(\.day))), today: CentreClock.day(now, in: zone),
            localTime: CentreClock.localTime(now, in: zone), hours: hours, closures: closures.map { ClosureDTO(day: $0.day, reason: $0.reason) },
            services: services, sources: centre.sources)
        return try Self.json(detail)
    }

    // MARK: - Tickets

    struct TicketRequest: Decodable {
        let service: String?
        let priority: String?
        let phone: String?
    }

    /// 201 with a new ticket; 200 with the same ticket when the `Idempotency-Key` was already used for this centre with
    /// the same service and priority, 422 when it was used for another. The centre must be open, as for the page.
    @Sendable func takeTicket(_ request: Request, context: AppRequestContext) async throws -> Response {
        let centre = try await directory.requireCentre(try context.pathValue())
        let input = try await request.decodeJSON(TicketRequest.self, upTo: Self.maxBody)
        let priority = try CentresForms.priority(input.priority, allowAppointment: false)
        let serviceId = input.service ?? ""
        // An anonymous caller's key is scoped to what it asks for (never to the phone number, which is not kept).
        let meaning = IdempotencyKey.hash(Data("\(centre.id)|\(serviceId)|\(priority.rawValue)".utf8))
        let token = try IdempotencyKey.from(request, principal: context.principal, requestHash: meaning).map { "api:" + $0.scoped }
        let now = clock.now
        let issued: (ticket: Ticket, created: Bool, service: CentreService)
        do {
            guard try await directory.isOpen(centre, at: now) else { throw AppError.conflict("centre_closed") }
            try await flood.remoteTicket(address: context.clientAddress)
            issued = try await queue.issueOnce(
                .init(
                    centreId: centre.id, serviceId: serviceId, priority: priority, channel: .remote, phone: input.phone, requestToken: token,
                    actor: context.principal?.actor ?? "api"), in: centre, reading: try await directory.service(serviceId), at: now)
        } catch {
            // A retry whose key already has its ticket gets it, whatever stops a new one now (the centre closed since, the
            // address's limit, another service asked). The key is looked up only then: a new ticket, the frequent case,
            // finds a retry in its insert (`QueueService.issueOnce`), a statement fewer.
            if let token, let earlier = try await queue.ticket(centre: centre.id, requestToken: token) {
                return try await answer(Self.replayed(earlier, service: serviceId, priority: priority), status: .ok)
            }
            throw error
        }
        let (ticket, created, service) = issued
        return try await answer(
            created ? ticket : Self.replayed(ticket, service: serviceId, priority: priority), status: created ? .created : .ok, service: service)
    }

    static func replayed(_ ticket: Ticket, service: String, priority: Priority) throws -> Ticket {
        guard ticket.serviceId == service, ticket.ticketPriority == priority else { throw AppError.idempotencyKeyReused }
        return ticket
    }

    @Sendable func ticket(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let ticket = try await queue.ticket(code: try context.pathValue("code").uppercased()) else {
            throw AppError.notFound("ticket_not_found")
        }
        return try await answer(ticket, status: .ok)
    }

    /// `service`: the ticket's service when the caller has read it (else it is read here).
    func answer(_ ticket: Ticket, status: HTTPResponse.Status, service known: CentreService? = nil) async throws -> Response {
        let service = known?.id == ticket.serviceId ? known : try await directory.service(ticket.serviceId)
        let counters = try await directory.counters(ticket.centreId)
        var ahead: Int?
        var estimate: Int?
        if ticket.ticketStatus == .waiting {
            let count = try await queue.position(of: ticket)
            ahead = count
            estimate = try await estimator.estimate(
                service: ticket.serviceId, ahead: count, openCounters: WaitRules.openCounters(counters)[ticket.serviceId] ?? 0)
        }
        let dto = TicketDTO(
            code: ticket.code, label: ticket.label, centre: ticket.centreId, service: ticket.serviceId,
            serviceName: service?.name ?? LocalText(fr: ticket.serviceId), status: ticket.status, priority: ticket.priority,
            channel: ticket.channel, position: ahead.map { $0 + 1 }, peopleAhead: ahead, estimatedWaitMinutes: estimate,
            issuedAt: CentreClock.stamp(ticket.issuedAt), calledAt: ticket.calledAt.map(CentreClock.stamp),
            counter: ticket.counterId.flatMap { id in counters.first { $0.id == id }?.label }, url: CentresRoute.ticket.path(ticket.code))
        var response = try Self.json(dto, status: status)
        // The code is the only key to the ticket: no shared cache keeps the answer.
        response.headers[.cacheControl] = "no-store"
        if status == .created { response.headers[.location] = CentresRoute.apiTicket.path(ticket.code) }
        return response
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        var response = try JSONResponse.make(value, status: status)
        response.headers[.accessControlAllowOrigin] = "*"
        return response
    }
}

// MARK: - What the API writes (declared in the OpenAPI document)

struct CentreSummaryDTO: Encodable {
    let id: String
    let name: LocalText
    let country: String
    let region: String
    let department: String
    /// `open` (confirmed by a cited source) or `planned`.
    let status: String
    let timezone: String
    let latitude: Double
    let longitude: Double
    let url: String

    init(_ centre: Centre) {
        id = centre.id
        name = centre.name
        country = centre.country
        region = centre.region
        department = centre.department
        status = centre.status
        timezone = centre.timezone
        latitude = centre.latitude
        longitude = centre.longitude
        url = CentresRoute.centre.path(centre.id)
    }
}

struct CentreListDTO: Encodable {
    let items: [CentreSummaryDTO]
    let page: Int
    let perPage: Int
    let total: Int
}

struct HoursDTO: Encodable {
    let weekday: Int
    let opens: String
    let closes: String
}

struct ClosureDTO: Encodable {
    let day: String
    let reason: LocalText
}

struct ServiceDTO: Encodable {
    let id: String
    let letter: String
    let name: LocalText
    let institution: String?
    let procedures: [String]
    let waiting: Int
    let openCounters: Int
    let estimatedWaitMinutes: Int?
}

struct CentreDetailDTO: Encodable {
    let summary: CentreSummaryDTO
    let address: LocalText?
    let hoursConfirmed: Bool
    let openNow: Bool
    let today: String
    let localTime: String
    let hours: [HoursDTO]
    let closures: [ClosureDTO]
    let services: [ServiceDTO]
    let sources: [SourceReference]

    enum CodingKeys: String, CodingKey {
        case address, hoursConfirmed, openNow, today, localTime, hours, closures, services, sources
    }

    /// The summary's fields, then the detail's, in one object.
    func encode(to encoder: any Encoder) throws {
        try summary.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(address, forKey: .address)
        try container.encode(hoursConfirmed, forKey: .hoursConfirmed)
        try container.encode(openNow, forKey: .openNow)
        try container.encode(today, forKey: .today)
        try container.encode(localTime, forKey: .localTime)
        try container.encode(hours, forKey: .hours)
        try container.encode(closures, forKey: .closures)
        try container.encode(services, forKey: .services)
        try container.encode(sources, forKey: .sources)
    }
}

struct TicketDTO: Encodable {
    let code: String
    let label: String
    let centre: String
    let service: String
    let serviceName: LocalText
    let status: String
    let priority: String
    let channel: String
    /// 1 for the next person called; only while waiting.
    let position: Int?
    let peopleAhead: Int?
    let estimatedWaitMinutes: Int?
    let issuedAt: String
    let calledAt: String?
    let counter: String?
    let url: String
}

import Audit
import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// Tickets: issuing, calling, and every action of an agent at a counter. Each change and its audit event commit together.
package struct QueueService: Sendable {
    let database: DatabaseService

    package init(database: DatabaseService) {
        self.database = database
    }

    var directory: DirectoryRepository { DirectoryRepository(database: database.db) }

    package struct IssueRequest: Sendable {
        package var centreId: String
        package var serviceId: String
        package var priority: Priority
        package var channel: Channel
        /// Kept (normalised) on a remote ticket only, for alerts; the web form requires it, the JSON API does not.
        package var phone: String?
        /// The form's one-time token: a retried submission returns the ticket it already made.
        package var requestToken: String?
        package var actor: String

        package init(
            centreId: String, serviceId: String, priority: Priority = .none, channel: Channel, phone: String? = nil, requestToken: String? = nil,
            actor: String
        ) {
            self.centreId = centreId
            self.serviceId = serviceId
            self.priority = priority
            self.channel = channel
            self.phone = phone
            self.requestToken = requestToken
            self.actor = actor
        }
    }

    static let codeAlphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")

    /// Eight characters from an alphabet without look-alikes: about 8.5 × 10¹¹ codes, not guessable in practice.
    static func newCode() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<8).compactMap { _ in codeAlphabet.randomElement(using: &generator) })
    }

    package static func normalisedPhone(_ raw: String) -> String? {
        let kept = raw.filter { !" .-()".contains($0) }
        guard kept.range(of: "^\\+?[0-9]{8,15}$", options: .regularExpression) != nil else { return nil }
        return kept
    }

    package func issue(_ request: IssueRequest, at date: Date = Date()) async throws -> Ticket {
        try await issueOnce(request, at: date).ticket
    }

    /// Issues a ticket, or finds the one a previous submission with the same request token made (`created` is then false).
    package func issueOnce(_ request: IssueRequest, at date: Date = Date()) async throws -> (ticket: Ticket, created: Bool) {
        let centre = try await directory.requireCentre(request.centreId)
        guard let service = try await directory.service(request.serviceId), service.centreId == centre.id else {
            throw AppError.validation(field: "service", code: "service_unknown")
        }
        var remotePhone: String?
        if request.channel == .remote, let raw = request.phone {
            guard let normalised = Self.normalisedPhone(raw) else { throw AppError.validation(field: "phone", code: "phone_invalid") }
            remotePhone = normalised
        }
        let phone = remotePhone
        let day = CentreClock.day(date, in: centre.timeZone)
        let issuedAt = CentreClock.stamp(date)
        let rankAt = CentreClock.stamp(request.priority == .none ? date : date.addingTimeInterval(-QueueRules.priorityHeadStart))
        do {
            return try await insertTicket(request, centre: centre, service: service, phone: phone, day: day, issuedAt: issuedAt, rankAt: rankAt, at: date)
        } catch {
            // Two submissions with one token at the same instant (PostgreSQL runs them side by side): the loser finds the winner's ticket.
            if let token = request.requestToken, let existing = try await ticket(centre: centre.id, requestToken: token) { return (existing, false) }
            throw error
        }
    }

    func insertTicket(
        _ request: IssueRequest, centre: Centre, service: CentreService, phone: String?, day: String, issuedAt: String, rankAt: String, at date: Date
    ) async throws -> (ticket: Ticket, created: Bool) {
        try await WriteGate.transaction(database) { db in
            let sql = db.sql
            if let token = request.requestToken, let existing = try await Self.ticket(sql, where: "centre_id", centre.id, and: "request_token", token) {
                return (existing, false)
            }
            guard
                let number = try await sql.raw(
                    """
                    INSERT INTO centre_queue_days (service_id, day, last_number) VALUES (\(bind: service.id), \(bind: day), 1)
                    ON CONFLICT (service_id, day) DO UPDATE SET last_number = centre_queue_days.last_number + 1 RETURNING last_number
                    """
                ).first(decodingColumn: "last_number", as: Int.self)
            else { throw AppError(.internalServerError, code: "internal") }
            if number == 1 {
                // The first ticket of a service's day: phone numbers left on earlier days' tickets (never served) go.
                try await sql.update("centre_tickets").set("phone", to: SQLLiteral.null).where("centre_id", .equal, centre.id)
                    .where("day", .lessThan, day).where("phone", .isNot, SQLLiteral.null).run()
            }
            let id = UUID().uuidString.lowercased()
            let label = service.letter + String(format: "%03d", number)
            try await sql.insert(into: "centre_tickets")
                .columns(
                    "id", "code", "centre_id", "service_id", "day", "number", "label", "priority", "channel", "phone", "status", "issued_at", "rank_at",
                    "recalls", "request_token"
                )
                .values(
                    SQLBind(id), SQLBind(Self.newCode()), SQLBind(centre.id), SQLBind(service.id), SQLBind(day), SQLBind(number), SQLBind(label),
                    SQLBind(request.priority.rawValue), SQLBind(request.channel.rawValue), SQLBind(phone), SQLBind(TicketStatus.waiting.rawValue),
                    SQLBind(issuedAt), SQLBind(rankAt), SQLBind(0), SQLBind(request.requestToken)
                ).run()
            try await AuditLog.append(
                AuditEntry(
                    actor: request.actor, action: "ticket.issued", entity: "ticket", entityId: id,
                    summary: "\(label) \(service.id) \(request.channel.rawValue) priority=\(request.priority.rawValue)"), on: db, at: date)
            guard let ticket = try await Self.ticket(sql, where: "id", id) else { throw AppError(.internalServerError, code: "internal") }
            return (ticket, true)
        }
    }

    static func ticket(_ sql: any SQLDatabase, where column: String, _ value: String, and other: String? = nil, _ otherValue: String? = nil)
        async throws -> Ticket?
    {
        var query = sql.select().columns(Ticket.columns).from("centre_tickets").where(SQLIdentifier(column), .equal, value)
        if let other, let otherValue { query = query.where(SQLIdentifier(other), .equal, otherValue) }
        return try await query.first(decoding: Ticket.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    package func ticket(code: String) async throws -> Ticket? {
        try await Self.ticket(database.sql, where: "code", code)
    }

    package func ticket(id: String) async throws -> Ticket? {
        try await Self.ticket(database.sql, where: "id", id)
    }

    /// The ticket a submission with this request token already made at this centre, if any.
    package func ticket(centre: String, requestToken: String) async throws -> Ticket? {
        try await Self.ticket(database.sql, where: "centre_id", centre, and: "request_token", requestToken)
    }

    /// The ticket a counter is dealing with (called or being served), if any.
    package func current(counter: String) async throws -> Ticket? {
        try await database.sql.select().columns(Ticket.columns).from("centre_tickets").where("counter_id", .equal, counter)
            .where("status", .in, [TicketStatus.called.rawValue, TicketStatus.serving.rawValue])
            .first(decoding: Ticket.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    // MARK: - Counters

    package func openCounter(centre: String, counter: String, services: [String], actor: String, at date: Date = Date()) async throws {
        let known = Set(try await directory.services(centre).map(\.id))
        guard !services.isEmpty, services.allSatisfy(known.contains) else { throw AppError.validation(field: "services", code: "services_required") }
        _ = try await directory.counter(counter, centre: centre)
        try await WriteGate.transaction(database) { db in
            let sql = db.sql
            try await sql.update("centre_counters").set("is_open", to: true).set("agent", to: actor).set("service_ids", to: services.joined(separator: ","))
                .set("opened_at", to: CentreClock.stamp(date)).where("id", .equal, counter).run()
            try await AuditLog.append(
                AuditEntry(actor: actor, action: "counter.opened", entity: "counter", entityId: counter, summary: services.joined(separator: ",")),
                on: db, at: date)
        }
    }

    package func closeCounter(centre: String, counter: String, actor: String, at date: Date = Date()) async throws {
        _ = try await directory.counter(counter, centre: centre)
        guard try await current(counter: counter) == nil else { throw AppError.conflict("counter_busy") }
        try await WriteGate.transaction(database) { db in
            let sql = db.sql
            try await sql.update("centre_counters").set("is_open", to: false).set("agent", to: SQLLiteral.null).where("id", .equal, counter).run()
            try await AuditLog.append(AuditEntry(actor: actor, action: "counter.closed", entity: "counter", entityId: counter, summary: "closed"), on: db, at: date)
        }
    }

    // MARK: - Call next

    /// Claims the first waiting ticket of the counter's services, in rank order, for this counter. The claim is one
    /// conditional UPDATE: on PostgreSQL its subquery takes the row `FOR UPDATE SKIP LOCKED`, so concurrent callers take
    /// different rows without waiting; on SQLite the statement runs alone (one writer at a time). Nil when nobody waits.
    package func callNext(centre: String, counter counterId: String, actor: String, at date: Date = Date()) async throws -> Ticket? {
        let counter = try await directory.counter(counterId, centre: centre)
        guard counter.isOpen, !counter.serviceIds.isEmpty else { throw AppError.conflict("counter_closed") }
        let lock: SQLQueryString = database.dialect == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        let now = CentreClock.stamp(date)
        return try await WriteGate.transaction(database) { db in
            let sql = db.sql
            let busy = try await sql.select().column("id").from("centre_tickets").where("counter_id", .equal, counterId)
                .where("status", .in, [TicketStatus.called.rawValue, TicketStatus.serving.rawValue]).first()
            guard busy == nil else { throw AppError.conflict("counter_busy") }
            let services: [any Encodable & Sendable] = counter.serviceIds
            let claimed: SQLQueryString =
                """
                UPDATE centre_tickets SET status = 'called', counter_id = \(bind: counterId), agent = \(bind: actor), called_at = \(bind: now), \
                announced_at = \(bind: now) WHERE id = (SELECT id FROM centre_tickets WHERE centre_id = \(bind: centre) AND status = 'waiting' \
                AND service_id IN (\(binds: services)) ORDER BY rank_at, issued_at, id LIMIT 1\(lock)) AND status = 'waiting' RETURNING id
                """
            guard let id = try await sql.raw(claimed).first(decodingColumn: "id", as: String.self) else { return nil }
            guard let ticket = try await Self.ticket(sql, where: "id", id) else { return nil }
            try await AuditLog.append(
                AuditEntry(actor: actor, action: "ticket.called", entity: "ticket", entityId: id, summary: "\(ticket.label) at \(counter.label)"), on: db,
                at: date)
            return ticket
        }
    }

    // MARK: - Actions on the counter's ticket

    package enum Action: String, Sendable, CaseIterable {
        case recall, start, finish
        case noShow = "no-show"
    }

    /// Applies an action to the ticket held by `counter`; 409 when the ticket is not in a state that allows it.
    package func apply(_ action: Action, ticket ticketId: String, centre: String, counter: String, actor: String, at date: Date = Date()) async throws
        -> Ticket
    {
        let now = CentreClock.stamp(date)
        return try await WriteGate.transaction(database) { db in
            let sql = db.sql
            let update: SQLQueryString
            switch action {
            case .recall:
                update =
                    "UPDATE centre_tickets SET recalls = recalls + 1, announced_at = \(bind: now) WHERE id = \(bind: ticketId) AND centre_id = \(bind: centre) AND counter_id = \(bind: counter) AND status = 'called' RETURNING id"
            case .start:
                update =
                    "UPDATE centre_tickets SET status = 'serving', started_at = \(bind: now) WHERE id = \(bind: ticketId) AND centre_id = \(bind: centre) AND counter_id = \(bind: counter) AND status = 'called' RETURNING id"
            case .finish:
                update =
                    "UPDATE centre_tickets SET status = 'done', finished_at = \(bind: now), phone = NULL WHERE id = \(bind: ticketId) AND centre_id = \(bind: centre) AND counter_id = \(bind: counter) AND status = 'serving' RETURNING id"
            case .noShow:
                update =
                    "UPDATE centre_tickets SET status = 'no_show', finished_at = \(bind: now), phone = NULL WHERE id = \(bind: ticketId) AND centre_id = \(bind: centre) AND counter_id = \(bind: counter) AND status = 'called' RETURNING id"
            }
            guard try await sql.raw(update).first(decodingColumn: "id", as: String.self) != nil,
                let ticket = try await Self.ticket(sql, where: "id", ticketId)
            else { throw AppError.conflict("ticket_state") }
            try await AuditLog.append(
                AuditEntry(actor: actor, action: "ticket.\(action.rawValue)", entity: "ticket", entityId: ticketId, summary: "\(ticket.label) at \(counter)"),
                on: db, at: date)
            return ticket
        }
    }

    /// Sends the counter's ticket to another service of the centre: it waits again with its original rank, so the person
    /// keeps their place rather than starting over.
    package func transfer(ticket ticketId: String, centre: String, counter: String, to serviceId: String, actor: String, at date: Date = Date())
        async throws -> Ticket
    {
        guard let service = try await directory.service(serviceId), service.centreId == centre else {
            throw AppError.validation(field: "service", code: "service_unknown")
        }
        return try await WriteGate.transaction(database) { db in
            let sql = db.sql
            let update: SQLQueryString =
                """
                UPDATE centre_tickets SET status = 'waiting', service_id = \(bind: service.id), counter_id = NULL, agent = NULL, called_at = NULL, \
                started_at = NULL, announced_at = NULL WHERE id = \(bind: ticketId) AND centre_id = \(bind: centre) AND counter_id = \(bind: counter) \
                AND status IN ('called', 'serving') AND service_id <> \(bind: service.id) RETURNING id
                """
            guard try await sql.raw(update).first(decodingColumn: "id", as: String.self) != nil,
                let ticket = try await Self.ticket(sql, where: "id", ticketId)
            else { throw AppError.conflict("ticket_state") }
            try await AuditLog.append(
                AuditEntry(actor: actor, action: "ticket.transferred", entity: "ticket", entityId: ticketId, summary: "\(ticket.label) to \(service.id)"),
                on: db, at: date)
            return ticket
        }
    }

    // MARK: - Reading the queue

    /// How many tickets are ahead of this one in its queue (0 when it is next).
    package func position(of ticket: Ticket) async throws -> Int {
        struct CountRow: Decodable { let n: Int }
        let row = try await database.sql.raw(
            """
            SELECT COUNT(*) AS n FROM centre_tickets WHERE centre_id = \(bind: ticket.centreId) AND service_id = \(bind: ticket.serviceId) \
            AND status = 'waiting' AND (rank_at < \(bind: ticket.rankAt) OR (rank_at = \(bind: ticket.rankAt) AND (issued_at < \(bind: ticket.issuedAt) \
            OR (issued_at = \(bind: ticket.issuedAt) AND id < \(bind: ticket.id)))))
            """
        ).first(decoding: CountRow.self)
        return row?.n ?? 0
    }

    /// Waiting tickets per service of a centre.
    package func waitingCounts(centre: String) async throws -> [String: Int] {
        struct Row: Decodable { let serviceId: String, n: Int }
        let rows = try await database.sql.raw(
            "SELECT service_id, COUNT(*) AS n FROM centre_tickets WHERE centre_id = \(bind: centre) AND status = 'waiting' GROUP BY service_id"
        ).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.serviceId, $0.n) })
    }

    /// The last tickets called in a centre (a recall brings a ticket back to the top), for the display board.
    package func recentlyCalled(centre: String, limit: Int = 8) async throws -> [Ticket] {
        try await database.sql.select().columns(Ticket.columns).from("centre_tickets").where("centre_id", .equal, centre)
            .where("announced_at", .isNot, SQLLiteral.null)
            .orderBy("announced_at", .descending).limit(limit).all(decoding: Ticket.self, keyDecodingStrategy: .convertFromSnakeCase)
    }
}

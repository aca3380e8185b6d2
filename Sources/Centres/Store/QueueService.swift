// SPDX-License-Identifier: MPL-2.0
import Audit
import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// Tickets: issuing, calling, and every action of an agent at a counter (`QueueService+Counters`). Each change and its
/// audit event commit together, through the core's write queue (one writer at a time on SQLite; side by side on
/// PostgreSQL, where call-next claims its row with `FOR UPDATE SKIP LOCKED`).
package struct QueueService: Sendable {
    let database: DatabaseService
    let directory: DirectoryRepository
    let clock: any WallClock
    /// Where a remote ticket's holder is told that it is taken, that their turn is near, called, or missed.
    let notifier: any Notifier

    package init(database: DatabaseService, directory: DirectoryRepository, clock: any WallClock, notifier: any Notifier = NoNotifier()) {
        self.database = database
        self.directory = directory
        self.clock = clock
        self.notifier = notifier
    }

    /// A queue over its own directory reader (tests, and features that only issue tickets).
    package init(database: DatabaseService, clock: any WallClock = SystemClock()) {
        self.init(database: database, directory: DirectoryRepository(database: database), clock: clock)
    }

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
        /// The language the holder's messages are written in.
        package var language: String = "fr"

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

    package func issue(_ request: IssueRequest, at date: Date? = nil) async throws -> Ticket {
        try await issueOnce(request, at: date).ticket
    }

    /// Issues a ticket, or finds the one a previous submission with the same request token made (`created` is then false).
    package func issueOnce(_ request: IssueRequest, at date: Date? = nil) async throws -> (ticket: Ticket, created: Bool) {
        try await issueOnce(request, in: try await directory.requireCentre(request.centreId), at: date)
    }

    /// The same, for a centre the caller has already read (`request.centreId` is then ignored).
    package func issueOnce(_ request: IssueRequest, in centre: Centre, at date: Date? = nil) async throws -> (ticket: Ticket, created: Bool) {
        let issued = try await issueOnce(request, in: centre, reading: try await directory.service(request.serviceId), at: date)
        return (issued.ticket, issued.created)
    }

    /// The same, for a service the caller has already read (nil: none has the request's id), which the answer returns.
    package func issueOnce(_ request: IssueRequest, in centre: Centre, reading service: CentreService?, at date: Date? = nil) async throws
        -> (ticket: Ticket, created: Bool, service: CentreService)
    {
        let date = date ?? clock.now
        guard let service, service.id == request.serviceId, service.centreId == centre.id else {
            throw AppError.validation(field: "service", code: "service_unknown")
        }
        var phone: String?
        if request.channel == .remote, let raw = request.phone {
            switch PhoneNumber.parse(raw, defaultCountry: centre.country) {
            case .success(let number): phone = number.e164
            case .failure(let problem): throw AppError.validation(field: "phone", code: problem.rawValue)
            }
        }
        do {
            let issued = try await insertTicket(request, centre: centre, service: service, phone: phone, at: date)
            return (issued.ticket, issued.created, service)
        } catch {
            // Two submissions with one token at the same instant (PostgreSQL runs them side by side): the loser finds the winner's ticket.
            if let token = request.requestToken, let existing = try await ticket(centre: centre.id, requestToken: token) {
                return (existing, false, service)
            }
            throw error
        }
    }

    func insertTicket(_ request: IssueRequest, centre: Centre, service: CentreService, phone: String?, at date: Date) async throws
        -> (ticket: Ticket, created: Bool)
    {
        let day = CentreClock.day(date, in: centre.timeZone)
        let issuedAt = CentreClock.stamp(date)
        let rankAt = CentreClock.stamp(QueueRules.rank(issuedAt: date, priority: request.priority))
        return try await database.writeTransaction { db in
            let sql = db.sql
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
            let id = RandomID.uuid()
            let label = QueueRules.label(letter: service.letter, number: number)
            let code = QueueRules.newCode()
            // A request token already used at this centre inserts nothing: the transaction is rolled back (the number with it)
            // and the caller answers with that earlier ticket. The unique index decides, not a look-up first: on PostgreSQL
            // the look-up's plan depended on statistics, which for a centre that opened since they were taken made it read
            // every ticket of the centre (about 2 ms per ticket after a few thousand).
            guard
                try await sql.raw(
                    """
                    INSERT INTO centre_tickets (id, code, centre_id, service_id, day, number, label, priority, channel, phone, status, \
                    issued_at, rank_at, recalls, request_token) VALUES (\(bind: id), \(bind: code), \(bind: centre.id), \(bind: service.id), \
                    \(bind: day), \(bind: number), \(bind: label), \(bind: request.priority.rawValue), \(bind: request.channel.rawValue), \
                    \(bind: phone), \(bind: TicketStatus.waiting.rawValue), \(bind: issuedAt), \(bind: rankAt), 0, \(bind: request.requestToken)) \
                    ON CONFLICT (centre_id, request_token) DO NOTHING RETURNING id
                    """
                ).first() != nil
            else { throw QueueServiceError.requestTokenTaken }
            try await AuditLog.append(
                AuditEntry(
                    actor: request.actor, action: "ticket.issued", entity: "ticket", entityId: id,
                    summary: "\(label) \(service.id) \(request.channel.rawValue) priority=\(request.priority.rawValue)"), on: db, at: date)
            // The row as written, read back in memory rather than from the database (one statement fewer for the one writer).
            let row = TicketRow(
                id: id, code: code, centreId: centre.id, serviceId: service.id, day: day, number: number, label: label,
                priority: request.priority.rawValue, channel: request.channel.rawValue, status: TicketStatus.waiting.rawValue, issuedAt: issuedAt,
                rankAt: rankAt, calledAt: nil, startedAt: nil, finishedAt: nil, announcedAt: nil, counterId: nil, agent: nil, recalls: 0)
            guard let ticket = row.ticket else { throw AppError(.internalServerError, code: "internal") }
            if let phone {
                let subject = "ticket:\(id)"
                let ahead = try await Self.position(sql, of: id)
                try await notifier.subscribe(
                    subject: subject, phone: phone, language: request.language, country: centre.country,
                    thenNotify: Notice(
                        subject: subject, event: .ticketTaken,
                        values: ["label": label, "code": ticket.code, "centre": centre.name.fr, "ahead": String(ahead)], key: "\(subject):taken"),
                    on: db)
            }
            return (ticket, true)
        }
    }

    // MARK: - Reading the queue

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
        try await database.sql.select().column(TicketRow.columns).from("centre_tickets").where("counter_id", .equal, counter)
            .where("status", .in, [TicketStatus.called.rawValue, TicketStatus.serving.rawValue])
            .first().map(TicketRow.init(row:)).flatMap(\.ticket)
    }

    /// The ticket each counter of the centre holds (called or being served), by counter: one query for the console,
    /// which agents reload after every action, instead of one per counter.
    package func currentTickets(centre: String) async throws -> [String: Ticket] {
        let rows = try await database.sql.select().column(TicketRow.columns).from("centre_tickets").where("centre_id", .equal, centre)
            .where("status", .in, [TicketStatus.called.rawValue, TicketStatus.serving.rawValue]).where("counter_id", .isNot, SQLLiteral.null)
            .all().map(TicketRow.init(row:))
        var byCounter: [String: Ticket] = [:]
        for ticket in rows.compactMap(\.ticket) {
            guard let counter = ticket.counterId else { continue }
            byCounter[counter] = ticket
        }
        return byCounter
    }

    /// How many tickets are ahead of this one in its queue (0 when it is next). The stored times are compared as stored.
    package func position(of ticket: Ticket) async throws -> Int {
        try await Self.position(database.sql, of: ticket.id)
    }

    /// At most this many waiting tickets behind one are counted to find its place from its service's count.
    static let behindCounted = 200

    /// A ticket's place, in one statement (one snapshot): its service's waiting count (`centre_waiting`) less those behind
    /// it, when few are (a new ticket, most often); else the waiting tickets ranked before it, counted in the waiting index
    /// (`centre_tickets_waiting`: a service's ids belong to one centre), with only the ties on rank reading their rows.
    /// Either way a count reads at most the shorter side of the queue plus `behindCounted` entries, not the whole queue.
    static func position(_ sql: any SQLDatabase, of ticketId: String) async throws -> Int {
        struct Row: Decodable {
            let waiting: Bool
            let total: Int?
            let behind: Int
        }
        let before =
            "t.rank_at < me.rank_at OR (t.rank_at = me.rank_at AND (t.issued_at < me.issued_at OR (t.issued_at = me.issued_at AND t.id < me.id)))"
        guard
            let row = try await sql.raw(
                """
                SELECT me.status = 'waiting' AS waiting, (SELECT w.waiting FROM centre_waiting w WHERE w.service_id = me.service_id) AS total, \
                (SELECT COUNT(*) FROM (SELECT 1 FROM centre_tickets t WHERE t.service_id = me.service_id AND t.status = 'waiting' \
                AND t.rank_at >= me.rank_at AND t.id <> me.id AND NOT (\(unsafeRaw: before)) \
                LIMIT \(unsafeRaw: String(behindCounted))) behind) AS behind \
                FROM centre_tickets me WHERE me.id = \(bind: ticketId)
                """
            ).first(decoding: Row.self)
        else { return 0 }
        if row.waiting, let total = row.total, row.behind < behindCounted { return max(0, total - 1 - row.behind) }
        struct CountRow: Decodable { let n: Int }
        let counted = try await sql.raw(
            """
            SELECT (SELECT COUNT(*) FROM centre_tickets t WHERE t.service_id = me.service_id AND t.status = 'waiting' \
            AND t.rank_at < me.rank_at) + (SELECT COUNT(*) FROM centre_tickets t WHERE t.service_id = me.service_id \
            AND t.status = 'waiting' AND t.rank_at = me.rank_at AND (t.issued_at < me.issued_at OR (t.issued_at = me.issued_at AND t.id < me.id))) \
            AS n FROM centre_tickets me WHERE me.id = \(bind: ticketId)
            """
        ).first(decoding: CountRow.self)
        return counted?.n ?? 0
    }

    /// Waiting tickets per service of a centre, as the database keeps them (`centre_waiting`): counting them read every
    /// waiting ticket on every console read.
    package func waitingCounts(centre: String) async throws -> [String: Int] {
        struct Row: Decodable { let serviceId: String, n: Int }
        let rows = try await database.sql.raw(
            """
            SELECT s.id AS service_id, COALESCE(w.waiting, 0) AS n FROM centre_services s LEFT JOIN centre_waiting w ON w.service_id = s.id \
            WHERE s.centre_id = \(bind: centre)
            """
        ).all(decoding: Row.self, keyDecodingStrategy: .snakeCaseColumns)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.serviceId, $0.n) })
    }

    /// The last tickets called in a centre (a recall brings a ticket back to the top), for the display board.
    package func recentlyCalled(centre: String, limit: Int = 8) async throws -> [Ticket] {
        try await database.sql.select().column(TicketRow.columns).from("centre_tickets").where("centre_id", .equal, centre)
            .where("announced_at", .isNot, SQLLiteral.null).orderBy("announced_at", .descending).limit(limit)
            .all().map(TicketRow.init(row:)).compactMap(\.ticket)
    }

    static func ticket(_ sql: any SQLDatabase, where column: String, _ value: String, and other: String? = nil, _ otherValue: String? = nil)
        async throws -> Ticket?
    {
        var query = sql.select().column(TicketRow.columns).from("centre_tickets").where(SQLIdentifier(column), .equal, value)
        if let other, let otherValue { query = query.where(SQLIdentifier(other), .equal, otherValue) }
        return try await query.first().map(TicketRow.init(row:)).flatMap(\.ticket)
    }
}

/// A row of `centre_tickets` as stored (times as ISO strings).
struct TicketRow {
    let id: String
    let code: String
    let centreId: String
    let serviceId: String
    let day: String
    let number: Int
    let label: String
    let priority: String
    let channel: String
    let status: String
    let issuedAt: String
    let rankAt: String
    let calledAt: String?
    let startedAt: String?
    let finishedAt: String?
    let announcedAt: String?
    let counterId: String?
    let agent: String?
    let recalls: Int

    static let columns = SQLColumnList([
        "id", "code", "centre_id", "service_id", "day", "number", "label", "priority", "channel", "status", "issued_at", "rank_at", "called_at",
        "started_at", "finished_at", "announced_at", "counter_id", "agent", "recalls",
    ])

    /// Nil only for a row whose issue or rank time is not a time (never written so).
    var ticket: Ticket? {
        guard let issued = Timestamps.parse(issuedAt), let rank = Timestamps.parse(rankAt) else { return nil }
        return Ticket(
            id: id, code: code, centreId: centreId, serviceId: serviceId, day: day, number: number, label: label, priority: priority,
            channel: channel,
            status: status, issuedAt: issued, rankAt: rank, calledAt: Timestamps.parse(calledAt), startedAt: Timestamps.parse(startedAt),
            finishedAt: Timestamps.parse(finishedAt), announcedAt: Timestamps.parse(announcedAt), counterId: counterId, agent: agent,
            recalls: recalls)
    }
}

extension TicketRow {
    /// Read column by column: SQLKit's decoder (a keyed container per row, a key converted per column) was most of the
    /// cost of reading the console's tickets.
    init(row: any SQLRow) throws {
        id = try row.decode(column: "id", as: String.self)
        code = try row.decode(column: "code", as: String.self)
        centreId = try row.decode(column: "centre_id", as: String.self)
        serviceId = try row.decode(column: "service_id", as: String.self)
        day = try row.decode(column: "day", as: String.self)
        number = try row.decode(column: "number", as: Int.self)
        label = try row.decode(column: "label", as: String.self)
        priority = try row.decode(column: "priority", as: String.self)
        channel = try row.decode(column: "channel", as: String.self)
        status = try row.decode(column: "status", as: String.self)
        issuedAt = try row.decode(column: "issued_at", as: String.self)
        rankAt = try row.decode(column: "rank_at", as: String.self)
        calledAt = try row.decode(column: "called_at", as: String?.self)
        startedAt = try row.decode(column: "started_at", as: String?.self)
        finishedAt = try row.decode(column: "finished_at", as: String?.self)
        announcedAt = try row.decode(column: "announced_at", as: String?.self)
        counterId = try row.decode(column: "counter_id", as: String?.self)
        agent = try row.decode(column: "agent", as: String?.self)
        recalls = try row.decode(column: "recalls", as: Int.self)
    }
}

enum QueueServiceError: Error {
    /// The request token is already a ticket's at this centre (`issueOnce` answers with that ticket).
    case requestTokenTaken
}

// SPDX-License-Identifier: MPL-2.0
import Audit
import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// What an agent does at a counter: open it for some services, call the next person, act on the ticket, transfer it.
extension QueueService {
    package func openCounter(centre: String, counter: String, services: [String], actor: String, at date: Date? = nil) async throws {
        let date = date ?? clock.now
        let known = Set(try await directory.services(centre).map(\.id))
        guard !services.isEmpty, services.allSatisfy(known.contains) else { throw AppError.validation(field: "services", code: "services_required") }
        _ = try await directory.counter(counter, centre: centre)
        try await database.writeTransaction { db in
            try await db.sql.update("centre_counters").set("is_open", to: true).set("agent", to: actor)
                .set("service_ids", to: services.joined(separator: ",")).set("opened_at", to: CentreClock.stamp(date)).where("id", .equal, counter)
                .run()
            try await AuditLog.append(
                AuditEntry(actor: actor, action: "counter.opened", entity: "counter", entityId: counter, summary: services.joined(separator: ",")),
                on: db, at: date)
        }
    }

    package func closeCounter(centre: String, counter: String, actor: String, at date: Date? = nil) async throws {
        let date = date ?? clock.now
        _ = try await directory.counter(counter, centre: centre)
        guard try await current(counter: counter) == nil else { throw AppError.conflict("counter_busy") }
        try await database.writeTransaction { db in
            try await db.sql.update("centre_counters").set("is_open", to: false).set("agent", to: SQLLiteral.null).where("id", .equal, counter).run()
            try await AuditLog.append(
                AuditEntry(actor: actor, action: "counter.closed", entity: "counter", entityId: counter, summary: "closed"), on: db, at: date)
        }
    }

    /// Claims the first waiting ticket of the counter's services, in rank order, for this counter. The claim is one
    /// conditional UPDATE: on PostgreSQL its subquery takes the row `FOR UPDATE SKIP LOCKED`, so concurrent callers take
    /// different rows without waiting; on SQLite the statement runs alone (one writer at a time). Nil when nobody waits.
    package func callNext(centre: String, counter counterId: String, actor: String, at date: Date? = nil) async throws -> Ticket? {
        let date = date ?? clock.now
        let counter = try await directory.counter(counterId, centre: centre)
        guard counter.isOpen, !counter.serviceIds.isEmpty else { throw AppError.conflict("counter_closed") }
        let lock: SQLQueryString = database.dialect == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        let now = CentreClock.stamp(date)
        return try await database.writeTransaction { db in
            let sql = db.sql
            let services: [any Encodable & Sendable] = counter.serviceIds
            let held: SQLQueryString = "SELECT 1 FROM centre_tickets b WHERE b.counter_id = \(bind: counterId) AND b.status IN ('called', 'serving')"
            // A counter that still holds a ticket claims none; the claimed row comes back whole from the UPDATE. One statement
            // in the one writer's transaction where there were three (the check, the claim, the row read again).
            let claimed: SQLQueryString =
                """
                UPDATE centre_tickets SET status = 'called', counter_id = \(bind: counterId), agent = \(bind: actor), called_at = \(bind: now), \
                announced_at = \(bind: now) WHERE id = (SELECT id FROM centre_tickets WHERE centre_id = \(bind: centre) AND status = 'waiting' \
                AND service_id IN (\(binds: services)) ORDER BY rank_at, issued_at, id LIMIT 1\(lock)) AND status = 'waiting' \
                AND NOT EXISTS (\(held)) RETURNING \(TicketRow.columns)
                """
            guard let ticket = try await sql.raw(claimed).first().map(TicketRow.init(row:))?.ticket else {
                // Nobody claimed: the counter is busy, or nobody waits.
                if try await sql.raw(held).first() != nil { throw AppError.conflict("counter_busy") }
                return nil
            }
            let id = ticket.id
            try await AuditLog.append(
                AuditEntry(actor: actor, action: "ticket.called", entity: "ticket", entityId: id, summary: "\(ticket.label) at \(counter.label)"),
                on: db,
                at: date)
            try await notifier.notify(
                Notice(
                    subject: "ticket:\(id)", event: .ticketCalled, values: ["label": ticket.label, "counter": counter.label],
                    key: "ticket:\(id):called"), on: db)
            try await announceNear(centre: centre, service: ticket.serviceId, on: db)
            return ticket
        }
    }

    /// Applies an action to the ticket held by `counter`; 409 when the ticket is not in a state that allows it.
    package func apply(_ action: TicketAction, ticket ticketId: String, centre: String, counter: String, actor: String, at date: Date? = nil)
        async throws -> Ticket
    {
        let date = date ?? clock.now
        let now = CentreClock.stamp(date)
        let held: SQLQueryString = "id = \(bind: ticketId) AND centre_id = \(bind: centre) AND counter_id = \(bind: counter)"
        // What the action sets, and the state the ticket must be in.
        let change: (set: SQLQueryString, from: TicketStatus)
        switch action {
        case .recall: change = ("recalls = recalls + 1, announced_at = \(bind: now)", .called)
        case .start: change = ("status = 'serving', started_at = \(bind: now)", .called)
        case .finish: change = ("status = 'done', finished_at = \(bind: now), phone = NULL", .serving)
        case .noShow: change = ("status = 'no_show', finished_at = \(bind: now), phone = NULL", .called)
        }
        let update: SQLQueryString =
            "UPDATE centre_tickets SET \(change.set) WHERE \(held) AND status = \(bind: change.from.rawValue) RETURNING \(TicketRow.columns)"
        return try await database.writeTransaction { db in
            guard let ticket = try await db.sql.raw(update).first().map(TicketRow.init(row:))?.ticket else {
                throw AppError.conflict("ticket_state")
            }
            try await AuditLog.append(
                AuditEntry(
                    actor: actor, action: "ticket.\(action.rawValue)", entity: "ticket", entityId: ticketId,
                    summary: "\(ticket.label) at \(counter)"),
                on: db, at: date)
            let subject = "ticket:\(ticketId)"
            switch action {
            case .noShow:
                try await notifier.notify(
                    Notice(subject: subject, event: .ticketNoShow, values: ["label": ticket.label], key: "\(subject):no_show"), on: db)
                try await notifier.forget(subject: subject, on: db)
            case .finish:
                try await notifier.forget(subject: subject, on: db)
            case .recall, .start:
                break
            }
            return ticket
        }
    }

    /// "Your turn is near": each waiting remote ticket of the service with at most the centre's threshold of people ahead
    /// is told once (the message's key is the ticket's), whatever order calls, transfers and priorities came in.
    package func announceNear(centre: String, service: String, on db: any Database) async throws {
        guard let threshold = try await notifier.nearThreshold(centre: centre, on: db) else { return }
        struct Row: Decodable {
            let id: String
            let label: String
            let phone: String?
        }
        let waiting = try await db.sql.select().columns("id", "label", "phone").from("centre_tickets").where("centre_id", .equal, centre)
            .where("service_id", .equal, service).where("status", .equal, TicketStatus.waiting.rawValue).orderBy("rank_at").orderBy("issued_at")
            .orderBy("id").limit(threshold + 1).all(decoding: Row.self)
        for (ahead, row) in waiting.enumerated() where row.phone != nil {
            try await notifier.notify(
                Notice(
                    subject: "ticket:\(row.id)", event: .ticketNear, values: ["label": row.label, "ahead": String(ahead)],
                    key: "ticket:\(row.id):near"), on: db)
        }
    }

    /// Sends the counter's ticket to another service of the centre: it waits again with its original rank, so the person
    /// keeps their place rather than starting over.
    package func transfer(ticket ticketId: String, centre: String, counter: String, to serviceId: String, actor: String, at date: Date? = nil)
        async throws -> Ticket
    {
        let date = date ?? clock.now
        guard let service = try await directory.service(serviceId), service.centreId == centre else {
            throw AppError.validation(field: "service", code: "service_unknown")
        }
        return try await database.writeTransaction { db in
            let sql = db.sql
            let update: SQLQueryString =
                """
                UPDATE centre_tickets SET status = 'waiting', service_id = \(bind: service.id), counter_id = NULL, agent = NULL, called_at = NULL, \
                started_at = NULL, announced_at = NULL \
                WHERE id = \(bind: ticketId) AND centre_id = \(bind: centre) AND counter_id = \(bind: counter) \
                AND status IN ('called', 'serving') AND service_id <> \(bind: service.id) RETURNING \(TicketRow.columns)
                """
            guard let ticket = try await sql.raw(update).first().map(TicketRow.init(row:))?.ticket else {
                throw AppError.conflict("ticket_state")
            }
            try await AuditLog.append(
                AuditEntry(
                    actor: actor, action: "ticket.transferred", entity: "ticket", entityId: ticketId, summary: "\(ticket.label) to \(service.id)"),
                on: db, at: date)
            return ticket
        }
    }
}

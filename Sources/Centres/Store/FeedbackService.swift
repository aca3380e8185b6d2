// SPDX-License-Identifier: MPL-2.0
import Audit
import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// Feedback (`FeedbackAnswer`): one answer per finished ticket; answers from a centre's feedback tablet (no ticket) are
/// limited per device by the caller (`FloodGuard.tabletAnswer`), so a script elsewhere cannot lock the tablet out.
package struct FeedbackService: Sendable {
    package enum Source: String, Sendable { case ticket, tablet }

    let database: DatabaseService
    let directory: DirectoryRepository
    let clock: any WallClock

    package init(database: DatabaseService, directory: DirectoryRepository, clock: any WallClock) {
        self.database = database
        self.directory = directory
        self.clock = clock
    }

    /// Feedback over its own directory reader (tests).
    package init(database: DatabaseService, clock: any WallClock = SystemClock()) {
        self.init(database: database, directory: DirectoryRepository(database: database), clock: clock)
    }

    package func hasAnswer(ticket: Ticket) async throws -> Bool {
        try await database.sql.select().column("id").from("centre_feedback").where("ticket_id", .equal, ticket.id).first() != nil
    }

    /// The answer for a finished ticket; 409 when the ticket has not been served or already has its answer.
    package func answer(ticket: Ticket, _ answer: FeedbackAnswer, at date: Date? = nil) async throws {
        let date = date ?? clock.now
        let answer = try answer.validated()
        guard ticket.ticketStatus == .done else { throw AppError.conflict("feedback_not_served") }
        try await database.writeTransaction { db in
            let sql = db.sql
            guard try await sql.select().column("id").from("centre_feedback").where("ticket_id", .equal, ticket.id).first() == nil else {
                throw AppError.conflict("feedback_already")
            }
            try await Self.insert(sql, centre: ticket.centreId, service: ticket.serviceId, ticket: ticket.id, answer, source: .ticket, date)
            try await AuditLog.append(
                AuditEntry(actor: "visitor", action: "feedback.given", entity: "ticket", entityId: ticket.id, summary: "rating=\(answer.rating)"),
                on: db,
                at: date)
        }
    }

    package func answerAtTablet(centre: String, _ answer: FeedbackAnswer, at date: Date? = nil) async throws {
        let answer = try answer.validated()
        try await answerAtTablet(centre: try await directory.requireCentre(centre), answer, at: date)
    }

    /// An answer from the tablet of a centre the caller has already read.
    package func answerAtTablet(centre: Centre, _ answer: FeedbackAnswer, at date: Date? = nil) async throws {
        let date = date ?? clock.now
        let answer = try answer.validated()
        try await database.writeTransaction { db in
            let id = try await Self.insert(db.sql, centre: centre.id, service: nil, ticket: nil, answer, source: .tablet, date)
            try await AuditLog.append(
                AuditEntry(
                    actor: "tablet:\(centre.id)", action: "feedback.given", entity: "feedback", entityId: id, summary: "rating=\(answer.rating)"),
                on: db, at: date)
        }
    }

    @discardableResult
    static func insert(
        _ sql: any SQLDatabase, centre: String, service: String?, ticket: String?, _ answer: FeedbackAnswer, source: Source, _ date: Date
    )
        async throws -> String
    {
        let id = RandomID.uuid()
        try await sql.insert(into: "centre_feedback")
            .columns("id", "centre_id", "service_id", "ticket_id", "rating", "reason", "comment", "source", "created_at")
            .values(
                SQLBind(id), SQLBind(centre), SQLBind(service), SQLBind(ticket), SQLBind(answer.rating), SQLBind(answer.reason),
                SQLBind(answer.comment),
                SQLBind(source.rawValue), SQLBind(CentreClock.stamp(date))
            ).run()
        return id
    }
}

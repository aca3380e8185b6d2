import Audit
import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// Four smileys after service: 4 very satisfied … 1 very dissatisfied, an optional reason and comment.
/// One answer per ticket; answers from a centre's feedback tablet (no ticket) are limited per device (`FloodGuard`),
/// against stuffing. Nothing identifies the person.
package struct FeedbackService: Sendable {
    let database: DatabaseService

    package init(database: DatabaseService) {
        self.database = database
    }

    package static let reasons = ["waiting_time", "welcome", "information", "outcome", "premises", "other"]
    package static let maxComment = 500

    package enum Source: String, Sendable { case ticket, tablet }

    package struct Answer: Sendable {
        package var rating: Int
        package var reason: String?
        package var comment: String?

        package init(rating: Int, reason: String? = nil, comment: String? = nil) {
            self.rating = rating
            self.reason = reason
            self.comment = comment
        }
    }

    func validated(_ answer: Answer) throws -> Answer {
        guard (1...4).contains(answer.rating) else { throw AppError.validation(field: "rating", code: "rating_required") }
        var answer = answer
        answer.reason = answer.reason.flatMap { $0.isEmpty ? nil : $0 }
        if let reason = answer.reason, !Self.reasons.contains(reason) { throw AppError.validation(field: "reason", code: "reason_unknown") }
        answer.comment = answer.comment.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        if let comment = answer.comment, comment.count > Self.maxComment { throw AppError.validation(field: "comment", code: "comment_too_long") }
        return answer
    }

    package func hasAnswer(ticket: Ticket) async throws -> Bool {
        try await database.sql.select().column("id").from("centre_feedback").where("ticket_id", .equal, ticket.id).first() != nil
    }

    /// The answer for a finished ticket; 409 when the ticket has not been served or already has its answer.
    package func answer(ticket: Ticket, _ answer: Answer, at date: Date = Date()) async throws {
        let answer = try validated(answer)
        guard ticket.ticketStatus == .done else { throw AppError.conflict("feedback_not_served") }
        try await WriteGate.transaction(database) { db in
            let sql = db.sql
            guard try await sql.select().column("id").from("centre_feedback").where("ticket_id", .equal, ticket.id).first() == nil else {
                throw AppError.conflict("feedback_already")
            }
            try await insert(sql, centre: ticket.centreId, service: ticket.serviceId, ticket: ticket.id, answer, source: .ticket, date)
            try await AuditLog.append(
                AuditEntry(actor: "visitor", action: "feedback.given", entity: "ticket", entityId: ticket.id, summary: "rating=\(answer.rating)"), on: db,
                at: date)
        }
    }

    /// An answer from the centre's tablet, without a ticket. The interval between two answers is kept per device
    /// (`FloodGuard.tabletAnswer`, checked by the caller), so a script elsewhere cannot lock the centre's tablet out.
    package func answerAtTablet(centre: String, _ answer: Answer, at date: Date = Date()) async throws {
        let answer = try validated(answer)
        _ = try await DirectoryRepository(database: database.db).requireCentre(centre)
        try await WriteGate.transaction(database) { db in
            let id = try await insert(db.sql, centre: centre, service: nil, ticket: nil, answer, source: .tablet, date)
            try await AuditLog.append(
                AuditEntry(actor: "tablet:\(centre)", action: "feedback.given", entity: "feedback", entityId: id, summary: "rating=\(answer.rating)"),
                on: db, at: date)
        }
    }

    @discardableResult
    func insert(_ sql: any SQLDatabase, centre: String, service: String?, ticket: String?, _ answer: Answer, source: Source, _ date: Date)
        async throws -> String
    {
        let id = UUID().uuidString.lowercased()
        try await sql.insert(into: "centre_feedback")
            .columns("id", "centre_id", "service_id", "ticket_id", "rating", "reason", "comment", "source", "created_at")
            .values(
                SQLBind(id), SQLBind(centre), SQLBind(service), SQLBind(ticket), SQLBind(answer.rating), SQLBind(answer.reason), SQLBind(answer.comment),
                SQLBind(source.rawValue), SQLBind(CentreClock.stamp(date))
            ).run()
        return id
    }
}

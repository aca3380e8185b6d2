// SPDX-License-Identifier: MPL-2.0
import Audit
import Foundation
import GuichetCore
import SQLKit

/// What agents do with submitted applications: open them (audited), take or assign them, ask for changes, decide, and
/// withdraw an issued document. Each action applies only at the revision the agent saw, in one transaction with its
/// history and audit events.
package struct Casework: Sendable {
    let database: DatabaseService
    let store: ApplicationStore
    let forms: FormStore
    let documents: Documents
    /// Who may be given an institution's work (Accounts answers; no users' table is read here).
    let users: any UserDirectory
    let clock: any WallClock
    /// Where the applicant is told by SMS that a correction is asked, or of the decision and the document.
    let notifier: any Notifier

    /// Records that an agent opened the person's data.
    package func recordOpening(_ record: ApplicationRecord, origin: ActionOrigin, what: String = "answers and files") async throws {
        _ = try await database.writeTransaction { db in
            try await AuditLog.append(
                origin.entry("application.opened", entity: "application", id: record.id, summary: "\(record.reference ?? "draft"): \(what)"), on: db)
        }
    }

    /// Agents who may be given applications of an institution, by name.
    package func agents(of institution: String) async throws -> [DirectoryUser] {
        try await users.agents(of: institution)
    }

    /// Display names of users (agents in an application's history).
    package func names(of ids: Set<String>) async throws -> [String: String] {
        try await users.names(of: ids)
    }

    /// What an action changes, decided before the transaction.
    struct Change {
        var status: ApplicationStatus
        var assignee: String?
        var requested: ChangeRequest?
        var document: SignedDocument?
    }

    /// An agent's action, applied only if nobody acted since the agent loaded the application (its revision).
    package func act(_ record: ApplicationRecord, _ request: AgentRequest, principal: Principal, origin: ActionOrigin) async throws
        -> ApplicationRecord
    {
        guard principal.actsFor(institution: record.institutionId) else { throw AppError.notFound("application_not_found") }
        guard record.revision == request.expectedRevision else { throw AppError.conflict("application_changed") }
        guard request.action.allowed(from: record.status) else { throw AppError.conflict("action_not_allowed") }
        let note = request.note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard note.count <= 2000 else { throw AppError.validation(field: "note", code: "note_too_long") }
        let now = clock.now
        let change = try await decide(record, request, note: note, principal: principal, at: now)
        return try await apply(change, to: record, action: request.action, note: note, stamp: AuditLog.timestamp(now), origin: origin)
    }

    /// The new status, assignee, change request or document the action leads to; a 422 when its input is wrong.
    func decide(_ record: ApplicationRecord, _ request: AgentRequest, note: String, principal: Principal, at now: Date) async throws -> Change {
        var change = Change(status: record.status, assignee: record.assignedTo)
        guard let form = try await forms.form(id: record.formId) else { throw AppError.notFound("form_not_found") }
        switch request.action {
        case .claim:
            change.assignee = principal.id
            if record.status == .submitted { change.status = .inReview }
        case .assign:
            guard let target = request.assignee, !target.isEmpty else { throw AppError.validation(field: "assignee", code: "assignee_required") }
            guard try await users.mayWork(user: target, institution: record.institutionId) else {
                throw AppError.validation(field: "assignee", code: "assignee_invalid")
            }
            change.assignee = target
            if record.status == .submitted { change.status = .inReview }
        case .requestChanges:
            let known = Set(form.definition.fields.map(\.key))
            let fields = request.fields.filter { known.contains($0) }
            guard !fields.isEmpty else { throw AppError.validation(field: "fields", code: "fields_required") }
            guard !note.isEmpty else { throw AppError.validation(field: "note", code: "note_required") }
            change.requested = ChangeRequest(fields: fields, note: note)
            change.status = .actionRequired
        case .reject:
            guard !note.isEmpty else { throw AppError.validation(field: "note", code: "reason_required") }
            change.status = .rejected
        case .approve:
            change.status = .documentIssued
            change.document = try await documents.issue(record, form: form.definition, at: now)
        case .revokeDocument:
            guard !note.isEmpty else { throw AppError.validation(field: "note", code: "reason_required") }
        }
        return change
    }

    /// What the applicant is told of an agent's action (nothing of claiming or assigning).
    static func noticeEvent(_ action: AgentAction, issued: Bool) -> NoticeEvent? {
        switch action {
        case .requestChanges: .applicationCorrection
        case .approve: issued ? .documentIssued : .applicationApproved
        case .reject: .applicationRejected
        case .revokeDocument: .documentWithdrawn
        default: nil
        }
    }

    func apply(
        _ change: Change, to record: ApplicationRecord, action: AgentAction, note: String, stamp: String, origin: ActionOrigin
    ) async throws -> ApplicationRecord {
        try await database.writeTransaction { db in
            let sql = db.sql
            let decided = change.status.isFinal && !record.status.isFinal ? stamp : record.decidedAt
            let updated = try await sql.raw(
                """
                UPDATE applications SET status = \(bind: change.status.rawValue), assigned_to = \(bind: change.assignee), revision = revision + 1,
                requested = \(bind: change.requested.map { ApplicationHistory.json($0) }), decided_at = \(bind: decided), updated_at = \(bind: stamp)
                WHERE id = \(bind: record.id) AND revision = \(bind: record.revision) RETURNING id
                """
            ).all()
            guard !updated.isEmpty else { throw AppError.conflict("application_changed") }
            let actor = origin.actor
            switch action {
            case .approve:
                try await ApplicationHistory.insertEvent(
                    sql, application: record.id, actor: actor, action: "approved", from: record.status, to: .approved,
                    note: note.isEmpty ? nil : note, at: stamp)
                if let document = change.document {
                    try await documents.store(document, application: record.id, at: stamp, on: sql)
                    try await ApplicationHistory.insertEvent(
                        sql, application: record.id, actor: actor, action: "document_issued", from: .approved, to: .documentIssued, at: stamp)
                }
            case .revokeDocument:
                try await documents.revoke(application: record.id, reason: note, at: stamp, on: sql)
                try await ApplicationHistory.insertEvent(
                    sql, application: record.id, actor: actor, action: "document_revoked", from: record.status, to: record.status, note: note,
                    at: stamp)
            default:
                try await ApplicationHistory.insertEvent(
                    sql, application: record.id, actor: actor, action: action.rawValue, from: record.status, to: change.status,
                    note: note.isEmpty ? nil : note, fields: change.requested?.fields, at: stamp)
            }
            var summary = "\(record.reference ?? record.id): \(record.status.rawValue) → \(change.status.rawValue)"
            if let assignee = change.assignee, assignee != record.assignedTo { summary += ", assigned to user:\(assignee)" }
            if let requested = change.requested { summary += ", fields " + requested.fields.joined(separator: ",") }
            if let document = change.document { summary += ", document \(document.code) signed by key \(documents.keys.keyId)" }
            try await AuditLog.append(origin.entry("application.\(action.rawValue)", entity: "application", id: record.id, summary: summary), on: db)
            if let event = Self.noticeEvent(action, issued: change.document != nil) {
                let subject = "application:\(record.id)"
                var values = ["reference": record.reference ?? ""]
                if let document = change.document { values["code"] = document.code }
                let facts = ApplicationEventFacts(
                    reference: record.reference ?? "", procedureId: record.procedureId, institutionId: record.institutionId,
                    status: change.status.rawValue, at: stamp)
                try await notifier.notify(
                    Notice(
                        subject: subject, event: event, values: values, key: "\(subject):\(event.rawValue):\(record.revision)",
                        application: facts), on: db)
            }
            guard let result = try await store.application(id: record.id, on: sql) else { throw AppError(.internalServerError, code: "internal") }
            return result
        }
    }
}

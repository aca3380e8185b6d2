// SPDX-License-Identifier: MPL-2.0
import Audit
import Catalog
import FluentKit
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
    /// The payments' books: no decision while a fee due with the application is unpaid; fees due on approval are put on
    /// them by the approval, and the document waits for their payment.
    let fees: any FeeLedger
    let catalog: CatalogRepository

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
        /// Fees the approval makes due; the document is issued once they are paid.
        var fees: [FeeLine] = []
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
            if let summary = try await fees.summary(application: record.id), !summary.isSettled(stage: .submission) {
                throw AppError.conflict("fee_unpaid")
            }
            let procedure = try await catalog.procedures(ids: [record.procedureId]).first
            let due = procedure.map { FeeRules.lines(form.definition, procedure: $0, answers: record.answers, stage: .approval) } ?? []
            if due.isEmpty {
                change.status = .documentIssued
                change.document = try await documents.issue(record, form: form.definition, at: now)
            } else {
                change.status = .approved
                change.fees = due
            }
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
            case .reject:
                try await ApplicationHistory.insertEvent(
                    sql, application: record.id, actor: actor, action: action.rawValue, from: record.status, to: change.status,
                    note: note.isEmpty ? nil : note, at: stamp)
                try await fees.cancel(application: record.id, actor: actor, on: db)
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
            if !change.fees.isEmpty {
                summary += ", fees due " + change.fees.map { "\($0.key) \($0.amount) \($0.currency)" }.joined(separator: ",")
                let subject = FeeSubject(
                    applicationId: record.id, reference: record.reference ?? record.id, procedureId: record.procedureId,
                    institutionId: record.institutionId, country: record.country)
                try await fees.charge(subject, lines: change.fees, actor: actor, on: db)
            }
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

    /// The document an approved application will get once its fees are paid, signed now, before the transaction
    /// that records the payment (which reads nothing outside itself); nil for an application in any other state.
    package func prepareDocument(application id: String) async throws -> PreparedDocument? {
        guard let record = try await store.application(id: id), record.status == .approved, let form = try await forms.form(id: record.formId)
        else { return nil }
        return PreparedDocument(applicationId: id, document: try await documents.issue(record, form: form.definition, at: clock.now))
    }

    /// Issues the prepared document of an approved application whose fees are now all paid (in the caller's
    /// transaction: the payment that settles them). Nothing happens to an application in any other state, or with a fee
    /// still unpaid.
    package func issuePaidDocument(_ prepared: PreparedDocument, actor: String, on db: any Database) async throws {
        let sql = db.sql
        let id = prepared.applicationId
        guard let record = try await store.application(id: id, on: sql), record.status == .approved,
            let summary = try await fees.summary(application: id, on: db), summary.isSettled
        else { return }
        let stamp = AuditLog.timestamp(clock.now)
        let document = prepared.document
        let updated = try await sql.raw(
            """
            UPDATE applications SET status = \(bind: ApplicationStatus.documentIssued.rawValue), revision = revision + 1, updated_at = \(bind: stamp)
            WHERE id = \(bind: id) AND status = \(bind: ApplicationStatus.approved.rawValue) RETURNING id
            """
        ).all()
        guard !updated.isEmpty else { return }
        try await documents.store(document, application: id, at: stamp, on: sql)
        try await ApplicationHistory.insertEvent(
            sql, application: id, actor: actor, action: "document_issued", from: .approved, to: .documentIssued, at: stamp)
        try await AuditLog.append(
            AuditEntry(
                actor: actor, action: "application.document_issued", entity: "application", entityId: id,
                summary: "\(record.reference ?? id): fees paid, document \(document.code) signed by key \(documents.keys.keyId)"), on: db)
        let subject = "application:\(id)"
        try await notifier.notify(
            Notice(
                subject: subject, event: .documentIssued, values: ["reference": record.reference ?? "", "code": document.code],
                key: "\(subject):\(NoticeEvent.documentIssued.rawValue):\(record.revision)",
                application: ApplicationEventFacts(
                    reference: record.reference ?? "", procedureId: record.procedureId, institutionId: record.institutionId,
                    status: ApplicationStatus.documentIssued.rawValue, at: stamp)), on: db)
    }
}

/// A document signed ahead of the payment that will issue it.
package struct PreparedDocument: Sendable {
    package let applicationId: String
    let document: SignedDocument
}

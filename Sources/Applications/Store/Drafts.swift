// SPDX-License-Identifier: MPL-2.0
import Audit
import Catalog
import Foundation
import GuichetCore
import SQLKit

/// Filling an application in: a new draft, one page's answers, one uploaded file. Each change is one transaction with
/// its audit event, so that an acknowledged change is committed whole and a failed one leaves nothing behind.
package struct Drafts: Sendable {
    let database: DatabaseService
    let store: ApplicationStore
    let files: FileStore
    package let maxFileBytes: Int
    package let maxApplicationBytes: Int
    let clock: any WallClock

    /// A new draft on the procedure's current form.
    package func start(procedure: Procedure, form: StoredForm, filing: Filing, origin: ActionOrigin) async throws -> ApplicationRecord {
        let id = RandomID.uuid()
        let now = AuditLog.timestamp(clock.now)
        try await database.writeTransaction { db in
            let sql = db.sql
            try await sql.insert(into: "applications")
                .columns(
                    "id", "procedure_id", "form_id", "institution_id", "country", "status", "channel", "centre_id", "ticket_id", "filed_by",
                    "owner_hash",
                    "answers", "revision", "created_at", "updated_at"
                )
                .values(
                    SQLBind(id), SQLBind(procedure.id), SQLBind(form.id), SQLBind(procedure.institution), SQLBind(procedure.country),
                    SQLBind(ApplicationStatus.draft.rawValue), SQLBind(filing.channel.rawValue), SQLBind(filing.centreId), SQLBind(filing.ticketId),
                    SQLBind(filing.filedBy), SQLBind(filing.ownerHash), SQLBind("{}"), SQLBind(1), SQLBind(now), SQLBind(now)
                ).run()
            try await ApplicationHistory.insertEvent(sql, application: id, actor: origin.actor, action: "started", from: nil, to: .draft, at: now)
            try await AuditLog.append(
                origin.entry(
                    "application.started", entity: "application", id: id, summary: "\(procedure.id), form \(form.number), \(filing.channel.rawValue)"),
                on: db)
        }
        guard let record = try await store.application(id: id) else { throw AppError(.internalServerError, code: "internal") }
        return record
    }

    /// Saves one page's typed answers. Returns the errors (and saves nothing) when any answer is wrong.
    package func saveAnswers(
        _ record: ApplicationRecord, page: FormPage, input: [String: String], origin: ActionOrigin
    ) async throws -> (answers: [String: String], errors: [AnswerError]) {
        guard record.isOpenToApplicant else { throw AppError.conflict("application_closed") }
        let editablePage = FormPage(key: page.key, title: page.title, fields: page.fields.filter { record.isEditable($0.key) })
        let (answers, errors) = AnswerValidator.validate(page: editablePage, input: input, previous: record.answers, today: clock.now)
        guard errors.isEmpty else { return (answers, errors) }
        if answers == record.answers { return (answers, []) }
        try await database.writeTransaction { db in
            let sql = db.sql
            let updated = try await sql.raw(
                """
                UPDATE applications SET answers = \(bind: ApplicationHistory.json(answers)), revision = revision + 1, \
                updated_at = \(bind: AuditLog.timestamp(clock.now))
                WHERE id = \(bind: record.id) AND revision = \(bind: record.revision) RETURNING id
                """
            ).all()
            guard !updated.isEmpty else { throw AppError.conflict("application_changed") }
            try await AuditLog.append(
                origin.entry("application.answers_saved", entity: "application", id: record.id, summary: "page \(page.key)"), on: db)
        }
        return (answers, [])
    }

    /// Stores an uploaded file for a file field: type read from its content, size within the limits, the person's
    /// earlier file for the same field replaced. Nothing is stored when anything is wrong.
    package func attach(_ record: ApplicationRecord, field: FormField, filename: String?, bytes: [UInt8], origin: ActionOrigin) async throws {
        guard field.kind == .file else { throw AppError.validation(field: field.key, code: "not_a_file") }
        guard record.isEditable(field.key) else { throw AppError.conflict("application_closed") }
        guard bytes.count <= maxFileBytes else {
            throw AppError(.contentTooLarge, code: "file_too_large", field: field.key, arguments: ["max": ApplicationRules.megabytes(maxFileBytes)])
        }
        guard let kind = FileInspector.sniff(bytes) else {
            throw AppError(.unsupportedMediaType, code: "file_type", field: field.key)
        }
        let existing = try await store.files(record.id)
        let others = existing.filter { $0.field != field.key }.reduce(0) { $0 + $1.size }
        guard others + bytes.count <= maxApplicationBytes else {
            throw AppError(
                .contentTooLarge, code: "application_too_large", field: field.key, arguments: ["max": ApplicationRules.megabytes(maxApplicationBytes)]
            )
        }
        let sha256 = FileInspector.sha256(bytes)
        try files.store(bytes, sha256: sha256)
        let name = FileInspector.safeName(filename, kind: kind)
        try await database.writeTransaction { db in
            let sql = db.sql
            let updated = try await sql.raw(
                """
                UPDATE applications SET revision = revision + 1, updated_at = \(bind: AuditLog.timestamp(clock.now))
                WHERE id = \(bind: record.id) AND status IN ('draft', 'action_required') RETURNING id
                """
            ).all()
            guard !updated.isEmpty else { throw AppError.conflict("application_closed") }
            try await sql.delete(from: "application_files").where("application_id", .equal, record.id).where("field", .equal, field.key).run()
            try await sql.insert(into: "application_files").columns("application_id", "field", "name", "media_type", "size", "sha256", "uploaded_at")
                .values(
                    SQLBind(record.id), SQLBind(field.key), SQLBind(name), SQLBind(kind.mediaType), SQLBind(bytes.count), SQLBind(sha256),
                    SQLBind(AuditLog.timestamp(clock.now))
                ).run()
            try await AuditLog.append(
                origin.entry(
                    "application.file_attached", entity: "application", id: record.id,
                    summary: "\(field.key): \(kind.rawValue), \(bytes.count) bytes, sha256 \(sha256)"),
                on: db)
        }
    }
}

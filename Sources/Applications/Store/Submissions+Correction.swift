// SPDX-License-Identifier: MPL-2.0
import Audit
import FluentKit
import Foundation
import GuichetCore
import SQLKit

extension Submissions {
    /// A correction of a sent-back application by someone other than the applicant (the GovStack API's operator).
    package struct Correction: Sendable {
        /// New answers of fields that were sent back (others are a 422).
        package var answers: [String: String]
        /// Staged documents (file field → staged document id) for file fields that were sent back.
        package var documents: [String: String]
        package var documentOwner: String
        /// What makes two corrections the same: the same one sent again changes nothing.
        package var requestHash: String

        package init(answers: [String: String], documents: [String: String], documentOwner: String, requestHash: String) {
            self.answers = answers
            self.documents = documents
            self.documentOwner = documentOwner
            self.requestHash = requestHash
        }
    }

    /// Corrects the fields an agent sent back and resubmits the application, as the applicant's correction on the web
    /// does (in review again if an agent holds it, submitted otherwise), in one transaction: only the sent-back fields may
    /// change, each checked with the form's rules (a 422 naming it). An application not waiting for a correction is a 409,
    /// unless this very correction was its last one (a retry: `changed` false, nothing written).
    package func correct(_ record: ApplicationRecord, _ correction: Correction, origin: ActionOrigin) async throws
        -> (record: ApplicationRecord, changed: Bool)
    {
        guard record.status == .actionRequired else {
            if try await lastCorrection(record.id) == correction.requestHash { return (record, false) }
            throw AppError.conflict("nothing_to_correct")
        }
        guard let form = try await forms.form(id: record.formId) else { throw AppError.notFound("form_not_found") }
        let requested = Set(record.requested?.fields ?? [])
        for key in (Array(correction.answers.keys) + Array(correction.documents.keys)).sorted() where !requested.contains(key) {
            let known = form.definition.field(key) != nil
            throw AppError.validation(field: key, code: known ? "field_not_sent_back" : "unknown_field")
        }
        // The sent-back typed fields, checked page by page with what is given over what was there.
        var input = record.answers
        for (key, value) in correction.answers { input[key] = value }
        var answers = record.answers
        var errors: [AnswerError] = []
        for page in form.definition.pages {
            let editable = FormPage(key: page.key, title: page.title, fields: page.fields.filter { requested.contains($0.key) })
            let result = AnswerValidator.validate(page: editable, input: input, previous: answers, today: clock.now)
            answers = result.answers
            errors += result.errors
        }
        for key in correction.documents.keys.sorted() {
            if form.definition.field(key)?.kind != .file { errors.append(AnswerError(field: key, reason: "not_a_file")) }
        }
        if let first = errors.first {
            throw AppError(
                .unprocessableContent, code: "answers_invalid", field: first.field,
                detail: errors.map { "\($0.field): \($0.reason)" }.joined(separator: "; "))
        }
        let existing = try await store.files(record.id)
        let files = Set(existing.map(\.field)).union(correction.documents.keys)
        let missing = AnswerValidator.missing(form.definition, answers: answers, files: files, today: clock.now)
        if let first = missing.first {
            throw AppError(.unprocessableContent, code: "answers_missing", field: first, detail: "missing: " + missing.joined(separator: ", "))
        }
        let kept = existing.filter { correction.documents[$0.field] == nil }.reduce(0) { $0 + $1.size }
        let claims = try await staged.claims(correction.documents, owner: correction.documentOwner, keeping: kept)
        let procedure = try await catalog.procedures(ids: [record.procedureId]).first
        let feeLines = procedure.map { FeeRules.lines(form.definition, procedure: $0, answers: answers, stage: .submission) } ?? []
        let corrected = answers
        let changed = requested.sorted().filter { answers[$0] != record.answers[$0] || correction.documents[$0] != nil }
        let outcome: ApplicationRecord? = try await database.writeTransaction { db in
            let sql = db.sql
            let stamp = AuditLog.timestamp(clock.now)
            let next: ApplicationStatus = record.assignedTo != nil ? .inReview : .submitted
            let updated = try await sql.raw(
                """
                UPDATE applications SET answers = \(bind: ApplicationHistory.json(corrected)), status = \(bind: next.rawValue), requested = NULL,
                revision = revision + 1, correction_hash = \(bind: correction.requestHash), updated_at = \(bind: stamp)
                WHERE id = \(bind: record.id) AND revision = \(bind: record.revision) AND status = \(bind: record.status.rawValue) RETURNING id
                """
            ).all()
            guard !updated.isEmpty else { return nil }
            try await AuditLog.append(
                origin.entry(
                    "application.corrected", entity: "application", id: record.id,
                    summary: "\(record.reference ?? "") changed: \(changed.isEmpty ? "nothing" : changed.joined(separator: ", "))"), on: db)
            try await StagedDocuments.link(claims, application: record.id, at: stamp, origin: origin, on: db)
            try await recordSubmission(
                record, answers: corrected, form: form, reference: record.reference ?? "", next: next, feeLines: feeLines, stamp: stamp,
                origin: origin, on: db)
            return try await store.application(id: record.id, on: sql)
        }
        if let outcome { return (outcome, true) }
        // Another try of the same correction won the race: answer with its result.
        guard let current = try await store.application(id: record.id) else { throw AppError.notFound("application_not_found") }
        if current.status != .actionRequired, try await lastCorrection(record.id) == correction.requestHash { return (current, false) }
        throw AppError.conflict("application_changed")
    }

    func lastCorrection(_ id: String) async throws -> String? {
        try await database.sql.select().column("correction_hash").from("applications").where("id", .equal, id).first()?
            .decode(column: "correction_hash", as: String?.self)
    }
}

// SPDX-License-Identifier: MPL-2.0
import Audit
import Catalog
import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// Sending an application to the administration: from the declaration page (a one-time token per revision), or from
/// the API in one go (an `Idempotency-Key` per create). Each submission gets its reference and due date in the same
/// transaction as its history and audit events.
package struct Submissions: Sendable {
    let database: DatabaseService
    let store: ApplicationStore
    let forms: FormStore
    let keys: ApplicationKeys
    let catalog: CatalogRepository
    let clock: any WallClock
    /// Where the applicant who gave a phone number is told of each step by SMS.
    let notifier: any Notifier
    /// Where the fees due with the application go on the books, in its transaction.
    let fees: any FeeLedger
    /// Documents uploaded before the application that names them (the GovStack API).
    let staged: StagedDocuments

    /// The one-time token of the declaration form: valid for this application at this revision only.
    package func submitToken(_ record: ApplicationRecord) -> String {
        "\(record.revision).\(keys.mac("submit|\(record.id)|\(record.revision)"))"
    }

    package enum SubmitOutcome: Sendable {
        /// Submitted now, or by an earlier try of the same submission: the same reference either way.
        case submitted(ApplicationRecord)
        /// The answers changed after the declaration page was shown: check them again.
        case stale
        /// Required answers or files are missing (their keys).
        case incomplete([String])
    }

    package func submit(applicationId: String, token: String, origin: ActionOrigin) async throws -> SubmitOutcome {
        let parts = token.split(separator: ".", maxSplits: 1)
        guard parts.count == 2, let revision = Int(parts[0]), keys.mac("submit|\(applicationId)|\(revision)") == parts[1] else {
            throw AppError(.forbidden, code: "submit_token")
        }
        return try await submit(applicationId: applicationId, expectedRevision: revision, origin: origin)
    }

    /// Submits at the given revision. A retry after success finds the application already submitted and answers the same.
    package func submit(applicationId: String, expectedRevision: Int, origin: ActionOrigin) async throws -> SubmitOutcome {
        guard let record = try await store.application(id: applicationId) else { throw AppError.notFound("application_not_found") }
        if !record.isOpenToApplicant {
            return .submitted(record)
        }
        guard record.revision == expectedRevision else { return .stale }
        guard let form = try await forms.form(id: record.formId) else { throw AppError.notFound("form_not_found") }
        let attached = Set(try await store.files(record.id).map(\.field))
        let missing = AnswerValidator.missing(form.definition, answers: record.answers, files: attached, today: clock.now)
        guard missing.isEmpty else { return .incomplete(missing) }
        let procedure = try await catalog.procedures(ids: [record.procedureId]).first
        let dueDays = procedure.map(ApplicationRules.dueDays) ?? 30
        let feeLines = procedure.map { FeeRules.lines(form.definition, procedure: $0, answers: record.answers, stage: .submission) } ?? []
        let outcome: ApplicationRecord? = try await database.writeTransaction { db in
            let sql = db.sql
            let now = clock.now
            let stamp = AuditLog.timestamp(now)
            let resubmission = record.status == .actionRequired
            let next: ApplicationStatus = resubmission && record.assignedTo != nil ? .inReview : .submitted
            let reference: String
            if let existing = record.reference {
                reference = existing
            } else {
                reference = try await Self.newReference(country: record.country, at: now, on: sql)
            }
            let due = resubmission ? record.dueAt : AuditLog.timestamp(now.addingTimeInterval(Double(dueDays) * 86_400))
            let updated = try await sql.raw(
                """
                UPDATE applications SET status = \(bind: next.rawValue), reference = \(bind: reference), revision = revision + 1,
                submitted_at = \(bind: record.submittedAt ?? stamp), due_at = \(bind: due), requested = NULL, updated_at = \(bind: stamp)
                WHERE id = \(bind: record.id) AND revision = \(bind: record.revision) AND status = \(bind: record.status.rawValue) RETURNING id
                """
            ).all()
            guard !updated.isEmpty else { return nil }
            try await recordSubmission(
                record, answers: record.answers, form: form, reference: reference, next: next, feeLines: feeLines, stamp: stamp, origin: origin,
                on: db)
            return try await store.application(id: record.id, on: sql)
        }
        if let outcome { return .submitted(outcome) }
        // Another try of the same submission won the race: answer with its result.
        guard let current = try await store.application(id: applicationId) else { throw AppError.notFound("application_not_found") }
        return current.isOpenToApplicant ? .stale : .submitted(current)
    }

    /// In the submission's transaction, once the row is `next`: its history and audit events, the applicant's and the
    /// institution's notices, and the fees due with it. A sent-back application (`record.status`) is resubmitted.
    func recordSubmission(
        _ record: ApplicationRecord, answers: [String: String], form: StoredForm, reference: String, next: ApplicationStatus, feeLines: [FeeLine],
        stamp: String, origin: ActionOrigin, on db: any Database
    ) async throws {
        let resubmission = record.status == .actionRequired
        try await ApplicationHistory.insertEvent(
            db.sql, application: record.id, actor: origin.actor, action: resubmission ? "resubmitted" : "submitted", from: record.status, to: next,
            at: stamp)
        try await AuditLog.append(
            origin.entry(
                resubmission ? "application.resubmitted" : "application.submitted", entity: "application", id: record.id,
                summary: "\(reference) \(record.procedureId) → \(next.rawValue)"), on: db)
        try await announceSubmission(
            id: record.id, revision: record.revision, country: record.country, phone: Self.phone(form.definition, answers: answers),
            facts: ApplicationEventFacts(
                reference: reference, procedureId: record.procedureId, institutionId: record.institutionId, status: next.rawValue, at: stamp),
            origin: origin, on: db)
        if !feeLines.isEmpty {
            let subject = FeeSubject(
                applicationId: record.id, reference: reference, procedureId: record.procedureId, institutionId: record.institutionId,
                country: record.country)
            try await fees.charge(subject, lines: feeLines, actor: origin.actor, on: db)
        }
    }

    /// The first phone number the applicant gave in the form, if any.
    static func phone(_ definition: FormDefinition, answers: [String: String]) -> String? {
        definition.fields.lazy.filter { $0.kind == .phone }.compactMap { answers[$0.key] }.first { !$0.isEmpty }
    }

    /// In the submission's transaction: the applicant who gave a number is told their reference by SMS, the institution's
    /// systems that asked for it are told of the submission.
    func announceSubmission(
        id: String, revision: Int, country: String, phone: String?, facts: ApplicationEventFacts, origin: ActionOrigin, on db: any Database
    ) async throws {
        let subject = "application:\(id)"
        let notice = Notice(
            subject: subject, event: .applicationSubmitted, values: ["reference": facts.reference], key: "\(subject):submitted:\(revision)",
            application: facts)
        if let phone {
            try await notifier.subscribe(
                subject: subject, phone: phone, language: origin.language ?? "fr", country: country, thenNotify: notice, on: db)
        } else {
            try await notifier.notify(notice, on: db)
        }
    }

    /// A reference nobody holds yet (the unique index is the last word; a clash among 20 million codes a year is rare).
    static func newReference(country: String, at date: Date, on sql: any SQLDatabase) async throws -> String {
        let year = year(date)
        for _ in 0..<8 {
            let candidate = ApplicationReference.make(country: country, year: year)
            if try await sql.raw("SELECT id FROM applications WHERE reference = \(bind: candidate)").first() == nil { return candidate }
        }
        throw AppError(.serviceUnavailable, code: "reference_exhausted")
    }

    /// The year a reference carries.
    static func year(_ date: Date) -> Int {
        Calendar(identifier: .gregorian).component(.year, from: date)
    }

    // MARK: API filing

    package struct APIFiling: Sendable {
        package var procedure: Procedure
        package var form: StoredForm
        package var answers: [String: String]
        package var submit: Bool
        package var scope: String
        package var idempotencyKey: String
        package var requestHash: String
        package var filing: Filing
        /// Staged documents to link (file field → staged document id), owned by `documentOwner`.
        package var documents: [String: String] = [:]
        package var documentOwner: String = ""
    }

    /// Creates (and, when asked, submits) an application from a complete set of answers. The same idempotency key
    /// with the same request answers with the same application; with another request, it is refused.
    package func create(_ input: APIFiling, origin: ActionOrigin) async throws -> (record: ApplicationRecord, created: Bool) {
        // No look-up of the key first: the insert finds it (a retry meets its own row and inserts nothing), so a new
        // filing, the frequent case, costs two statements fewer (the key's look-up, the reference's). A retry whose
        // answers or documents no longer pass (its documents were claimed by the first try) is answered with its row.
        func earlier() async throws -> ApplicationRecord? {
            try await existing(scope: input.scope, key: input.idempotencyKey, requestHash: input.requestHash)
        }
        let answers: [String: String]
        let claims: [StagedDocuments.Claim]
        do {
            answers = try checkedAnswers(input)
            claims = try await staged.claims(input.documents, owner: input.documentOwner)
        } catch {
            if let existing = try await earlier() { return (existing, false) }
            throw error
        }
        // Encoded here and the stored row decoded after the commit, not in the one writer's transaction.
        let answersJSON = ApplicationHistory.json(answers)
        for _ in 0..<8 {
            let inserted: StoredRow?
            do {
                inserted = try await insert(input, answers: answers, answersJSON: answersJSON, claims: claims, origin: origin)
            } catch let error as AppError {
                throw error
            } catch {
                // The same key raced in from another connection: its row won, answer with it.
                if let existing = try await earlier() { return (existing, false) }
                throw error
            }
            if let inserted {
                return (try ApplicationRecord(row: inserted.row), true)
            }
            // Nothing inserted: the key is taken (a retry: its row answers), or, rarely, the reference drawn was.
            if let existing = try await earlier() { return (existing, false) }
        }
        throw AppError(.serviceUnavailable, code: "reference_exhausted")
    }

    /// One try at inserting an API filing under a new reference: the stored row, or nil when the idempotency key or the
    /// reference is already taken (then nothing is written).
    private func insert(
        _ input: APIFiling, answers: [String: String], answersJSON: String, claims: [StagedDocuments.Claim], origin: ActionOrigin
    ) async throws -> StoredRow? {
        let id = RandomID.uuid()
        let dueDays = input.submit ? ApplicationRules.dueDays(input.procedure) : 0
        return try await database.writeTransaction { db -> StoredRow? in
            let sql = db.sql
            let now = clock.now
            let stamp = AuditLog.timestamp(now)
            // An API draft gets its reference at once: the client names it to upload files and submit.
            let reference = ApplicationReference.make(country: input.procedure.country, year: Self.year(now))
            let status: ApplicationStatus = input.submit ? .submitted : .draft
            // Raw SQL, not SQLKit's builder: it runs in the one writer's transaction, where quoting twenty names for every
            // submission showed in the profile. The row comes back as stored, for the answer, instead of being read again.
            // A taken key or reference inserts nothing and returns no row (the unique indexes decide, in this transaction).
            guard
                let record = try await sql.raw(
                    """
                    INSERT INTO applications (id, reference, procedure_id, form_id, institution_id, country, status, channel, centre_id, \
                    ticket_id, filed_by, answers, revision, idempotency_scope, idempotency_key, request_hash, created_at, updated_at, \
                    submitted_at, due_at) VALUES (\(bind: id), \(bind: reference), \(bind: input.procedure.id), \(bind: input.form.id), \
                    \(bind: input.procedure.institution), \(bind: input.procedure.country), \(bind: status.rawValue), \
                    \(bind: input.filing.channel.rawValue), \(bind: input.filing.centreId), \(bind: input.filing.ticketId), \
                    \(bind: input.filing.filedBy), \(bind: answersJSON), 1, \(bind: input.scope), \
                    \(bind: input.idempotencyKey), \(bind: input.requestHash), \(bind: stamp), \(bind: stamp), \
                    \(bind: input.submit ? stamp : nil), \
                    \(bind: input.submit ? AuditLog.timestamp(now.addingTimeInterval(Double(dueDays) * 86_400)) : nil)) \
                    ON CONFLICT DO NOTHING RETURNING \(ApplicationRecord.columns)
                    """
                ).first().map(StoredRow.init)
            else { return nil }
            try await StagedDocuments.link(claims, application: id, at: stamp, origin: origin, on: db)
            try await ApplicationHistory.insertEvent(
                sql, application: id, actor: origin.actor, action: input.submit ? "submitted" : "started", from: nil, to: status, at: stamp)
            try await AuditLog.append(
                origin.entry(
                    input.submit ? "application.submitted" : "application.started", entity: "application", id: id,
                    summary: "\(reference) \(input.procedure.id), \(input.filing.channel.rawValue)"), on: db)
            if input.submit {
                try await announceSubmission(
                    id: id, revision: 0, country: input.procedure.country, phone: Self.phone(input.form.definition, answers: answers),
                    facts: ApplicationEventFacts(
                        reference: reference, procedureId: input.procedure.id, institutionId: input.procedure.institution,
                        status: status.rawValue, at: stamp),
                    origin: origin, on: db)
                let lines = FeeRules.lines(input.form.definition, procedure: input.procedure, answers: answers, stage: .submission)
                if !lines.isEmpty {
                    let subject = FeeSubject(
                        applicationId: id, reference: reference, procedureId: input.procedure.id, institutionId: input.procedure.institution,
                        country: input.procedure.country)
                    try await fees.charge(subject, lines: lines, actor: origin.actor, on: db)
                }
            }
            return record
        }
    }

    /// The answers of an API filing, normalised; a 422 naming the first wrong or (when it is submitted) missing one.
    func checkedAnswers(_ input: APIFiling) throws -> [String: String] {
        var answers: [String: String] = [:]
        var errors: [AnswerError] = []
        for page in input.form.definition.pages {
            let result = AnswerValidator.validate(page: page, input: input.answers, previous: answers, today: clock.now)
            answers = result.answers
            errors += result.errors
        }
        // A draft may be filled in later: only what is given must be right.
        if !input.submit { errors.removeAll { $0.reason == "required" || $0.reason == "choose" } }
        let known = Set(input.form.definition.fields.map(\.key))
        for key in input.answers.keys.sorted() where !known.contains(key) { errors.append(AnswerError(field: key, reason: "unknown_field")) }
        for key in input.documents.keys.sorted() {
            guard let field = input.form.definition.field(key), field.kind == .file else {
                errors.append(AnswerError(field: key, reason: "not_a_file"))
                continue
            }
            if !AnswerValidator.isShown(field, answers: answers) { errors.append(AnswerError(field: key, reason: "not_asked")) }
        }
        if let first = errors.first {
            throw AppError(
                .unprocessableContent, code: "answers_invalid", field: first.field,
                detail: errors.map { "\($0.field): \($0.reason)" }.joined(separator: "; "))
        }
        if input.submit {
            let missing = AnswerValidator.missing(input.form.definition, answers: answers, files: Set(input.documents.keys), today: clock.now)
            if !missing.isEmpty {
                throw AppError(
                    .unprocessableContent, code: "answers_missing", field: missing[0], detail: "missing: " + missing.joined(separator: ", "))
            }
        }
        return answers
    }

    func existing(scope: String, key: String, requestHash: String) async throws -> ApplicationRecord? {
        guard
            let row = try await database.sql.raw(
                "SELECT id, request_hash FROM applications WHERE idempotency_scope = \(bind: scope) AND idempotency_key = \(bind: key)"
            ).first()
        else { return nil }
        guard try row.decode(column: "request_hash", as: String?.self) == requestHash else {
            throw AppError.idempotencyKeyReused
        }
        return try await store.application(id: try row.decode(column: "id", as: String.self))
    }
}

/// A row as the database gave it back, carried out of the writer's transaction and decoded by the caller after the
/// commit. The row's values are plain data, read by one task after the other.
struct StoredRow: @unchecked Sendable {
    let row: any SQLRow
}

import Audit
import Catalog
import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// Every change to an application: each is one transaction with its history event and its audit event, so that an
/// acknowledged change is committed whole before the answer leaves, and a failed one leaves nothing behind.
package struct ApplicationService: Sendable {
    package let database: DatabaseService
    package let keys: ApplicationKeys
    package let files: FileStore
    package let maxFileBytes: Int
    package let maxApplicationBytes: Int

    package init(database: DatabaseService, keys: ApplicationKeys, files: FileStore, maxFileBytes: Int, maxApplicationBytes: Int) {
        self.database = database
        self.keys = keys
        self.files = files
        self.maxFileBytes = maxFileBytes
        self.maxApplicationBytes = maxApplicationBytes
    }

    package var store: ApplicationStore { ApplicationStore(database: database) }
    package var forms: FormStore { FormStore(database: database, cache: formCache) }
    var limiter: AttemptLimiter { AttemptLimiter(database) }
    let formCache = FormCache()
    let historyCache = HistoryCache()

    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(value)) ?? Data("{}".utf8), as: UTF8.self)
    }

    static func insertEvent(
        _ sql: any SQLDatabase, application: String, actor: String, action: String, from: ApplicationStatus?, to: ApplicationStatus,
        note: String? = nil, fields: [String]? = nil, at: String
    ) async throws {
        try await sql.insert(into: "application_events").columns("application_id", "at", "actor", "action", "from_status", "to_status", "note", "fields")
            .values(
                SQLBind(application), SQLBind(at), SQLBind(actor), SQLBind(action), SQLBind(from?.rawValue), SQLBind(to.rawValue), SQLBind(note),
                SQLBind(fields.map { json($0) })
            ).run()
    }

    // MARK: Drafts

    package struct Filing: Sendable {
        package var channel: FilingChannel
        package var ownerHash: String?
        package var filedBy: String?
        package var centreId: String?
        package var ticketId: String?

        package init(channel: FilingChannel, ownerHash: String? = nil, filedBy: String? = nil, centreId: String? = nil, ticketId: String? = nil) {
            self.channel = channel
            self.ownerHash = ownerHash
            self.filedBy = filedBy
            self.centreId = centreId
            self.ticketId = ticketId
        }
    }

    /// A new draft on the procedure's current form.
    package func start(procedure: Procedure, form: StoredForm, filing: Filing, origin: ActionOrigin) async throws -> ApplicationRecord {
        let id = UUID().uuidString.lowercased()
        let now = AuditLog.timestamp()
        try await database.writeTransaction { db in
            let sql = db.sql
            try await sql.insert(into: "applications")
                .columns(
                    "id", "procedure_id", "form_id", "institution_id", "country", "status", "channel", "centre_id", "ticket_id", "filed_by", "owner_hash",
                    "answers", "revision", "created_at", "updated_at"
                )
                .values(
                    SQLBind(id), SQLBind(procedure.id), SQLBind(form.id), SQLBind(procedure.institution), SQLBind(procedure.country),
                    SQLBind(ApplicationStatus.draft.rawValue), SQLBind(filing.channel.rawValue), SQLBind(filing.centreId), SQLBind(filing.ticketId),
                    SQLBind(filing.filedBy), SQLBind(filing.ownerHash), SQLBind("{}"), SQLBind(1), SQLBind(now), SQLBind(now)
                ).run()
            try await Self.insertEvent(sql, application: id, actor: origin.actor, action: "started", from: nil, to: .draft, at: now)
            try await AuditLog.append(
                origin.entry("application.started", entity: "application", id: id, summary: "\(procedure.id), form \(form.number), \(filing.channel.rawValue)"),
                on: db)
        }
        guard let record = try await store.application(id: id) else { throw AppError(.internalServerError, code: "internal") }
        return record
    }

    /// Whether the person may still change this field now: anything in a draft, only what was asked for when the
    /// agent requested changes.
    package static func editable(_ field: String, in record: ApplicationRecord) -> Bool {
        switch record.status {
        case .draft: return true
        case .actionRequired: return record.requested?.fields.contains(field) ?? false
        default: return false
        }
    }

    /// Saves one page's typed answers. Returns the errors (and saves nothing) when any answer is wrong.
    package func saveAnswers(
        _ record: ApplicationRecord, page: FormPage, input: [String: String], origin: ActionOrigin
    ) async throws -> (answers: [String: String], errors: [AnswerError]) {
        guard record.status == .draft || record.status == .actionRequired else { throw AppError.conflict("application_closed") }
        let editablePage = FormPage(key: page.key, title: page.title, fields: page.fields.filter { Self.editable($0.key, in: record) })
        let (answers, errors) = AnswerValidator.validate(page: editablePage, input: input, previous: record.answers)
        guard errors.isEmpty else { return (answers, errors) }
        if answers == record.answers { return (answers, []) }
        try await database.writeTransaction { db in
            let sql = db.sql
            let updated = try await sql.raw(
                """
                UPDATE applications SET answers = \(bind: Self.json(answers)), revision = revision + 1, updated_at = \(bind: AuditLog.timestamp())
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
        guard Self.editable(field.key, in: record) else { throw AppError.conflict("application_closed") }
        guard bytes.count <= maxFileBytes else {
            throw AppError(.contentTooLarge, code: "file_too_large", field: field.key, arguments: ["max": Self.megabytes(maxFileBytes)])
        }
        guard let kind = FileInspector.sniff(bytes) else {
            throw AppError(.unsupportedMediaType, code: "file_type", field: field.key)
        }
        let existing = try await store.files(record.id)
        let others = existing.filter { $0.field != field.key }.reduce(0) { $0 + $1.size }
        guard others + bytes.count <= maxApplicationBytes else {
            throw AppError(.contentTooLarge, code: "application_too_large", field: field.key, arguments: ["max": Self.megabytes(maxApplicationBytes)])
        }
        let sha256 = FileInspector.sha256(bytes)
        try files.store(bytes, sha256: sha256)
        let name = FileInspector.safeName(filename, kind: kind)
        try await database.writeTransaction { db in
            let sql = db.sql
            let updated = try await sql.raw(
                """
                UPDATE applications SET revision = revision + 1, updated_at = \(bind: AuditLog.timestamp())
                WHERE id = \(bind: record.id) AND status IN ('draft', 'action_required') RETURNING id
                """
            ).all()
            guard !updated.isEmpty else { throw AppError.conflict("application_closed") }
            try await sql.delete(from: "application_files").where("application_id", .equal, record.id).where("field", .equal, field.key).run()
            try await sql.insert(into: "application_files").columns("application_id", "field", "name", "media_type", "size", "sha256", "uploaded_at")
                .values(
                    SQLBind(record.id), SQLBind(field.key), SQLBind(name), SQLBind(kind.mediaType), SQLBind(bytes.count), SQLBind(sha256),
                    SQLBind(AuditLog.timestamp())
                ).run()
            try await AuditLog.append(
                origin.entry("application.file_attached", entity: "application", id: record.id, summary: "\(field.key): \(kind.rawValue), \(bytes.count) bytes, sha256 \(sha256)"),
                on: db)
        }
    }

    static func megabytes(_ bytes: Int) -> String {
        let value = Double(bytes) / 1_048_576
        return value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    // MARK: Submission

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
    func submit(applicationId: String, expectedRevision: Int, origin: ActionOrigin) async throws -> SubmitOutcome {
        guard let record = try await store.application(id: applicationId) else { throw AppError.notFound("application_not_found") }
        if record.status != .draft && record.status != .actionRequired {
            return .submitted(record)
        }
        guard record.revision == expectedRevision else { return .stale }
        guard let form = try await forms.form(id: record.formId) else { throw AppError.notFound("form_not_found") }
        let attached = Set(try await store.files(record.id).map(\.field))
        let missing = AnswerValidator.missing(form.definition, answers: record.answers, files: attached)
        guard missing.isEmpty else { return .incomplete(missing) }
        let dueDays = try await dueDays(record.procedureId)
        let outcome: ApplicationRecord? = try await database.writeTransaction { db in
            let sql = db.sql
            let now = Date()
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
            try await Self.insertEvent(
                sql, application: record.id, actor: origin.actor, action: resubmission ? "resubmitted" : "submitted", from: record.status, to: next, at: stamp)
            try await AuditLog.append(
                origin.entry(
                    resubmission ? "application.resubmitted" : "application.submitted", entity: "application", id: record.id,
                    summary: "\(reference) \(record.procedureId) → \(next.rawValue)"), on: db)
            return try await store.application(id: record.id, on: sql)
        }
        if let outcome { return .submitted(outcome) }
        // Another try of the same submission won the race: answer with its result.
        guard let current = try await store.application(id: applicationId) else { throw AppError.notFound("application_not_found") }
        return current.status == .draft || current.status == .actionRequired ? .stale : .submitted(current)
    }

    /// A reference nobody holds yet (the unique index is the last word; a clash among 20 million codes a year is rare).
    static func newReference(country: String, at date: Date, on sql: any SQLDatabase) async throws -> String {
        let year = Calendar(identifier: .gregorian).component(.year, from: date)
        for _ in 0..<8 {
            let candidate = ApplicationReference.make(country: country, year: year)
            if try await sql.select().column("id").from("applications").where("reference", .equal, candidate).first() == nil { return candidate }
        }
        throw AppError(.serviceUnavailable, code: "reference_exhausted")
    }

    /// Days the procedure declares (the longest total), or 30 when it declares none.
    func dueDays(_ procedureId: String) async throws -> Int {
        guard let procedure = try await CatalogRepository(database: database.db).procedures(ids: [procedureId]).first else { return 30 }
        return Self.dueDays(procedure)
    }

    static func dueDays(_ procedure: Procedure) -> Int {
        let days = ProcedureTotals(procedure: procedure).days?.max ?? 0
        return days > 0 ? days : 30
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
    }

    /// Creates (and, when asked, submits) an application from a complete set of answers. The same idempotency key
    /// with the same request answers with the same application; with another request, it is refused.
    package func create(_ input: APIFiling, origin: ActionOrigin) async throws -> (record: ApplicationRecord, created: Bool) {
        if let existing = try await existing(scope: input.scope, key: input.idempotencyKey, requestHash: input.requestHash) { return (existing, false) }
        var answers: [String: String] = [:]
        var errors: [AnswerError] = []
        for page in input.form.definition.pages {
            let result = AnswerValidator.validate(page: page, input: input.answers, previous: answers)
            answers = result.answers
            errors += result.errors
        }
        // A draft may be filled in later: only what is given must be right.
        if !input.submit { errors.removeAll { $0.reason == "required" || $0.reason == "choose" } }
        let known = Set(input.form.definition.fields.map(\.key))
        for key in input.answers.keys.sorted() where !known.contains(key) { errors.append(AnswerError(field: key, reason: "unknown_field")) }
        if let first = errors.first {
            throw AppError(
                .unprocessableContent, code: "answers_invalid", field: first.field,
                detail: errors.map { "\($0.field): \($0.reason)" }.joined(separator: "; "))
        }
        if input.submit {
            let missing = AnswerValidator.missing(input.form.definition, answers: answers, files: [])
            if !missing.isEmpty {
                throw AppError(.unprocessableContent, code: "answers_missing", field: missing[0], detail: "missing: " + missing.joined(separator: ", "))
            }
        }
        let id = UUID().uuidString.lowercased()
        let dueDays = input.submit ? Self.dueDays(input.procedure) : 0
        let checked = answers
        do {
            try await database.writeTransaction { db in
                let sql = db.sql
                let now = Date()
                let stamp = AuditLog.timestamp(now)
                // An API draft gets its reference at once: the client names it to upload files and submit.
                let reference = try await Self.newReference(country: input.procedure.country, at: now, on: sql)
                let status: ApplicationStatus = input.submit ? .submitted : .draft
                try await sql.insert(into: "applications")
                    .columns(
                        "id", "reference", "procedure_id", "form_id", "institution_id", "country", "status", "channel", "centre_id", "ticket_id", "filed_by",
                        "answers", "revision", "idempotency_scope", "idempotency_key", "request_hash", "created_at", "updated_at", "submitted_at", "due_at"
                    )
                    .values(
                        SQLBind(id), SQLBind(reference), SQLBind(input.procedure.id), SQLBind(input.form.id), SQLBind(input.procedure.institution),
                        SQLBind(input.procedure.country), SQLBind(status.rawValue), SQLBind(input.filing.channel.rawValue), SQLBind(input.filing.centreId),
                        SQLBind(input.filing.ticketId), SQLBind(input.filing.filedBy), SQLBind(Self.json(checked)), SQLBind(1), SQLBind(input.scope),
                        SQLBind(input.idempotencyKey), SQLBind(input.requestHash), SQLBind(stamp), SQLBind(stamp), SQLBind(input.submit ? stamp : nil),
                        SQLBind(input.submit ? AuditLog.timestamp(now.addingTimeInterval(Double(dueDays) * 86_400)) : nil)
                    ).run()
                try await Self.insertEvent(sql, application: id, actor: origin.actor, action: input.submit ? "submitted" : "started", from: nil, to: status, at: stamp)
                try await AuditLog.append(
                    origin.entry(
                        input.submit ? "application.submitted" : "application.started", entity: "application", id: id,
                        summary: "\(reference) \(input.procedure.id), \(input.filing.channel.rawValue)"), on: db)
            }
        } catch let error as AppError {
            throw error
        } catch {
            // The same key raced in from another connection: its row won, answer with it.
            if let existing = try await existing(scope: input.scope, key: input.idempotencyKey, requestHash: input.requestHash) { return (existing, false) }
            throw error
        }
        guard let record = try await store.application(id: id) else { throw AppError(.internalServerError, code: "internal") }
        return (record, true)
    }

    func existing(scope: String, key: String, requestHash: String) async throws -> ApplicationRecord? {
        guard let row = try await database.sql.select().columns("id", "request_hash").from("applications")
            .where("idempotency_scope", .equal, scope).where("idempotency_key", .equal, key).first()
        else { return nil }
        guard try row.decode(column: "request_hash", as: String?.self) == requestHash else {
            throw AppError(.unprocessableContent, code: "idempotency_key_reused", field: "Idempotency-Key")
        }
        return try await store.application(id: try row.decode(column: "id", as: String.self))
    }

    // MARK: Tracking

    static let failureWindow: TimeInterval = 15 * 60
    static let failuresPerReference = 5
    static let failuresPerAddress = 20

    /// The application behind a reference and PIN. Every try is counted per reference and per address *before* the PIN
    /// is compared (a right one is then uncounted), so parallel guesses cannot pass the limit; past it every try is
    /// refused (429) for the window, right PIN or not.
    package func track(reference typed: String, pin: String, address: String?) async throws -> ApplicationRecord {
        let reference = ApplicationReference.normalise(typed)
        var rules = address.map { [AttemptLimiter.Rule(bucket: "track-address:\($0)", limit: Self.failuresPerAddress, window: Self.failureWindow)] } ?? []
        if let reference { rules.append(AttemptLimiter.Rule(bucket: "track-ref:\(reference)", limit: Self.failuresPerReference, window: Self.failureWindow)) }
        guard let reservation = try await limiter.reserve(rules) else { throw AppError(.tooManyRequests, code: "tracking_blocked") }
        guard let reference else { throw AppError.validation(field: "reference", code: "reference_invalid") }
        let row = try await database.sql.raw(
            "SELECT \(unsafeRaw: ApplicationRecord.columns.joined(separator: ", ")) FROM applications WHERE reference = \(bind: reference)"
        ).first()
        let record = try row.map(ApplicationRecord.init(row:))
        let cleanPin = String(pin.filter { $0.isASCII && $0.isNumber }.prefix(12))
        // The reserved try stays counted: it is the failure.
        guard let record, CSRFMiddleware.constantTimeEqual(keys.pin(for: record.id), cleanPin) else {
            throw AppError.validation(field: "pin", code: "tracking_not_found")
        }
        try await limiter.release(reservation)
        return record
    }

    /// The browser that proved it knows the reference and PIN becomes the one that may correct the application.
    package func takeOwnership(_ record: ApplicationRecord, ownerHash: String, origin: ActionOrigin) async throws {
        try await database.writeTransaction { db in
            try await db.sql.update("applications").set("owner_hash", to: ownerHash).where("id", .equal, record.id).run()
            try await AuditLog.append(
                origin.entry("application.resumed", entity: "application", id: record.id, summary: "opened for correction with reference and PIN"), on: db)
        }
    }

    /// What tracking shows of an application: its history and its document's code. Every change that adds to the
    /// history also raises the revision, so the answer is kept per (application, revision) until the next change.
    package func publicHistory(_ record: ApplicationRecord) async throws -> (events: [ApplicationEvent], documentCode: String?) {
        if let cached = historyCache.get(record.id, revision: record.revision) { return cached }
        let events = try await store.events(record.id)
        let code = record.status == .documentIssued || record.status == .approved ? try await store.document(applicationId: record.id)?.code : nil
        historyCache.put(record.id, revision: record.revision, value: (events, code))
        return (events, code)
    }

    // MARK: Back office

    package struct AgentRequest: Sendable {
        package var action: AgentAction
        package var expectedRevision: Int
        package var note: String
        package var fields: [String]
        package var assignee: String?

        package init(action: AgentAction, expectedRevision: Int, note: String = "", fields: [String] = [], assignee: String? = nil) {
            self.action = action
            self.expectedRevision = expectedRevision
            self.note = note
            self.fields = fields
            self.assignee = assignee
        }
    }

    /// Records that an agent opened the person's data.
    package func recordOpening(_ record: ApplicationRecord, origin: ActionOrigin, what: String = "answers and files") async throws {
        try await database.writeTransaction { db in
            try await AuditLog.append(
                origin.entry("application.opened", entity: "application", id: record.id, summary: "\(record.reference ?? "draft"): \(what)"), on: db)
        }
    }

    /// An agent's action, applied only if nobody acted since the agent loaded the application (its revision).
    package func act(_ record: ApplicationRecord, _ request: AgentRequest, principal: Principal, origin: ActionOrigin) async throws -> ApplicationRecord {
        guard principal.actsFor(institution: record.institutionId) else { throw AppError.notFound("application_not_found") }
        guard record.revision == request.expectedRevision else { throw AppError.conflict("application_changed") }
        guard request.action.allowed(from: record.status) else { throw AppError.conflict("action_not_allowed") }
        let note = request.note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard note.count <= 2000 else { throw AppError.validation(field: "note", code: "note_too_long") }
        var next = record.status
        var assignee = record.assignedTo
        var requested: ChangeRequest?
        var document: (code: String, payload: String, signature: String)?
        let now = Date()
        let stamp = AuditLog.timestamp(now)
        guard let form = try await forms.form(id: record.formId) else { throw AppError.notFound("form_not_found") }
        switch request.action {
        case .claim:
            assignee = principal.id
            if record.status == .submitted { next = .inReview }
        case .assign:
            guard let target = request.assignee, !target.isEmpty else { throw AppError.validation(field: "assignee", code: "assignee_required") }
            guard try await isAgent(target, of: record.institutionId) else { throw AppError.validation(field: "assignee", code: "assignee_invalid") }
            assignee = target
            if record.status == .submitted { next = .inReview }
        case .requestChanges:
            let known = Set(form.definition.fields.map(\.key))
            let fields = request.fields.filter { known.contains($0) }
            guard !fields.isEmpty else { throw AppError.validation(field: "fields", code: "fields_required") }
            guard !note.isEmpty else { throw AppError.validation(field: "note", code: "note_required") }
            requested = ChangeRequest(fields: fields, note: note)
            next = .actionRequired
        case .reject:
            guard !note.isEmpty else { throw AppError.validation(field: "note", code: "reason_required") }
            next = .rejected
        case .approve:
            next = .documentIssued
            document = try await issue(record, form: form.definition, at: now)
        case .revokeDocument:
            guard !note.isEmpty else { throw AppError.validation(field: "note", code: "reason_required") }
        }
        let finalStatus = next
        let finalAssignee = assignee
        let finalRequested = requested
        let finalDocument = document
        return try await database.writeTransaction { db in
            let sql = db.sql
            let decided = finalStatus.isFinal && !record.status.isFinal ? stamp : record.decidedAt
            let updated = try await sql.raw(
                """
                UPDATE applications SET status = \(bind: finalStatus.rawValue), assigned_to = \(bind: finalAssignee), revision = revision + 1,
                requested = \(bind: finalRequested.map { Self.json($0) }), decided_at = \(bind: decided), updated_at = \(bind: stamp)
                WHERE id = \(bind: record.id) AND revision = \(bind: record.revision) RETURNING id
                """
            ).all()
            guard !updated.isEmpty else { throw AppError.conflict("application_changed") }
            let actor = origin.actor
            switch request.action {
            case .approve:
                try await Self.insertEvent(sql, application: record.id, actor: actor, action: "approved", from: record.status, to: .approved, note: note.isEmpty ? nil : note, at: stamp)
                if let finalDocument {
                    try await sql.insert(into: "issued_documents").columns("code", "application_id", "payload", "signature", "key_id", "issued_at")
                        .values(
                            SQLBind(finalDocument.code), SQLBind(record.id), SQLBind(finalDocument.payload), SQLBind(finalDocument.signature),
                            SQLBind(keys.keyId), SQLBind(stamp)
                        ).run()
                    try await Self.insertEvent(sql, application: record.id, actor: actor, action: "document_issued", from: .approved, to: .documentIssued, at: stamp)
                }
            case .revokeDocument:
                try await sql.update("issued_documents").set("revoked_at", to: stamp).set("revoked_reason", to: note).where("application_id", .equal, record.id).run()
                try await Self.insertEvent(sql, application: record.id, actor: actor, action: "document_revoked", from: record.status, to: record.status, note: note, at: stamp)
            default:
                try await Self.insertEvent(
                    sql, application: record.id, actor: actor, action: request.action.rawValue, from: record.status, to: finalStatus,
                    note: note.isEmpty ? nil : note, fields: finalRequested?.fields, at: stamp)
            }
            var summary = "\(record.reference ?? record.id): \(record.status.rawValue) → \(finalStatus.rawValue)"
            if let finalAssignee, finalAssignee != record.assignedTo { summary += ", assigned to user:\(finalAssignee)" }
            if let finalRequested { summary += ", fields " + finalRequested.fields.joined(separator: ",") }
            if let finalDocument { summary += ", document \(finalDocument.code) signed by key \(keys.keyId)" }
            try await AuditLog.append(origin.entry("application.\(request.action.rawValue)", entity: "application", id: record.id, summary: summary), on: db)
            guard let result = try await store.application(id: record.id, on: sql) else { throw AppError(.internalServerError, code: "internal") }
            return result
        }
    }

    /// The signed document of an approved application.
    func issue(_ record: ApplicationRecord, form: FormDefinition, at date: Date) async throws -> (code: String, payload: String, signature: String) {
        let institution = try await CatalogRepository(database: database.db).allInstitutions()[record.institutionId]
        var validUntil: String?
        if let months = form.document.validityMonths, let until = Calendar(identifier: .gregorian).date(byAdding: .month, value: months, to: date) {
            validUntil = String(AuditLog.timestamp(until).prefix(10))
        }
        let payload = DocumentPayload(
            code: ShortCode.make(length: 12), reference: record.reference ?? "", procedure: record.procedureId, title: form.document.title,
            issuer: record.institutionId, issuerName: institution?.name ?? LocalizedText(fr: record.institutionId), issuedAt: AuditLog.timestamp(date),
            validUntil: validUntil,
            fields: form.document.fields.compactMap { key in
                guard let field = form.field(key), let answer = record.answers[key], !answer.isEmpty else { return nil }
                return DocumentPayload.PrintedField(key: key, label: field.label, value: Self.display(field, record.answers[key]))
            }, keyId: keys.keyId)
        let signed = try DocumentSigner.sign(payload, with: keys)
        return (payload.code, signed.payload, signed.signature)
    }

    /// The answer as a person reads it: a choice's French label rather than its value.
    static func display(_ field: FormField, _ value: String?) -> String {
        guard let value else { return "" }
        if field.kind == .choice, let choice = field.choices?.first(where: { $0.value == value }) { return choice.label.fr }
        return value
    }

    func isAgent(_ userId: String, of institution: String) async throws -> Bool {
        let sql = database.sql
        guard let user = try await sql.select().columns("role", "disabled").from("users").where("id", .equal, userId).first(),
            try user.decode(column: "disabled", as: Bool.self) == false
        else { return false }
        let role = try user.decode(column: "role", as: String.self)
        if role == Role.administrator.rawValue { return true }
        guard role == Role.backOfficeAgent.rawValue else { return false }
        return try await sql.select().column("id").from("user_scopes").where("user_id", .equal, userId).where("scope_id", .equal, institution).first() != nil
    }

    /// Agents who may be given applications of an institution: (id, name).
    package func agents(of institution: String) async throws -> [(id: String, name: String)] {
        try await database.sql.raw(
            """
            SELECT u.id, u.name FROM users u JOIN user_scopes s ON s.user_id = u.id
            WHERE u.role = \(bind: Role.backOfficeAgent.rawValue) AND u.disabled = \(bind: false) AND s.scope_id = \(bind: institution) ORDER BY u.name
            """
        ).all().map { (try $0.decode(column: "id", as: String.self), try $0.decode(column: "name", as: String.self)) }
    }
}

/// The tracking answers of recently looked-up applications, each valid for one revision. Bounded: emptied past 20,000.
final class HistoryCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: (revision: Int, value: (events: [ApplicationEvent], documentCode: String?))] = [:]

    func get(_ id: String, revision: Int) -> (events: [ApplicationEvent], documentCode: String?)? {
        lock.withLock { entries[id].flatMap { $0.revision == revision ? $0.value : nil } }
    }

    func put(_ id: String, revision: Int, value: (events: [ApplicationEvent], documentCode: String?)) {
        lock.withLock {
            if entries.count >= 20_000 { entries.removeAll(keepingCapacity: true) }
            entries[id] = (revision, value)
        }
    }
}

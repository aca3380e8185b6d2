import Audit
import Foundation
import GuichetCore
import SQLKit

/// The applications' facts for the published results and the open data (`ApplicationFigures`): where each belongs,
/// its channel and its dates, never who filed it or what they answered. Drafts (never submitted) are not counted.
package struct ApplicationFiguresSource: ApplicationFigures {
    let sql: any SQLDatabase
    /// The demo's simulated applications count only in the demo.
    let simulated: SimulatedRows

    package init(database: DatabaseService, simulated: SimulatedRows = .excluded) {
        self.sql = database.sql
        self.simulated = simulated
    }

    struct Row: Decodable {
        let procedureId: String
        let institutionId: String
        let country: String
        let channel: String
        let status: String
        let submittedAt: String
        let decidedAt: String?
        let dueAt: String?
        let sentBackAt: String?
    }

    /// The first time each application was sent back for a correction (a constant statement: nothing from input).
    static let firstSentBack = SQLRaw(
        "(SELECT MIN(e.at) FROM application_events e WHERE e.application_id = applications.id AND e.to_status = 'action_required')")

    package func applications(from: Date, until: Date) async throws -> [ApplicationFact] {
        let start = AuditLog.timestamp(from)
        let end = AuditLog.timestamp(until)
        let rows = try await sql.select()
            .columns("procedure_id", "institution_id", "country", "channel", "status", "submitted_at", "decided_at", "due_at")
            .column(SQLAlias(Self.firstSentBack, as: SQLIdentifier("sent_back_at")))
            .from("applications")
            .where("submitted_at", .isNot, SQLLiteral.null)
            .where("submitted_at", .lessThan, end)
            .where { group in
                group.where("submitted_at", .greaterThanOrEqual, start).orWhere("decided_at", .greaterThanOrEqual, start)
                    .orWhere(Self.firstSentBack, .greaterThanOrEqual, SQLBind(start))
            }
            .filtering(simulated)
            .orderBy("submitted_at")
            .all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        return rows.compactMap { row in
            guard let submitted = Timestamps.parse(row.submittedAt), let status = ApplicationStatus(rawValue: row.status) else { return nil }
            // A decision after `until` is not known yet at `until`.
            let decided = Timestamps.parse(row.decidedAt).flatMap { $0 < until ? $0 : nil }
            let approved: Bool? = decided == nil ? nil : (status == .rejected ? false : status.isFinal ? true : nil)
            return ApplicationFact(
                procedureId: row.procedureId, institutionId: row.institutionId, country: row.country, channel: row.channel, submittedAt: submitted,
                decidedAt: approved == nil ? nil : decided, dueAt: Timestamps.parse(row.dueAt), approved: approved,
                sentBackAt: Timestamps.parse(row.sentBackAt).flatMap { $0 < until ? $0 : nil })
        }
    }
}

/// The published e-forms for the GovStack Registration API (`ElectronicForms`): their fields and rules, never answers.
package struct ElectronicFormsSource: ElectronicForms {
    let forms: FormStore

    package init(database: DatabaseService) {
        forms = FormStore(database: database)
    }

    package func procedures() async throws -> Set<String> { try await forms.procedures() }

    package func forms(procedure: String) async throws -> [EFormFact] {
        let versions = try await forms.versions(procedure: procedure).sorted { $0.number < $1.number }
        return versions.map { Self.fact($0, latest: $0.number == versions.last?.number) }
    }

    package func form(id: Int) async throws -> EFormFact? {
        guard let stored = try await forms.form(id: id) else { return nil }
        let latest = try await forms.current(procedure: stored.procedureId)?.id == stored.id
        return Self.fact(stored, latest: latest)
    }

    static func fact(_ stored: StoredForm, latest: Bool) -> EFormFact {
        EFormFact(
            id: stored.id, procedureId: stored.procedureId, number: stored.number, latest: latest,
            fields: stored.definition.fields.map { field in
                EFormFact.Field(
                    key: field.key, kind: field.kind.rawValue, labelFr: field.label.fr, labelEn: field.label.en,
                    required: field.isRequired && field.showIf == nil,
                    minLength: field.minLength, maxLength: field.maxLength, pattern: field.pattern, minimum: field.min, maximum: field.max,
                    choices: (field.choices ?? []).map(\.value))
            })
    }
}

/// Submitted applications for the GovStack Registration API's operator reads (`RegistrationFiles`), scoped to the
/// caller's institutions, each file's reading audited as the back office's is.
package struct RegistrationFilesSource: RegistrationFiles {
    let store: ApplicationStore
    let casework: Casework
    let submissions: Submissions

    package init(module: ApplicationsModule) {
        store = module.store
        casework = module.casework
        submissions = module.submissions
    }

    static func file(_ record: ApplicationRecord, answers: Bool, files: [String] = []) -> RegistrationFile {
        RegistrationFile(
            id: record.id, reference: record.reference ?? "", procedureId: record.procedureId, institutionId: record.institutionId,
            formId: record.formId, status: record.status.rawValue, govStackStatus: record.status.govStack ?? "PENDING", open: record.status.isOpen,
            ended: record.status.isFinal, applicantKey: record.ownerHash, assignedTo: record.assignedTo, createdAt: record.createdAt,
            submittedAt: record.submittedAt, answers: answers ? record.answers : [:], files: files)
    }

    package func files(institutions: [String]?, procedure: String?, openOnly: Bool, offset: Int, limit: Int) async throws -> [RegistrationFile] {
        var filter = ApplicationStore.InboxFilter()
        filter.institutions = institutions
        filter.procedure = procedure
        guard openOnly else {
            return try await store.inbox(filter, limit: limit, offset: offset).items.map { Self.file($0, answers: false) }
        }
        // The open ones are those submitted and those in review: both lists, the oldest due first, then the page.
        var open: [ApplicationRecord] = []
        for status in [ApplicationStatus.submitted, .inReview] {
            filter.status = status
            open += try await store.inbox(filter, limit: offset + limit, offset: 0).items
        }
        let sorted = open.sorted { ($0.dueAt ?? "", $0.reference ?? "") < ($1.dueAt ?? "", $1.reference ?? "") }
        return sorted.dropFirst(offset).prefix(limit).map { Self.file($0, answers: false) }
    }

    package func file(id: String, institutions: [String]?, actor: String, requestId: String?, address: String?) async throws -> RegistrationFile? {
        guard let record = try await store.application(id: id), record.status != .draft,
            institutions.map({ $0.contains(record.institutionId) }) ?? true
        else { return nil }
        try await casework.recordOpening(
            record, origin: ActionOrigin(actor: actor, requestId: requestId, address: address), what: "answers (GovStack API)")
        let files = try await store.files(record.id).map(\.field)
        return Self.file(record, answers: true, files: files)
    }

    package func complete(
        id: String, decision: String, note: String, fields: [String], principal: Principal, requestId: String?, address: String?
    ) async throws -> RegistrationFile? {
        let actions: [String: AgentAction] = ["APPROVED": .approve, "REJECTED": .reject, "SENDBACK": .requestChanges]
        guard let action = actions[decision] else { throw AppError.validation(field: "decision", code: "govstack_decision") }
        guard let record = try await store.application(id: id), record.status.isOpen, principal.actsFor(institution: record.institutionId) else {
            return nil
        }
        let updated = try await casework.act(
            record, AgentRequest(action: action, expectedRevision: record.revision, note: note, fields: fields), principal: principal,
            origin: ActionOrigin(actor: principal.actor, requestId: requestId, address: address))
        return Self.file(updated, answers: false)
    }

    package func submit(
        procedure: String, answers: [String: String], scope: String, key: String, requestHash: String, actor: String, requestId: String?,
        address: String?
    ) async throws -> (file: RegistrationFile, created: Bool)? {
        guard let found = try await submissions.catalog.procedures(ids: [procedure]).first, found.status == .published,
            let form = try await submissions.forms.current(procedure: procedure)
        else { return nil }
        let (record, created) = try await submissions.create(
            .init(
                procedure: found, form: form, answers: answers, submit: true, scope: scope, idempotencyKey: key, requestHash: requestHash,
                filing: Filing(channel: .api, filedBy: actor)),
            origin: ActionOrigin(actor: actor, requestId: requestId, address: address))
        return (Self.file(record, answers: false), created)
    }
}

// SPDX-License-Identifier: MPL-2.0
import Audit
import Foundation
import GuichetCore

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
    let staged: StagedDocuments
    let uploads: FileStore

    package init(module: ApplicationsModule) {
        store = module.store
        casework = module.casework
        submissions = module.submissions
        staged = module.staged
        uploads = module.files
    }

    static func file(_ record: ApplicationRecord, answers: Bool, files: [String] = []) -> RegistrationFile {
        RegistrationFile(
            id: record.id, reference: record.reference ?? "", procedureId: record.procedureId, institutionId: record.institutionId,
            formId: record.formId, status: record.status.rawValue, govStackStatus: record.status.govStack ?? "PENDING", open: record.status.isOpen,
            ended: record.status.isFinal, applicantKey: record.ownerHash, assignedTo: record.assignedTo, createdAt: record.createdAt,
            submittedAt: record.submittedAt, answers: answers ? record.answers : [:], files: files, sentBack: record.requested?.fields ?? [])
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

    package func summary(id: String, institutions: [String]?) async throws -> RegistrationFile? {
        guard let record = try await store.application(id: id), record.status != .draft,
            institutions.map({ $0.contains(record.institutionId) }) ?? true
        else { return nil }
        return Self.file(record, answers: false)
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
        procedure: String, answers: [String: String], documents: [String: String], scope: String, key: String, requestHash: String, actor: String,
        requestId: String?, address: String?
    ) async throws -> (file: RegistrationFile, created: Bool)? {
        guard let found = try await submissions.catalog.procedures(ids: [procedure]).first, found.status == .published,
            let form = try await submissions.forms.current(procedure: procedure)
        else { return nil }
        let (record, created) = try await submissions.create(
            .init(
                procedure: found, form: form, answers: answers, submit: true, scope: scope, idempotencyKey: key, requestHash: requestHash,
                filing: Filing(channel: .api, filedBy: actor), documents: documents, documentOwner: actor),
            origin: ActionOrigin(actor: actor, requestId: requestId, address: address))
        return (Self.file(record, answers: false, files: try await store.files(record.id).map(\.field)), created)
    }

    package var maxDocumentBytes: Int { staged.maxFileBytes }

    package func stage(bytes: [UInt8], filename: String?, owner: String, requestId: String?, address: String?) async throws
        -> StagedRegistrationDocument
    {
        let document = try await staged.stage(
            bytes: bytes, filename: filename, owner: owner, origin: ActionOrigin(actor: owner, requestId: requestId, address: address))
        return StagedRegistrationDocument(id: document.id, mediaType: document.mediaType, size: document.size, expiresAt: document.expiresAt)
    }

    package func correct(
        id: String, answers: [String: String], documents: [String: String], requestHash: String, principal: Principal, requestId: String?,
        address: String?
    ) async throws -> (file: RegistrationFile, changed: Bool)? {
        guard let record = try await store.application(id: id), record.status != .draft, principal.actsFor(institution: record.institutionId) else {
            return nil
        }
        let (updated, changed) = try await submissions.correct(
            record,
            .init(answers: answers, documents: documents, documentOwner: principal.actor, requestHash: requestHash),
            origin: ActionOrigin(actor: principal.actor, requestId: requestId, address: address))
        return (Self.file(updated, answers: true, files: try await store.files(updated.id).map(\.field)), changed)
    }

    package func document(id: String, field: String, institutions: [String]?, actor: String, requestId: String?, address: String?) async throws
        -> RegistrationDocument?
    {
        guard let record = try await store.application(id: id), record.status != .draft,
            institutions.map({ $0.contains(record.institutionId) }) ?? true,
            let stored = try await store.files(record.id).first(where: { $0.field == field })
        else { return nil }
        let bytes = try uploads.read(stored.sha256)
        try await casework.recordOpening(
            record, origin: ActionOrigin(actor: actor, requestId: requestId, address: address), what: "file \(field) (GovStack API)")
        return RegistrationDocument(name: stored.name, mediaType: stored.mediaType, bytes: bytes)
    }
}

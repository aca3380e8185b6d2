// SPDX-License-Identifier: MPL-2.0
import Audit
import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// A save refused because someone saved the same draft since it was read. The refused content is kept.
package struct DraftConflict: Error, Sendable {
    package var currentRevision: Int
    package var conflictId: Int?
}

/// Drafts, publication and history of procedures. The public site and API read only `procedures` (the published
/// versions); editors work on `procedure_drafts`; publishing goes through the same validated, audited import path
/// as files do, and records a numbered version.
package struct ProcedureEditor: Sendable {
    let repository: CatalogRepository

    package init(database: any Database, changes: ContentGeneration? = nil) {
        self.repository = CatalogRepository(database: database, changes: changes)
    }

    /// Over the repository `CatalogModule` built (and its writes' queue).
    package init(repository: CatalogRepository) {
        self.repository = repository
    }

    var database: any Database { repository.database }

    package struct Working: Sendable {
        package var procedure: Procedure
        /// 0 when there is no draft yet (the published version is shown).
        package var revision: Int
        package var hasDraft: Bool
        package var isPublished: Bool
        package var updatedBy: String?
        package var updatedAt: String?
    }

    package func published(_ id: String) async throws -> Procedure? {
        guard let row = try await ProcedureRow.find(id, on: database) else { return nil }
        return try CatalogJSON.decode(Procedure.self, row.data)
    }

    /// The draft if there is one, else the published version as the starting point of a draft.
    package func working(_ id: String) async throws -> Working? {
        let published = try await published(id)
        if let draft = try await ProcedureDraftRow.find(id, on: database) {
            return Working(
                procedure: try CatalogJSON.decode(Procedure.self, draft.data), revision: draft.revision, hasDraft: true,
                isPublished: published != nil, updatedBy: draft.updatedBy, updatedAt: draft.updatedAt)
        }
        guard let published else { return nil }
        return Working(procedure: published, revision: 0, hasDraft: false, isPublished: true, updatedBy: nil, updatedAt: nil)
    }

    /// A published procedure as the editor's list shows it.
    package struct PublishedTitle: Sendable {
        package var id: String
        package var title: String
        package var institution: String
    }

    /// Every published procedure's French title and lead institution, by id (without decoding the documents).
    package func publishedTitles() async throws -> [PublishedTitle] {
        struct Row: Decodable {
            let id: String
            let titleFr: String
            let institutionId: String

            enum CodingKeys: String, CodingKey {
                case id
                case titleFr = "title_fr"
                case institutionId = "institution_id"
            }
        }
        return try await database.sql.raw("SELECT id, title_fr, institution_id FROM procedures ORDER BY id").all(decoding: Row.self)
            .map { PublishedTitle(id: $0.id, title: $0.titleFr, institution: $0.institutionId) }
    }

    package struct DraftSummary: Sendable {
        package var id: String
        package var title: String
        package var institution: String
        package var revision: Int
        package var updatedBy: String
        package var updatedAt: String
        package var isNew: Bool
    }

    package func drafts() async throws -> [DraftSummary] {
        let published = Set(try await ProcedureRow.query(on: database).all(\.$id))
        return try await ProcedureDraftRow.query(on: database).sort(\.$updatedAt, .descending).all().map { row in
            let procedure = try CatalogJSON.decode(Procedure.self, row.data)
            let id = try row.requireID()
            return DraftSummary(
                id: id, title: procedure.title.fr, institution: row.institutionId, revision: row.revision, updatedBy: row.updatedBy,
                updatedAt: row.updatedAt, isNew: !published.contains(id))
        }
    }

    /// Saves `procedure` as the draft, if the draft is still at `expectedRevision` (0: no draft yet).
    /// Otherwise the submission is kept as a conflict copy and `DraftConflict` is thrown.
    @discardableResult
    package func save(_ procedure: Procedure, expectedRevision: Int, origin: ActionOrigin, summary: String) async throws -> Int {
        let data = try CatalogJSON.encode(procedure)
        let now = AuditLog.timestamp()
        let sql = database.sql
        let saved: Int? = try await repository.write { database in
            let sql = database.sql
            let revision: Int?
            if expectedRevision == 0 {
                let base = try await ProcedureVersionRow.query(on: database).filter(\.$procedureId == procedure.id).max(\.$number)
                revision = try await sql.raw(
                    """
                    INSERT INTO procedure_drafts (procedure_id, data, revision, base_version, institution_id, created_by, updated_by, updated_at) \
                    VALUES (\(bind: procedure.id), \(bind: data), 1, \(bind: base), \(bind: procedure.institution), \(bind: origin.actor), \
                    \(bind: origin.actor), \(bind: now)) ON CONFLICT (procedure_id) DO NOTHING RETURNING revision
                    """
                ).first(decodingColumn: "revision", as: Int.self)
            } else {
                revision = try await sql.raw(
                    """
                    UPDATE procedure_drafts SET data = \(bind: data), revision = revision + 1, institution_id = \(bind: procedure.institution), \
                    updated_by = \(bind: origin.actor), updated_at = \(bind: now) \
                    WHERE procedure_id = \(bind: procedure.id) AND revision = \(bind: expectedRevision) RETURNING revision
                    """
                ).first(decodingColumn: "revision", as: Int.self)
            }
            guard let revision else { return nil }
            try await AuditLog.append(
                origin.entry("procedure.draft_save", entity: "procedure", id: procedure.id, summary: "revision \(revision): \(summary)"), on: database
            )
            return revision
        }
        if let saved { return saved }
        // Lost the race: keep what was typed, then say so.
        let current =
            try await sql.raw("SELECT revision FROM procedure_drafts WHERE procedure_id = \(bind: procedure.id)")
            .first(decodingColumn: "revision", as: Int.self) ?? 0
        let conflictId: Int? = try await repository.write { database in
            let row = DraftConflictRow()
            row.procedureId = procedure.id
            row.data = data
            row.revisionSeen = expectedRevision
            row.savedBy = origin.actor
            row.savedAt = now
            try await row.create(on: database)
            try await AuditLog.append(
                origin.entry(
                    "procedure.draft_conflict", entity: "procedure", id: procedure.id,
                    summary: "save on revision \(expectedRevision) refused (now \(current)); kept as conflict copy \(row.id ?? 0)"), on: database)
            return row.id
        }
        throw DraftConflict(currentRevision: current, conflictId: conflictId)
    }

    package func discard(_ id: String, expectedRevision: Int, origin: ActionOrigin) async throws {
        try await repository.write { database in
            guard let draft = try await ProcedureDraftRow.find(id, on: database) else { throw AppError.notFound() }
            guard draft.revision == expectedRevision else { throw DraftConflict(currentRevision: draft.revision, conflictId: nil) }
            try await draft.delete(on: database)
            try await AuditLog.append(
                origin.entry("procedure.draft_discard", entity: "procedure", id: id, summary: "draft revision \(expectedRevision) discarded"),
                on: database)
        }
    }

    /// Makes the draft the public version: validated like any import (a `CatalogValidationError` says what is wrong),
    /// numbered, audited; the draft goes. Publishing a draft someone changed since it was read is a conflict.
    @discardableResult
    package func publish(_ id: String, expectedRevision: Int, origin: ActionOrigin) async throws -> Int {
        guard let draft = try await ProcedureDraftRow.find(id, on: database) else { throw AppError.notFound() }
        guard draft.revision == expectedRevision else { throw DraftConflict(currentRevision: draft.revision, conflictId: nil) }
        var procedure = try CatalogJSON.decode(Procedure.self, draft.data)
        let last = try await ProcedureVersionRow.query(on: database).filter(\.$procedureId == id).max(\.$number) ?? 0
        procedure.version = last + 1
        procedure.status = .published
        let document = CatalogDocument(countries: [], categories: [], institutions: [], procedures: [procedure])
        try await repository.importDocument(document, actor: origin.actor, requestId: origin.requestId, note: "published from the editor") {
            database in
            let sql = database.sql
            let removed = try await sql.raw(
                "DELETE FROM procedure_drafts WHERE procedure_id = \(bind: id) AND revision = \(bind: expectedRevision) RETURNING revision"
            ).all()
            guard removed.count == 1 else { throw DraftConflict(currentRevision: -1, conflictId: nil) }
            try await AuditLog.append(
                origin.entry(
                    "procedure.publish", entity: "procedure", id: id, summary: "version \(last + 1) published from draft revision \(expectedRevision)"
                ),
                on: database)
        }
        return last + 1
    }

    package struct VersionInfo: Sendable {
        package var number: Int
        package var publishedBy: String
        package var publishedAt: String
        package var note: String
    }

    package func versions(_ id: String) async throws -> [VersionInfo] {
        try await ProcedureVersionRow.query(on: database).filter(\.$procedureId == id).sort(\.$number, .descending).all().map {
            VersionInfo(number: $0.number, publishedBy: $0.publishedBy, publishedAt: $0.publishedAt, note: $0.note)
        }
    }

    package func version(_ id: String, number: Int) async throws -> Procedure? {
        guard let row = try await ProcedureVersionRow.query(on: database).filter(\.$procedureId == id).filter(\.$number == number).first()
        else { return nil }
        return try CatalogJSON.decode(Procedure.self, row.data)
    }

    package struct ConflictCopy: Sendable {
        package var id: Int
        package var procedure: Procedure
        package var savedBy: String
        package var savedAt: String
        package var revisionSeen: Int
    }

    package func conflicts(_ id: String) async throws -> [ConflictCopy] {
        try await DraftConflictRow.query(on: database).filter(\.$procedureId == id).sort(\.$id, .descending).all().map {
            ConflictCopy(
                id: try $0.requireID(), procedure: try CatalogJSON.decode(Procedure.self, $0.data), savedBy: $0.savedBy, savedAt: $0.savedAt,
                revisionSeen: $0.revisionSeen)
        }
    }
}

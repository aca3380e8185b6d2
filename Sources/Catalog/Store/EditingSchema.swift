// SPDX-License-Identifier: MPL-2.0
import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// The one draft of a procedure being edited. `revision` grows at every save: a save that names an older revision
/// than the stored one is refused as a conflict (optimistic locking).
final class ProcedureDraftRow: Model, @unchecked Sendable {
    static let schema = "procedure_drafts"
    @ID(custom: "procedure_id", generatedBy: .user) var id: String?
    @Field(key: "data") var data: String
    @Field(key: "revision") var revision: Int
    /// The published version the draft started from (nil for a new procedure).
    @OptionalField(key: "base_version") var baseVersion: Int?
    @Field(key: "institution_id") var institutionId: String
    @Field(key: "created_by") var createdBy: String
    @Field(key: "updated_by") var updatedBy: String
    @Field(key: "updated_at") var updatedAt: String
    init() {}
}

/// Every published state of a procedure, kept for its history and differences.
final class ProcedureVersionRow: Model, @unchecked Sendable {
    static let schema = "procedure_versions"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "procedure_id") var procedureId: String
    @Field(key: "number") var number: Int
    @Field(key: "data") var data: String
    @Field(key: "published_by") var publishedBy: String
    @Field(key: "published_at") var publishedAt: String
    @Field(key: "note") var note: String
    init() {}
}

/// A save that lost a conflict: kept, so that nothing an editor typed is lost.
final class DraftConflictRow: Model, @unchecked Sendable {
    static let schema = "procedure_draft_conflicts"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "procedure_id") var procedureId: String
    @Field(key: "data") var data: String
    @Field(key: "revision_seen") var revisionSeen: Int
    @Field(key: "saved_by") var savedBy: String
    @Field(key: "saved_at") var savedAt: String
    init() {}
}

struct CreateEditingTables: AsyncMigration {
    var name: String { "2026-12-01-10-CreateEditingTables" }

    func prepare(on database: any Database) async throws {
        try await database.schema(ProcedureDraftRow.schema)
            .field("procedure_id", .string, .identifier(auto: false))
            .field("data", .string, .required)
            .field("revision", .int, .required)
            .field("base_version", .int)
            .field("institution_id", .string, .required)
            .field("created_by", .string, .required)
            .field("updated_by", .string, .required)
            .field("updated_at", .string, .required)
            .create()
        try await database.schema(ProcedureVersionRow.schema)
            .field("id", .int, .identifier(auto: true))
            .field("procedure_id", .string, .required)
            .field("number", .int, .required)
            .field("data", .string, .required)
            .field("published_by", .string, .required)
            .field("published_at", .string, .required)
            .field("note", .string, .required)
            .unique(on: "procedure_id", "number")
            .create()
        try await database.schema(DraftConflictRow.schema)
            .field("id", .int, .identifier(auto: true))
            .field("procedure_id", .string, .required)
            .field("data", .string, .required)
            .field("revision_seen", .int, .required)
            .field("saved_by", .string, .required)
            .field("saved_at", .string, .required)
            .create()
        // What is already published becomes each procedure's first version.
        try await database.sql.raw(
            """
            INSERT INTO procedure_versions (procedure_id, number, data, published_by, published_at, note)
            SELECT id, 1, data, 'system:migration', updated_at, 'published before versions were kept' FROM procedures
            """
        ).run()
    }

    func revert(on database: any Database) async throws {
        for table in [DraftConflictRow.schema, ProcedureVersionRow.schema, ProcedureDraftRow.schema] { try await database.schema(table).delete() }
    }
}

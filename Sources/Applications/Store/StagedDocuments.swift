// SPDX-License-Identifier: MPL-2.0
import Audit
import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// Documents uploaded on their own (the GovStack API's `POST /documents`) before the application that names them: checked
/// and stored as the web form's uploads, owned by who uploaded them, linked to at most one application (in its
/// transaction), and pruned when nobody linked them within a day.
package struct StagedDocuments: Sendable {
    /// How long an unlinked document waits for its application.
    package static let lifetime: TimeInterval = 24 * 3600
    /// A stored file nobody names any more is removed only when it was last written longer ago than this: an upload of
    /// the same bytes under way (its file written, its row not yet) keeps it.
    static let blobGrace: TimeInterval = 3600

    let database: DatabaseService
    let files: FileStore
    package let maxFileBytes: Int
    let maxApplicationBytes: Int
    let clock: any WallClock

    package struct Staged: Sendable {
        package var id: String
        package var mediaType: String
        package var size: Int
        package var expiresAt: String
    }

    /// A staged document to link to a field: its id and the field (for errors).
    struct Claim: Sendable {
        var field: String
        var id: String
        var name: String
        var mediaType: String
        var size: Int
        var sha256: String
    }

    /// Stores an upload as a staged document of `owner`: type read from its content, size within the web form's limit.
    /// Expired unlinked documents are pruned first.
    package func stage(bytes: [UInt8], filename: String?, owner: String, origin: ActionOrigin) async throws -> Staged {
        try await prune()
        guard !bytes.isEmpty else { throw AppError(.badRequest, code: "document_empty", field: "file") }
        guard bytes.count <= maxFileBytes else {
            throw AppError(.contentTooLarge, code: "file_too_large", field: "file", arguments: ["max": ApplicationRules.megabytes(maxFileBytes)])
        }
        guard let kind = FileInspector.sniff(bytes) else { throw AppError(.unsupportedMediaType, code: "file_type", field: "file") }
        let sha256 = FileInspector.sha256(bytes)
        try files.store(bytes, sha256: sha256)
        let id = CSRFMiddleware.newToken()
        let now = clock.now
        let staged = Staged(
            id: id, mediaType: kind.mediaType, size: bytes.count, expiresAt: AuditLog.timestamp(now.addingTimeInterval(Self.lifetime)))
        try await database.writeTransaction { db in
            try await db.sql.insert(into: "staged_documents")
                .columns("id", "owner", "name", "media_type", "size", "sha256", "created_at", "expires_at")
                .values(
                    SQLBind(id), SQLBind(owner), SQLBind(FileInspector.safeName(filename, kind: kind)), SQLBind(kind.mediaType),
                    SQLBind(bytes.count), SQLBind(sha256), SQLBind(AuditLog.timestamp(now)), SQLBind(staged.expiresAt)
                ).run()
            // The id is the document's only key: the audit log names its hash, never the id itself.
            try await AuditLog.append(
                origin.entry(
                    "document.staged", entity: "staged_document", id: FileInspector.sha256(Array(id.utf8)).prefix(16).description,
                    summary: "\(kind.rawValue), \(bytes.count) bytes, sha256 \(sha256), expires \(staged.expiresAt)"),
                on: db)
        }
        return staged
    }

    /// Removes the unlinked documents past their expiry, and their stored files that nothing else names.
    package func prune() async throws {
        let stamp = AuditLog.timestamp(clock.now)
        let expired = try await database.sql.select().columns("id", "sha256").from("staged_documents")
            .where("application_id", .is, SQLLiteral.null).where("expires_at", .lessThan, stamp).limit(500).all()
        guard !expired.isEmpty else { return }
        let ids = try expired.map { try $0.decode(column: "id", as: String.self) }
        let hashes = Set(try expired.map { try $0.decode(column: "sha256", as: String.self) })
        let removed = try await database.writeTransaction { db in
            let gone = try await db.sql.delete(from: "staged_documents").where("id", .in, ids).where("application_id", .is, SQLLiteral.null)
                .returning("id").all().count
            if gone > 0 {
                try await AuditLog.append(
                    AuditEntry(
                        actor: "system", action: "document.staged_pruned", entity: "staged_document", entityId: nil,
                        summary: "\(gone) unlinked after \(Int(Self.lifetime / 3600)) h"), on: db)
            }
            return gone
        }
        guard removed > 0 else { return }
        for sha256 in hashes {
            let attached = try await database.sql.select().column("sha256").from("application_files").where("sha256", .equal, sha256).first()
            let staged = try await database.sql.select().column("sha256").from("staged_documents").where("sha256", .equal, sha256).first()
            if attached == nil && staged == nil { files.remove(sha256, unlessWrittenWithin: Self.blobGrace) }
        }
    }

    /// The staged document a client names, checked before the transaction: a 422 naming `field` when it is unknown (or
    /// another owner's), expired or already linked.
    func claim(field: String, id: String, owner: String) async throws -> Claim {
        guard id.utf8.count == 43,
            let row = try await database.sql.select().columns("owner", "name", "media_type", "size", "sha256", "expires_at", "application_id")
                .from("staged_documents").where("id", .equal, id).first(),
            try row.decode(column: "owner", as: String.self) == owner
        else { throw AppError.validation(field: field, code: "document_unknown") }
        guard try row.decode(column: "application_id", as: String?.self) == nil else {
            throw AppError.validation(field: field, code: "document_linked")
        }
        guard try row.decode(column: "expires_at", as: String.self) > AuditLog.timestamp(clock.now) else {
            throw AppError.validation(field: field, code: "document_expired")
        }
        return Claim(
            field: field, id: id, name: try row.decode(column: "name", as: String.self),
            mediaType: try row.decode(column: "media_type", as: String.self),
            size: try row.decode(column: "size", as: Int.self), sha256: try row.decode(column: "sha256", as: String.self))
    }

    /// Checks every named document (field → staged id) and the application's total against the web form's limit.
    func claims(_ documents: [String: String], owner: String, keeping others: Int = 0) async throws -> [Claim] {
        var claims: [Claim] = []
        for (field, id) in documents.sorted(by: { $0.key < $1.key }) { claims.append(try await claim(field: field, id: id, owner: owner)) }
        guard others + claims.reduce(0, { $0 + $1.size }) <= maxApplicationBytes else {
            throw AppError(
                .unprocessableContent, code: "application_too_large", field: claims.first?.field,
                arguments: ["max": ApplicationRules.megabytes(maxApplicationBytes)])
        }
        return claims
    }

    /// In the application's transaction: each claimed document becomes the application's file for its field (replacing
    /// any earlier one), once; a document linked or expired since it was checked is a 422 and the transaction is undone.
    static func link(_ claims: [Claim], application: String, at stamp: String, origin: ActionOrigin, on db: any Database) async throws {
        let sql = db.sql
        for claim in claims {
            let linked = try await sql.update("staged_documents").set("application_id", to: application).set("field", to: claim.field)
                .set("linked_at", to: stamp).where("id", .equal, claim.id).where("application_id", .is, SQLLiteral.null)
                .where("expires_at", .greaterThan, stamp).returning("id").all()
            guard !linked.isEmpty else { throw AppError.validation(field: claim.field, code: "document_linked") }
            try await sql.delete(from: "application_files").where("application_id", .equal, application).where("field", .equal, claim.field).run()
            try await sql.insert(into: "application_files").columns("application_id", "field", "name", "media_type", "size", "sha256", "uploaded_at")
                .values(
                    SQLBind(application), SQLBind(claim.field), SQLBind(claim.name), SQLBind(claim.mediaType), SQLBind(claim.size),
                    SQLBind(claim.sha256), SQLBind(stamp)
                ).run()
            try await AuditLog.append(
                origin.entry(
                    "application.file_attached", entity: "application", id: application,
                    summary: "\(claim.field): staged document, \(claim.mediaType), \(claim.size) bytes, sha256 \(claim.sha256)"),
                on: db)
        }
    }
}

/// Documents uploaded before their application (`staged_documents`), and the key of an operator's last correction of
/// an application (`applications.correction_hash`), so that the same correction sent again changes nothing.
struct AddStagedDocuments: AsyncMigration {
    var name: String { "2026-12-06-10-AddStagedDocuments" }

    func prepare(on database: any Database) async throws {
        try await database.schema("staged_documents")
            .field("id", .string, .identifier(auto: false))
            .field("owner", .string, .required)
            .field("name", .string, .required)
            .field("media_type", .string, .required)
            .field("size", .int, .required)
            .field("sha256", .string, .required)
            .field("created_at", .string, .required)
            .field("expires_at", .string, .required)
            .field("application_id", .string, .references("applications", "id"))
            .field("field", .string)
            .field("linked_at", .string)
            .create()
        try await database.sql.create(index: "staged_documents_expiry").on("staged_documents").column("expires_at").run()
        try await database.sql.create(index: "staged_documents_sha256").on("staged_documents").column("sha256").run()
        try await database.sql.create(index: "application_files_sha256").on("application_files").column("sha256").run()
        try await database.schema("applications").field("correction_hash", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("applications").deleteField("correction_hash").update()
        try await database.sql.drop(index: "application_files_sha256").run()
        try await database.schema("staged_documents").delete()
    }
}

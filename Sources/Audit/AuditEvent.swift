// SPDX-License-Identifier: MPL-2.0
import Crypto
import FluentKit
import Foundation
import GuichetCore

/// One line of the append-only log. `seq` is the primary key: two writers can never take the same place.
final class AuditEventModel: Model, @unchecked Sendable {
    static let schema = "audit_events"

    @ID(custom: "seq", generatedBy: .user) var id: Int?
    @Field(key: "occurred_at") var occurredAt: String
    @Field(key: "actor") var actor: String
    @Field(key: "action") var action: String
    @Field(key: "entity") var entity: String
    @OptionalField(key: "entity_id") var entityId: String?
    @Field(key: "summary") var summary: String
    @OptionalField(key: "request_id") var requestId: String?
    @OptionalField(key: "address") var address: String?
    @Field(key: "prev_hash") var previousHash: String
    @Field(key: "hash") var hash: String

    init() {}
}

/// What a feature records. No personal data goes in `summary`: name what changed, not the person's details.
package struct AuditEntry: Sendable, Equatable, Codable {
    package var actor: String
    package var action: String
    package var entity: String
    package var entityId: String?
    package var summary: String
    package var requestId: String?
    package var address: String?

    package init(
        actor: String, action: String, entity: String, entityId: String? = nil, summary: String, requestId: String? = nil,
        address: String? = nil
    ) {
        self.actor = actor
        self.action = action
        self.entity = entity
        self.entityId = entityId
        self.summary = summary
        self.requestId = requestId
        self.address = address
    }
}

/// An event as stored, with its place in the chain.
package struct AuditRecord: Sendable, Equatable, Codable {
    package var seq: Int
    package var occurredAt: String
    package var entry: AuditEntry
    package var previousHash: String
    package var hash: String

    init(_ model: AuditEventModel) {
        seq = model.id ?? 0
        occurredAt = model.occurredAt
        entry = AuditEntry(
            actor: model.actor, action: model.action, entity: model.entity, entityId: model.entityId, summary: model.summary,
            requestId: model.requestId, address: model.address)
        previousHash = model.previousHash
        hash = model.hash
    }

    /// The canonical form hashed into the chain: JSON with sorted keys of every field but the hash.
    static func canonical(seq: Int, occurredAt: String, entry: AuditEntry, previousHash: String) -> Data {
        let fields: [String: String] = [
            "seq": String(seq), "occurred_at": occurredAt, "actor": entry.actor, "action": entry.action, "entity": entry.entity,
            "entity_id": entry.entityId ?? "", "summary": entry.summary, "request_id": entry.requestId ?? "",
            "address": entry.address ?? "", "prev_hash": previousHash,
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(fields)) ?? Data()
    }

    static func hash(previousHash: String, canonical: Data) -> String {
        var hasher = SHA256()
        hasher.update(data: Data(previousHash.utf8))
        hasher.update(data: Data([0x0A]))
        hasher.update(data: canonical)
        return hasher.finalize().hexLowercase
    }
}

package struct CreateAuditEvents: AsyncMigration {
    package init() {}
    package var name: String { "2026-11-22-01-CreateAuditEvents" }

    package func prepare(on database: any Database) async throws {
        try await database.schema(AuditEventModel.schema)
            .field("seq", .int, .identifier(auto: false))
            .field("occurred_at", .string, .required)
            .field("actor", .string, .required)
            .field("action", .string, .required)
            .field("entity", .string, .required)
            .field("entity_id", .string)
            .field("summary", .string, .required)
            .field("request_id", .string)
            .field("address", .string)
            .field("prev_hash", .string, .required)
            .field("hash", .string, .required)
            .create()
    }

    package func revert(on database: any Database) async throws {
        try await database.schema(AuditEventModel.schema).delete()
    }
}

/// Events written by PostgreSQL's writers in their own transaction, waiting for `AuditLog.chainPending` to give them their
/// place in the chain (empty on SQLite, whose writers chain at once).
package struct CreateAuditPending: AsyncMigration {
    package init() {}
    package var name: String { "2026-12-06-01-CreateAuditPending" }

    package func prepare(on database: any Database) async throws {
        try await database.schema("audit_pending")
            .field("id", .int64, .identifier(auto: true))
            .field("occurred_at", .string, .required)
            .field("actor", .string, .required)
            .field("action", .string, .required)
            .field("entity", .string, .required)
            .field("entity_id", .string)
            .field("summary", .string, .required)
            .field("request_id", .string)
            .field("address", .string)
            .create()
    }

    package func revert(on database: any Database) async throws {
        try await database.schema("audit_pending").delete()
    }
}

/// Who did it and from where: what every state change writes into the audit log besides what changed.
package struct ActionOrigin: Sendable {
    package var actor: String
    package var requestId: String?
    package var address: String?
    /// The language of the person acting (`fr`, `en`): what they are told later is written in it.
    package var language: String?

    package init(actor: String, requestId: String? = nil, address: String? = nil, language: String? = nil) {
        self.actor = actor
        self.requestId = requestId
        self.address = address
        self.language = language
    }

    package func entry(_ action: String, entity: String, id: String?, summary: String) -> AuditEntry {
        AuditEntry(actor: actor, action: action, entity: entity, entityId: id, summary: summary, requestId: requestId, address: address)
    }
}

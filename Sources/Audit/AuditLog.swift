// SPDX-License-Identifier: MPL-2.0
import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// The hash-chained, append-only event log.
package enum AuditLog {
    package static let genesisHash = String(repeating: "0", count: 64)

    package static var migrations: [any Migration] { [CreateAuditEvents()] }

    /// Appends in the caller's transaction, so the event and the change it records commit together or not at all.
    @discardableResult
    package static func append(_ entry: AuditEntry, on database: any Database, at date: Date = Date()) async throws -> AuditRecord {
        guard database.inTransaction else {
            return try await database.transaction { try await append(entry, on: $0, at: date) }
        }
        if let sql = database as? any SQLDatabase, sql.dialect.name == "postgresql" {
            // Serialise appenders: each one reads the chain's head and must see the last committed event.
            try await sql.raw("LOCK TABLE audit_events IN SHARE ROW EXCLUSIVE MODE").run()
        }
        let last = try await AuditEventModel.query(on: database).sort(\.$id, .descending).first()
        let seq = (last?.id ?? 0) + 1
        let previousHash = last?.hash ?? genesisHash
        let occurredAt = Self.timestamp(date)
        let canonical = AuditRecord.canonical(seq: seq, occurredAt: occurredAt, entry: entry, previousHash: previousHash)
        let model = AuditEventModel()
        model.id = seq
        model.occurredAt = occurredAt
        model.actor = entry.actor
        model.action = entry.action
        model.entity = entry.entity
        model.entityId = entry.entityId
        model.summary = entry.summary
        model.requestId = entry.requestId
        model.address = entry.address
        model.previousHash = previousHash
        model.hash = AuditRecord.hash(previousHash: previousHash, canonical: canonical)
        try await model.create(on: database)
        return AuditRecord(model)
    }

    package static func records(on database: any Database, limit: Int? = nil) async throws -> [AuditRecord] {
        var query = AuditEventModel.query(on: database).sort(\.$id, .ascending)
        if let limit { query = query.limit(limit) }
        return try await query.all().map(AuditRecord.init)
    }

    /// What the back office filters the log by. Empty fields do not filter.
    package struct Filter: Sendable, Equatable {
        package var actor: String?
        /// An action or the start of one: `user.` matches every user action.
        package var action: String?
        package var entity: String?
        package var entityId: String?
        /// Days `YYYY-MM-DD`, inclusive, in UTC.
        package var from: String?
        package var to: String?

        package init(
            actor: String? = nil, action: String? = nil, entity: String? = nil, entityId: String? = nil, from: String? = nil, to: String? = nil
        ) {
            func clean(_ value: String?) -> String? {
                guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
                return value
            }
            self.actor = clean(actor)
            self.action = clean(action)
            self.entity = clean(entity)
            self.entityId = clean(entityId)
            self.from = clean(from)
            self.to = clean(to)
        }
    }

    /// Newest first, `limit` events with a sequence below `before` (for paging back through the log).
    package static func search(_ filter: Filter, before: Int? = nil, limit: Int, on database: any Database) async throws -> [AuditRecord] {
        var query = AuditEventModel.query(on: database)
        if let actor = filter.actor { query = query.filter(\.$actor == actor) }
        if let action = filter.action {
            query = action.hasSuffix(".") ? query.filter(\.$action, .custom("LIKE"), action + "%") : query.filter(\.$action == action)
        }
        if let entity = filter.entity { query = query.filter(\.$entity == entity) }
        if let entityId = filter.entityId { query = query.filter(\.$entityId == entityId) }
        if let from = filter.from { query = query.filter(\.$occurredAt >= from) }
        if let to = filter.to { query = query.filter(\.$occurredAt < to + "T99") }
        if let before { query = query.filter(\.$id < before) }
        return try await query.sort(\.$id, .descending).limit(limit).all().map(AuditRecord.init)
    }

    package enum Verification: Equatable, Sendable {
        case intact(events: Int)
        /// The first event where the chain breaks, and why.
        case broken(seq: Int, reason: String)
    }

    /// Walks the whole chain: a changed field, a deleted, inserted or reordered row is caught at the first event it touches.
    package static func verify(on database: any Database) async throws -> Verification {
        let records = try await AuditEventModel.query(on: database).sort(\.$id, .ascending).all().map(AuditRecord.init)
        var previousHash = genesisHash
        for (index, record) in records.enumerated() {
            let expectedSeq = index + 1
            if record.seq != expectedSeq {
                return .broken(seq: record.seq, reason: "sequence gap: expected \(expectedSeq)")
            }
            if record.previousHash != previousHash {
                return .broken(seq: record.seq, reason: "previous hash does not match event \(expectedSeq - 1)")
            }
            let canonical = AuditRecord.canonical(
                seq: record.seq, occurredAt: record.occurredAt, entry: record.entry, previousHash: record.previousHash)
            if AuditRecord.hash(previousHash: record.previousHash, canonical: canonical) != record.hash {
                return .broken(seq: record.seq, reason: "content does not match its hash")
            }
            previousHash = record.hash
        }
        return .intact(events: records.count)
    }

    /// UTC, ISO 8601 with milliseconds: the form every stored time of Guichet takes.
    package static func timestamp(_ date: Date = Date()) -> String {
        date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true).timeSeparator(.colon))
            + "Z"
    }
}

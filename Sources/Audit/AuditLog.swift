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

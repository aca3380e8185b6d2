// SPDX-License-Identifier: MPL-2.0
import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// The hash-chained, append-only event log.
package enum AuditLog {
    package static let genesisHash = String(repeating: "0", count: 64)

    package static var migrations: [any Migration] { [CreateAuditEvents(), CreateAuditPending()] }

    /// Appends in the caller's transaction, so the event and the change it records commit together or not at all.
    ///
    /// On SQLite (one writer at a time) the event takes its place in the chain at once. On PostgreSQL, where writers run
    /// side by side, it is written to `audit_pending` and chained after commit by `chainPending` (a worker every second,
    /// and every reader of the log first): taking the chain's head inside every writer's transaction would make every
    /// write of every feature wait for every other. Nil when the event is not chained yet.
    @discardableResult
    package static func append(_ entry: AuditEntry, on database: any Database, at date: Date = Date()) async throws -> AuditRecord? {
        guard database.inTransaction else {
            return try await database.transaction { try await append(entry, on: $0, at: date) }
        }
        let occurredAt = Self.timestamp(date)
        if let sql = database as? any SQLDatabase, sql.dialect.name == "postgresql" {
            try await sql.raw(
                """
                INSERT INTO audit_pending (occurred_at, actor, action, entity, entity_id, summary, request_id, address)
                VALUES (\(bind: occurredAt), \(bind: entry.actor), \(bind: entry.action), \(bind: entry.entity), \(bind: entry.entityId), \
                \(bind: entry.summary), \(bind: entry.requestId), \(bind: entry.address))
                """
            ).run()
            return nil
        }
        // In raw SQL rather than through FluentKit's models or SQLKit's builders: on SQLite's writer the statement then goes
        // straight to the connection, and no builder quotes eleven names again for every event. In a write-queue batch the
        // head is read once, then remembered from event to event.
        let memo = (database as? any BatchTransaction)?.memo
        let head: (seq: Int, hash: String)
        if let remembered = memo?.auditHead { head = remembered } else { head = try await self.head(on: database) }
        let model = chained(entry, occurredAt: occurredAt, after: head)
        try await database.sql.raw(
            """
            INSERT INTO audit_events (seq, occurred_at, actor, action, entity, entity_id, summary, request_id, address, prev_hash, hash) \
            VALUES (\(bind: model.id), \(bind: model.occurredAt), \(bind: model.actor), \(bind: model.action), \(bind: model.entity), \
            \(bind: model.entityId), \(bind: model.summary), \(bind: model.requestId), \(bind: model.address), \(bind: model.previousHash), \
            \(bind: model.hash))
            """
        ).run()
        memo?.auditHead = (model.id ?? head.seq + 1, model.hash)
        return AuditRecord(model)
    }

    /// The chain's last event, its number and hash (0 and the genesis hash while the chain is empty).
    package static func head(on database: any Database) async throws -> (seq: Int, hash: String) {
        struct Head: Decodable {
            let seq: Int
            let hash: String
        }
        let last = try await database.sql.raw("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1").first(decoding: Head.self)
        return (last?.seq ?? 0, last?.hash ?? genesisHash)
    }

    /// How many events the chain holds (not those still waiting in `audit_pending`).
    package static func length(on database: any Database) async throws -> Int {
        struct Count: Decodable { let n: Int }
        return try await database.sql.raw("SELECT COUNT(*) AS n FROM audit_events").first(decoding: Count.self)?.n ?? 0
    }

    /// The event that follows `head` in the chain.
    static func chained(_ entry: AuditEntry, occurredAt: String, after head: (seq: Int, hash: String)) -> AuditEventModel {
        let seq = head.seq + 1
        let canonical = AuditRecord.canonical(seq: seq, occurredAt: occurredAt, entry: entry, previousHash: head.hash)
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
        model.previousHash = head.hash
        model.hash = AuditRecord.hash(previousHash: head.hash, canonical: canonical)
        return model
    }

    /// The lock that makes one chainer at a time, across every server process on the database.
    static let chainLock: Int64 = 0x6775_6963_6865_7401

    /// Moves the committed events of `audit_pending` into the chain, in the order of their numbers, in batches; returns how
    /// many. `wait`: wait for a chainer at work elsewhere (a reader that must see every event committed before it asked);
    /// otherwise give way to it. Nothing to do on SQLite.
    @discardableResult
    package static func chainPending(on database: any Database, wait: Bool = true) async throws -> Int {
        guard let sql = database as? any SQLDatabase, sql.dialect.name == "postgresql" else { return 0 }
        var total = 0
        while true {
            let moved = try await database.transaction { tx -> Int? in
                let sql = tx.sql
                if wait {
                    try await sql.raw("SELECT pg_advisory_xact_lock(\(literal: chainLock))").run()
                } else {
                    let row = try await sql.raw("SELECT pg_try_advisory_xact_lock(\(literal: chainLock)) AS taken").first()
                    guard try row?.decode(column: "taken", as: Bool.self) == true else { return nil }
                }
                let rows = try await sql.raw(
                    """
                    SELECT id, occurred_at, actor, action, entity, entity_id, summary, request_id, address
                    FROM audit_pending ORDER BY id LIMIT \(literal: chainBatch)
                    """
                ).all(decoding: PendingRow.self)
                guard !rows.isEmpty else { return 0 }
                let last = try await AuditEventModel.query(on: tx).sort(\.$id, .descending).first()
                var head = (seq: last?.id ?? 0, hash: last?.hash ?? genesisHash)
                var insert = sql.insert(into: AuditEventModel.schema).columns(
                    "seq", "occurred_at", "actor", "action", "entity", "entity_id", "summary", "request_id", "address", "prev_hash", "hash")
                for row in rows {
                    let model = chained(row.entry, occurredAt: row.occurredAt, after: head)
                    insert = insert.values(
                        SQLBind(model.id ?? head.seq + 1), SQLBind(model.occurredAt), SQLBind(model.actor), SQLBind(model.action),
                        SQLBind(model.entity), SQLBind(model.entityId), SQLBind(model.summary), SQLBind(model.requestId),
                        SQLBind(model.address), SQLBind(model.previousHash), SQLBind(model.hash))
                    head = (seq: model.id ?? head.seq + 1, hash: model.hash)
                }
                try await insert.run()
                try await sql.raw("DELETE FROM audit_pending WHERE id IN (\(binds: rows.map(\.id)))").run()
                return rows.count
            }
            guard let moved else { return total }
            total += moved
            if moved < chainBatch { return total }
        }
    }

    static let chainBatch = 1000

    struct PendingRow: Decodable {
        let id: Int64
        let occurredAt: String
        let actor: String
        let action: String
        let entity: String
        let entityId: String?
        let summary: String
        let requestId: String?
        let address: String?

        enum CodingKeys: String, CodingKey {
            case id, actor, action, entity, summary, address
            case occurredAt = "occurred_at"
            case entityId = "entity_id"
            case requestId = "request_id"
        }

        var entry: AuditEntry {
            AuditEntry(actor: actor, action: action, entity: entity, entityId: entityId, summary: summary, requestId: requestId, address: address)
        }
    }

    package static func records(on database: any Database, limit: Int? = nil) async throws -> [AuditRecord] {
        try await chainPending(on: database)
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
        try await chainPending(on: database)
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
    /// `chainingPending`: first give the events waiting in `audit_pending` their place (false: the chain as it is stored).
    package static func verify(on database: any Database, chainingPending: Bool = true) async throws -> Verification {
        if chainingPending { try await chainPending(on: database) }
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

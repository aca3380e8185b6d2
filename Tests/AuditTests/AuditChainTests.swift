// SPDX-License-Identifier: MPL-2.0
import FluentKit
import Foundation
import GuichetCore
import GuichetTesting
import SQLKit
import Testing

@testable import Audit

@Suite struct AuditChainTests {
    func appendThree(_ database: DatabaseService) async throws {
        for index in 1...3 {
            try await AuditLog.append(
                AuditEntry(
                    actor: "agent-\(index)", action: "catalog.procedure.updated", entity: "procedure", entityId: "p\(index)", summary: "edit \(index)"
                ),
                on: database.db)
        }
        // On PostgreSQL the events wait in `audit_pending` until chained: the tampering below is on the chain.
        try await AuditLog.chainPending(on: database.db)
    }

    @Test func anIntactChainVerifies() async throws {
        try await TestApp.withComponents { components in
            try await appendThree(components.database)
            #expect(try await AuditLog.verify(on: components.database.db) == .intact(events: 3))
            let records = try await AuditLog.records(on: components.database.db)
            #expect(records.map(\.seq) == [1, 2, 3])
            #expect(records[1].previousHash == records[0].hash)
        }
    }

    @Test func anEditedRowIsDetected() async throws {
        try await TestApp.withComponents { components in
            try await appendThree(components.database)
            try await components.database.sql.raw("UPDATE audit_events SET actor = 'someone-else' WHERE seq = 2").run()
            #expect(try await AuditLog.verify(on: components.database.db) == .broken(seq: 2, reason: "content does not match its hash"))
        }
    }

    @Test func aDeletedRowIsDetected() async throws {
        try await TestApp.withComponents { components in
            try await appendThree(components.database)
            try await components.database.sql.raw("DELETE FROM audit_events WHERE seq = 2").run()
            guard case .broken(let seq, _) = try await AuditLog.verify(on: components.database.db) else {
                Issue.record("a deletion went unnoticed")
                return
            }
            #expect(seq == 3)
        }
    }

    @Test func reorderedRowsAreDetected() async throws {
        try await TestApp.withComponents { components in
            try await appendThree(components.database)
            let sql = components.database.sql
            // Swap the contents of events 2 and 3, keeping their places.
            try await sql.raw("UPDATE audit_events SET seq = 100 WHERE seq = 2").run()
            try await sql.raw("UPDATE audit_events SET seq = 2 WHERE seq = 3").run()
            try await sql.raw("UPDATE audit_events SET seq = 3 WHERE seq = 100").run()
            guard case .broken(let seq, _) = try await AuditLog.verify(on: components.database.db) else {
                Issue.record("a reordering went unnoticed")
                return
            }
            #expect(seq == 2)
        }
    }

    @Test func aRewrittenTailWithoutTheChainIsDetected() async throws {
        try await TestApp.withComponents { components in
            try await appendThree(components.database)
            try await components.database.sql.raw("UPDATE audit_events SET prev_hash = \(bind: AuditLog.genesisHash) WHERE seq = 3").run()
            #expect(try await AuditLog.verify(on: components.database.db) == .broken(seq: 3, reason: "previous hash does not match event 2"))
        }
    }
}

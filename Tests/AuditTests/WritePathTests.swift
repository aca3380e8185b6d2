// SPDX-License-Identifier: MPL-2.0
import FluentKit
import Foundation
import GuichetCore
import GuichetTesting
import SQLKit
import Testing

@testable import Audit

/// The write path under concurrency: group commit on SQLite (writers share transactions, a failing writer fails alone, the
/// others are acknowledged only once committed) and the audit chain on PostgreSQL (appended side by side, chained after
/// commit), on whichever database the suite runs.
@Suite struct WritePathTests {
    struct Refused: Error, Equatable {
        let index: Int
    }

    @Test func concurrentWritersCommitTogetherAndAFailingOneFailsAlone() async throws {
        try await TestApp.withComponents { components in
            let database = components.database
            try await database.sql.raw("CREATE TABLE write_probe (id VARCHAR(16) PRIMARY KEY)").run()
            let count = 200
            // On SQLite all 200 at once: they queue for the one writer and share its transactions. On PostgreSQL at most 16
            // at a time: the pool runs 8 transactions at once whatever the number waiting, and 200 waiting in a test process
            // busy with every other suite's setup outwaited the pool's 30 s (a test of the pool's patience, not of writes).
            let inFlight = database.dialect == .sqlite ? count : 16
            let outcomes = await withTaskGroup(of: (Int, Result<Int, any Error>).self) { group in
                var outcomes: [Int: Result<Int, any Error>] = [:]
                for index in 0..<count {
                    if index >= inFlight, let (done, outcome) = await group.next() { outcomes[done] = outcome }
                    group.addTask {
                        do {
                            let value = try await database.writeTransaction { db -> Int in
                                try await db.sql.raw("INSERT INTO write_probe (id) VALUES (\(bind: "w\(index)"))").run()
                                try await AuditLog.append(
                                    AuditEntry(actor: "test", action: "probe.written", entity: "probe", entityId: "w\(index)", summary: "probe"),
                                    on: db)
                                // Every tenth writer fails after writing: its row and its event must go, nobody else's.
                                if index % 10 == 3 { throw Refused(index: index) }
                                return index
                            }
                            return (index, .success(value))
                        } catch {
                            return (index, .failure(error))
                        }
                    }
                }
                for await (index, outcome) in group { outcomes[index] = outcome }
                return outcomes
            }
            var acknowledged: Set<String> = []
            for (index, outcome) in outcomes {
                switch outcome {
                case .success(let value):
                    #expect(value == index && index % 10 != 3)
                    acknowledged.insert("w\(index)")
                case .failure(let error):
                    #expect((error as? Refused) == Refused(index: index), "writer \(index) failed with \(error)")
                }
            }
            #expect(acknowledged.count == count - count / 10)
            struct Row: Decodable { let id: String }
            let stored = Set(try await database.sql.raw("SELECT id FROM write_probe").all(decoding: Row.self).map(\.id))
            #expect(stored == acknowledged)
            let events = try await AuditLog.records(on: database.db).filter { $0.entry.action == "probe.written" }
            #expect(Set(events.compactMap(\.entry.entityId)) == acknowledged)
            #expect(events.count == acknowledged.count)
            let all = try await AuditLog.records(on: database.db)
            #expect(try await AuditLog.verify(on: database.db) == .intact(events: all.count))
            #expect(all.map(\.seq) == Array(1...all.count))
            if database.dialect == .sqlite {
                let transactions = await database.writeQueue.transactions
                let writes = await database.writeQueue.writes
                #expect(writes >= count)
                #expect(transactions < writes, "200 writers at once shared no transaction (\(transactions) for \(writes))")
                // The writer prepared its statements once and kept them (not SQLiteNIO's prepare-per-call fallback).
                #expect(await database.writeQueue.keptStatements >= 3)
            }
        }
    }

    /// The database's SQL reads on SQLite's own reader connections, and what would write through the same SQL (a table
    /// made, a row added) still goes through FluentKit's database and is read back at once.
    @Test func readsAndWritesThroughTheDatabasesSQL() async throws {
        try await TestApp.withComponents { components in
            let database = components.database
            try await database.sql.raw("CREATE TABLE read_probe (id VARCHAR(16) PRIMARY KEY)").run()
            try await database.sql.raw("INSERT INTO read_probe (id) VALUES (\(bind: "r1"))").run()
            struct Row: Decodable { let id: String }
            let rows = try await database.sql.raw("SELECT id FROM read_probe WHERE id = \(bind: "r1")").all(decoding: Row.self)
            #expect(rows.map(\.id) == ["r1"])
            let missing = try await database.sql.raw("SELECT id FROM read_probe WHERE id = \(bind: "r2")").all(decoding: Row.self)
            #expect(missing.isEmpty)
            if database.dialect == .sqlite { #expect(database.idleReaders >= 1) }
        }
    }

    /// A statement that fails (here a duplicate key) fails its writer alone, and the same statement, kept prepared by
    /// the SQLite writer, runs again for the next writer with other values.
    @Test func aFailedStatementFailsItsWriterAndRunsAgainForTheNext() async throws {
        try await TestApp.withComponents { components in
            let database = components.database
            try await database.sql.raw("CREATE TABLE write_probe (id VARCHAR(16) PRIMARY KEY, n INTEGER NOT NULL)").run()
            for (id, n) in [("a", 1), ("a", 2), ("b", 3)] {
                do {
                    try await database.writeTransaction { db in
                        try await db.sql.raw("INSERT INTO write_probe (id, n) VALUES (\(bind: id), \(bind: n))").run()
                    }
                    #expect(n != 2, "a second row with key a was written")
                } catch {
                    #expect(n == 2, "writer \(n) failed with \(error)")
                }
            }
            struct Row: Decodable, Equatable {
                let id: String
                let n: Int
            }
            let rows = try await database.sql.raw("SELECT id, n FROM write_probe ORDER BY id").all(decoding: Row.self)
            #expect(rows == [Row(id: "a", n: 1), Row(id: "b", n: 3)])
            let read = try await database.writeTransaction { db in
                try await db.sql.raw("SELECT id, n FROM write_probe WHERE n > \(bind: 1)").all(decoding: Row.self)
            }
            #expect(read == [Row(id: "b", n: 3)])
        }
    }

    @Test func pendingEventsAreChainedInOrderAndOnce() async throws {
        try await TestApp.withComponents { components in
            let database = components.database
            for index in 1...5 {
                try await AuditLog.append(
                    AuditEntry(actor: "test", action: "probe.ordered", entity: "probe", entityId: "\(index)", summary: "x"), on: database.db)
            }
            // On PostgreSQL they wait to be chained (on SQLite they are chained at once); a second chainer finds nothing left.
            #expect(try await AuditLog.chainPending(on: database.db) == (database.dialect == .postgres ? 5 : 0))
            #expect(try await AuditLog.chainPending(on: database.db) == 0)
            let events = try await AuditLog.records(on: database.db).filter { $0.entry.action == "probe.ordered" }
            #expect(events.compactMap(\.entry.entityId) == ["1", "2", "3", "4", "5"])
            struct Count: Decodable { let n: Int }
            let waiting = try await database.sql.raw("SELECT COUNT(*) AS n FROM audit_pending").first(decoding: Count.self)?.n
            #expect(waiting == 0)
        }
    }
}

// SPDX-License-Identifier: MPL-2.0
import FluentKit
import Foundation
import SQLKit

/// One writer at a time on SQLite, and group commit: SQLite takes one writer per file anyway, and queuing writers here,
/// in order, keeps a deferred transaction from failing when it upgrades to a write (SQLITE_BUSY_SNAPSHOT in WAL mode).
///
/// The writers that queue while a transaction commits go together into the next one, in the order they came, and one
/// commit (one sync of the log to the disk) ends them all. Each caller is answered only once that commit is done, so
/// nothing acknowledged can be lost. When a writer fails, that transaction is rolled back and the batch runs again, each
/// writer in its own savepoint: the failing one is rolled back to its savepoint and fails alone, the others commit. When
/// the commit itself fails, every writer of the batch gets its error.
/// On PostgreSQL writers run side by side (and PostgreSQL groups their commits itself), each on its connection's event loop.
package actor WriteQueue {
    private var pending: [any QueuedWrite] = []
    private var draining = false
    /// Writers in one transaction at most: bounds how long the first of them waits for the last.
    private let batchLimit: Int
    /// Where the queue's task runs (SQLite: the writer's own thread); nil: Swift's shared threads.
    private let executor: (any TaskExecutor)?
    /// Transactions committed (or failed) and the writers they carried, since start: their ratio is the batching.
    package private(set) var transactions = 0
    package private(set) var writes = 0
    /// SQLite: the writer's statements, prepared once (see `KeptStatements`).
    private let statements = WriterStatementSlot()
    /// `closeStatements()` came during a batch: the drain closes them when it is done.
    private var closeWhenIdle = false

    package init(batchLimit: Int = 64, executor: (any TaskExecutor)? = nil) {
        self.batchLimit = max(1, batchLimit)
        self.executor = executor
    }

    /// Runs `body` in a transaction on `database` (alone or with the writers queued beside it), once every writer queued
    /// before it is done; returns after the commit.
    package func transaction<T: Sendable>(on database: any Database, _ body: @escaping @Sendable (any Database) async throws -> T) async throws
        -> T
    {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            enqueue(Write(body: body, continuation: continuation), on: database)
        }
    }

    private func enqueue(_ write: any QueuedWrite, on database: any Database) {
        pending.append(write)
        guard !draining else { return }
        draining = true
        Task(executorPreference: executor) { await self.drain(on: database) }
    }

    private func nextBatch() -> [any QueuedWrite] {
        let batch = Array(pending.prefix(batchLimit))
        pending.removeFirst(batch.count)
        if batch.isEmpty {
            draining = false
            if closeWhenIdle { statements.close() }
        }
        return batch
    }

    /// Statements the writer keeps prepared now (SQLite; 0 elsewhere, or once closed).
    package var keptStatements: Int { statements.count }

    /// Finalises the writer's kept statements (before its connection closes), now or when the batch under way is done;
    /// a later batch prepares its statements again each time.
    package func closeStatements() {
        if draining { closeWhenIdle = true } else { statements.close() }
    }

    private func drain(on database: any Database) async {
        while true {
            let batch = nextBatch()
            if batch.isEmpty { return }
            transactions += 1
            writes += batch.count
            await Self.commit(batch, on: database, statements: statements)
        }
    }

    /// One transaction for the batch; each writer learns its fate after the commit.
    ///
    /// First without savepoints: writers rarely fail, and a savepoint per writer costs two statements and a copy of every
    /// page it touches. When one fails (or the commit does), that transaction is rolled back, nothing of it is kept, and
    /// the batch runs again with a savepoint per writer, so that the failing one fails alone.
    private static func commit(_ batch: [any QueuedWrite], on database: any Database, statements: WriterStatementSlot) async {
        if batch.count > 1 {
            do {
                try await DirectSQLiteTransaction.run(on: database, statements: statements) { tx in
                    for write in batch { try await write.run(on: tx) }
                }
                for write in batch { write.succeed() }
                return
            } catch {
                // Rolled back: the batch is run again below, each writer behind its own savepoint.
            }
        }
        await commitIsolated(batch, on: database, statements: statements)
    }

    /// One transaction for the batch, each writer in its own savepoint.
    private static func commitIsolated(_ batch: [any QueuedWrite], on database: any Database, statements: WriterStatementSlot) async {
        do {
            let failures = try await DirectSQLiteTransaction.run(on: database, statements: statements) { tx -> [(any Error)?] in
                if let only = batch.first, batch.count == 1 {
                    // Alone: no savepoint, its error rolls the transaction back.
                    try await only.run(on: tx)
                    return [nil]
                }
                var failures: [(any Error)?] = []
                let memo = (tx as? any BatchTransaction)?.memo
                for write in batch {
                    try await tx.sql.raw("SAVEPOINT guichet_write").run()
                    let remembered = memo?.auditHead
                    do {
                        try await write.run(on: tx)
                        try await tx.sql.raw("RELEASE guichet_write").run()
                        failures.append(nil)
                    } catch {
                        // Its audit events are rolled back with it: the chain's head is again the one before it.
                        memo?.auditHead = remembered
                        // When SQLite has already ended the transaction (a full disk, an I/O error) this throws too, and the
                        // whole batch fails with it.
                        try await tx.sql.raw("ROLLBACK TO guichet_write").run()
                        try await tx.sql.raw("RELEASE guichet_write").run()
                        failures.append(error)
                    }
                }
                return failures
            }
            for (write, failure) in zip(batch, failures) {
                if let failure { write.fail(failure) } else { write.succeed() }
            }
        } catch {
            for write in batch { write.fail(error) }
        }
    }
}

/// A writer waiting in the queue: its body, run in the batch's transaction (again, should that transaction be rolled back
/// for another writer's failure), and its caller, answered after the commit.
private protocol QueuedWrite: Sendable {
    func run(on database: any Database) async throws
    func succeed()
    func fail(_ error: any Error)
}

private enum WriteQueueError: Error {
    /// A writer was told it committed without having run (cannot happen: kept so that no path traps).
    case notRun
}

/// The body's value is kept between its run and the commit; only the queue's drain touches it, one writer after another.
private final class Write<T: Sendable>: QueuedWrite, @unchecked Sendable {
    let body: @Sendable (any Database) async throws -> T
    let continuation: CheckedContinuation<T, any Error>
    private var value: T?

    init(body: @escaping @Sendable (any Database) async throws -> T, continuation: CheckedContinuation<T, any Error>) {
        self.body = body
        self.continuation = continuation
    }

    func run(on database: any Database) async throws {
        value = try await body(database)
    }

    func succeed() {
        if let value {
            continuation.resume(returning: value)
        } else {
            continuation.resume(throwing: WriteQueueError.notRun)
        }
    }

    func fail(_ error: any Error) {
        continuation.resume(throwing: error)
    }
}

extension DatabaseService {
    /// Runs `body` in one transaction; on SQLite, behind this database's write queue (and possibly committed together with
    /// the writers queued beside it). Returns once the transaction has committed.
    package func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        guard dialect == .sqlite else {
            // The body runs on its connection's event loop (FluentKit starts it as a task of its own, on Swift's threads).
            return try await db.transaction { transaction in
                try await withTaskExecutorPreference(self.executor(for: transaction.eventLoop)) { try await body(transaction) }
            }
        }
        return try await writeQueue.transaction(on: writer, body)
    }
}

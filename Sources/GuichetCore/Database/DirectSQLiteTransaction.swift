// SPDX-License-Identifier: MPL-2.0
import FluentKit
import FluentSQLiteDriver
import Logging
import NIOCore
import SQLKit

/// The write queue's transaction on SQLite, begun, ended and given its SQL on the connection itself.
///
/// SQLiteKit runs an SQLKit statement through SQLiteNIO's future-based call. That call hops to the event loop for every
/// row, then once more to complete. Only then does the awaiting writer resume. The connection's own async call resumes
/// the writer from the thread that ran the statement (with `WriterExecutor`, the writer's task runs there too). On the
/// one writer's critical path every hop counts, so statements sent through `db.sql` (SQLKit builders and raw SQL) take
/// that path here. FluentKit's model queries still go through FluentKit's database for the same connection, on the same
/// single thread, so the order holds.
struct DirectSQLiteTransaction: FluentKit.Database, SQLDatabase, BatchTransaction {
    let inner: any FluentKit.Database
    let connection: SQLiteConnection
    /// The writer's kept statements (nil: SQLiteNIO's own call prepares each statement).
    let statements: KeptStatements?
    let memo = TransactionMemo()

    /// Runs `body` in one transaction on `database`. On SQLite the transaction is begun and ended on the connection
    /// itself, not by FluentKit's `transaction`, which runs its closure in a new task: the write queue's task would
    /// leave its executor (the writer's thread) for the whole batch. Elsewhere, FluentKit's transaction.
    static func run<T: Sendable>(
        on database: any FluentKit.Database, statements slot: WriterStatementSlot? = nil,
        _ body: @escaping @Sendable (any FluentKit.Database) async throws -> T
    ) async throws -> T {
        guard database is any SQLiteDatabase else { return try await database.transaction(body) }
        // The writer's pool holds one connection, and only the write queue, one batch at a time, uses it.
        let bound = try await database.withConnection { $0.eventLoop.makeSucceededFuture($0) }.get()
        guard let sqlite = bound as? any SQLiteDatabase else { return try await database.transaction(body) }
        let connection = try await sqlite.withConnection { $0.eventLoop.makeSucceededFuture($0) }.get()
        let transaction = DirectSQLiteTransaction(inner: bound, connection: connection, statements: slot?.statements(for: connection))
        // IMMEDIATE: the write lock is taken at the start, so no statement of the batch waits to upgrade to it.
        try await transaction.run("BEGIN IMMEDIATE TRANSACTION")
        do {
            let value = try await body(transaction)
            try await transaction.run("COMMIT TRANSACTION")
            return value
        } catch {
            try? await transaction.run("ROLLBACK TRANSACTION")
            throw error
        }
    }

    // FluentKit: everything but SQL goes to the transaction's database.
    var context: DatabaseContext { inner.context }
    var inTransaction: Bool { true }

    func execute(query: DatabaseQuery, onOutput: @escaping @Sendable (any DatabaseOutput) -> Void) -> EventLoopFuture<Void> {
        inner.execute(query: query, onOutput: onOutput)
    }

    func execute(schema: DatabaseSchema) -> EventLoopFuture<Void> {
        inner.execute(schema: schema)
    }

    func execute(enum: DatabaseEnum) -> EventLoopFuture<Void> {
        inner.execute(enum: `enum`)
    }

    func transaction<T>(_ closure: @escaping @Sendable (any FluentKit.Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        closure(self)
    }

    func withConnection<T>(_ closure: @escaping @Sendable (any FluentKit.Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        closure(self)
    }

    // SQLKit: serialised with SQLite's dialect, run by the connection's async call.
    var logger: Logger { inner.context.logger }
    var eventLoop: any EventLoop { inner.context.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { (inner as? any SQLDatabase)?.version }
    var dialect: any SQLDialect { SQLiteDialect() }
    var queryLogLevel: Logger.Level? { nil }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        eventLoop.makeFutureWithTask { try await self.execute(sql: query, onRow) }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        let (sql, binds) = try KeptStatements.serialize(query, for: self)
        if let statements {
            try statements.run(sql, binds, onRow)
            return
        }
        try await connection.query(sql, binds) { onRow($0.sql(decoder: KeptStatements.decoder)) }
    }

    /// Runs a statement that takes no values and gives no rows (the transaction's own).
    private func run(_ sql: String) async throws {
        if let statements {
            try statements.run(sql, []) { _ in }
        } else {
            try await connection.query(sql, []) { _ in }
        }
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await closure(self)
    }
}

/// What one write-queue transaction on SQLite remembers between its writers: the audit chain's head once read or
/// appended to (the transaction holds SQLite's write lock, so nobody else moves it). Only the queue's drain touches it,
/// one writer after another; the queue puts it back as it was when a writer is rolled back to its savepoint.
package final class TransactionMemo: @unchecked Sendable {
    package var auditHead: (seq: Int, hash: String)?

    init() {}
}

/// A transaction of the write queue's that carries a `TransactionMemo`.
package protocol BatchTransaction {
    var memo: TransactionMemo { get }
}

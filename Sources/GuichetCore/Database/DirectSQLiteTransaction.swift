// SPDX-License-Identifier: MPL-2.0
import FluentKit
import FluentSQLiteDriver
import Logging
import NIOCore
import SQLKit

/// The write queue's transaction on SQLite, with its SQL handed straight to the connection.
///
/// SQLiteKit runs an SQLKit statement through SQLiteNIO's future-based call. That call hops to the event loop for every
/// row, then once more to complete. Only then does the awaiting writer resume. The connection's own async call resumes
/// the writer from the thread that ran the statement. On the one writer's critical path every hop counts, so statements
/// sent through `db.sql` (SQLKit builders and raw SQL) take that path here. FluentKit's model queries still go
/// through the transaction's database, on the same connection and the same single thread, so the order holds.
struct DirectSQLiteTransaction: FluentKit.Database, SQLDatabase {
    let inner: any FluentKit.Database
    let connection: SQLiteConnection

    /// The transaction's database with direct SQL, or the database itself when it is not SQLite's.
    static func wrap(_ database: any FluentKit.Database) async throws -> any FluentKit.Database {
        guard let sqlite = database as? any SQLiteDatabase else { return database }
        let connection = try await sqlite.withConnection { $0 }
        return DirectSQLiteTransaction(inner: database, connection: connection)
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
        var serializer = SQLSerializer(database: self)
        query.serialize(to: &serializer)
        let encoder = SQLiteDataEncoder()
        let binds = try serializer.binds.map { try encoder.encode($0) }
        let decoder = SQLiteDataDecoder()
        try await connection.query(serializer.sql, binds) { onRow($0.sql(decoder: decoder)) }
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await closure(self)
    }
}

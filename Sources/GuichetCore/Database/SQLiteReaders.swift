// SPDX-License-Identifier: MPL-2.0
import FluentKit
import FluentSQLiteDriver
import Logging
import NIOConcurrencyHelpers
import NIOCore
import SQLKit
import VaporCSQLite

/// SQLite's reads, run at once by the task that asks, on connections of our own with their statements kept prepared.
///
/// Through FluentKit a read crossed four threads: the pool's event loop gave a connection, SQLiteNIO's thread ran the
/// statement (prepared anew each time), each row and the end went back to the event loop, and the task resumed on
/// Swift's threads. On two cores those switches were the largest single cost of a console's read (a call-next cycle reads
/// seven times). A read of a few rows takes microseconds: here the task takes an idle connection, runs the kept
/// statement and gives the connection back, on its own thread.
///
/// Only statements that read run here (`sqlite3_stmt_readonly`). Anything that would write goes to FluentKit's database
/// as before: a write waits for the writer's lock, and a task waiting here would hold one of Swift's few threads, which
/// the writer's own tasks may need. In WAL mode a read never waits for the writer. A long read (a report over a whole
/// table) holds its thread for as long as it runs.
final class SQLiteReaders: @unchecked Sendable {
    private let path: String
    private let lock = NIOLock()
    private var idle: [Connection] = []
    private var closed = false

    private final class Connection: @unchecked Sendable {
        let handle: OpaquePointer
        let statements: KeptStatements

        init(handle: OpaquePointer) {
            self.handle = handle
            statements = KeptStatements(handle: handle)
        }

        func close() {
            statements.finalizeAll()
            sqlite_nio_sqlite3_close(handle)
        }
    }

    init(path: String) {
        self.path = path
    }

    /// Runs `sql` if it only reads, giving each row to `onRow`; false (nothing run) when it would write.
    func read(_ sql: String, _ binds: [SQLiteData], _ onRow: (any SQLRow) throws -> Void) throws -> Bool {
        let connection = try take()
        defer { giveBack(connection) }
        return try connection.statements.run(sql, binds, onlyReading: true, onRow)
    }

    /// Connections open and idle now.
    var idleCount: Int { lock.withLock { idle.count } }

    /// Closes the idle connections now, and each busy one when it is given back; later reads fail.
    func close() {
        let idle = lock.withLock {
            closed = true
            defer { self.idle = [] }
            return self.idle
        }
        for connection in idle { connection.close() }
    }

    private func take() throws -> Connection {
        let (connection, isClosed) = lock.withLock { () -> (Connection?, Bool) in
            if closed { return (nil, true) }
            return (idle.popLast(), false)
        }
        if isClosed { throw SQLiteStatementError(code: SQLITE_MISUSE, message: "the database is shut down") }
        if let connection { return connection }
        return try openConnection()
    }

    private func giveBack(_ connection: Connection) {
        let keep = lock.withLock {
            if closed { return false }
            idle.append(connection)
            return true
        }
        if !keep { connection.close() }
    }

    /// As SQLiteNIO opens its own (serialised, URIs, extended result codes), with FluentKit's foreign keys on and a wait
    /// of at most 30 s when the file is locked (a reader waits only in rare moments, e.g. while the log is reset).
    private func openConnection() throws -> Connection {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_CREATE | SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_URI | SQLITE_OPEN_EXRESCODE
        let status = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            let message = handle.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "cannot open \(path)"
            if let handle { sqlite_nio_sqlite3_close(handle) }
            throw SQLiteStatementError(code: status, message: message)
        }
        sqlite_nio_sqlite3_busy_timeout(handle, 30_000)
        let connection = Connection(handle: handle)
        do {
            try connection.statements.run("PRAGMA foreign_keys = ON", []) { _ in }
        } catch {
            connection.close()
            throw error
        }
        return connection
    }
}

/// `DatabaseService.sql` on SQLite: reads by `SQLiteReaders`, anything else by FluentKit's database.
struct SQLiteReadDatabase: SQLDatabase {
    let readers: SQLiteReaders
    let fallback: any SQLDatabase

    var logger: Logger { fallback.logger }
    var eventLoop: any EventLoop { fallback.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { fallback.version }
    var dialect: any SQLDialect { fallback.dialect }
    var queryLogLevel: Logger.Level? { nil }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        eventLoop.makeFutureWithTask { try await self.execute(sql: query, onRow) }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        let (sql, binds) = try KeptStatements.serialize(query, for: self)
        if try readers.read(sql, binds, onRow) { return }
        try await fallback.execute(sql: query, onRow)
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await closure(self)
    }
}

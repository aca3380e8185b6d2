// SPDX-License-Identifier: MPL-2.0
import FluentSQLiteDriver
import NIOCore
import SQLKit
import VaporCSQLite

/// An SQLite connection's statements, each prepared once and kept, run on the thread that asks for them: the writer's
/// (the write queue's transactions) and the readers' (`SQLiteReaders`).
///
/// SQLiteNIO prepares every statement anew and finalises it after its last row: on the one writer, parsing the same
/// few statements again for every submission and every ticket was about a quarter of its thread. Each call also went
/// from the caller's task to the connection's thread and back. Here a statement is prepared once (with SQLite's hint
/// that it is kept), reset after each run, and run at once by the task that needs it (the write queue keeps its task on
/// the writer's thread).
///
/// SQLiteNIO does not give its connection's handle, so for the writer it is read by reflection from the pinned version's
/// stored property (`handle.raw`). Should a later version name it otherwise, `init?(connection:)` gives nil and the
/// writer falls back to SQLiteNIO's own call. Connections are opened with `SQLITE_OPEN_FULLMUTEX`, so SQLite serialises
/// calls on one whatever thread they come from; one user at a time (the write queue's drain, or the reader holding the
/// connection) uses this object.
final class KeptStatements: @unchecked Sendable {
    /// The connection served, kept so that a connection opened later in its place is not taken for it (nil: a connection
    /// of `SQLiteReaders`').
    let connection: SQLiteConnection?
    private let handle: OpaquePointer
    private var prepared: [String: OpaquePointer] = [:]
    /// Statements kept at most: a writer that wrote values into its SQL (rather than binding them) would otherwise grow
    /// the cache without end. Past it, a statement is prepared and finalised each time, as before.
    private static let limit = 512

    /// Nil when the connection's handle cannot be read (see above) or the connection is closed.
    init?(connection: SQLiteConnection) {
        guard let box = Mirror(reflecting: connection).descendant("handle"),
            let raw = Mirror(reflecting: box).descendant("raw"),
            let pointer = raw as? OpaquePointer
        else { return nil }
        self.connection = connection
        handle = pointer
    }

    /// For a connection opened and closed by its owner, who finalises these statements first.
    init(handle: OpaquePointer) {
        connection = nil
        self.handle = handle
    }

    /// Runs `sql` with `binds`, giving each row to `onRow` before the next step. With `onlyReading`, a statement that
    /// would write is not run, and false is returned.
    @discardableResult
    func run(_ sql: String, _ binds: [SQLiteData], onlyReading: Bool = false, _ onRow: (any SQLRow) throws -> Void) throws -> Bool {
        let statement: OpaquePointer
        if let kept = prepared[sql] {
            statement = kept
        } else {
            guard let fresh = try prepare(sql) else { return true }
            statement = fresh
            if prepared.count < Self.limit { prepared[sql] = fresh }
        }
        let keep = prepared[sql] == statement
        defer {
            if keep {
                // Reset, not cleared: every run binds all of its values again. Clearing marked most statements expired (SQLite
                // then parsed and planned them again at their next step, about once per request).
                sqlite_nio_sqlite3_reset(statement)
            } else {
                sqlite_nio_sqlite3_finalize(statement)
            }
        }
        if onlyReading, sqlite_nio_sqlite3_stmt_readonly(statement) == 0 { return false }
        try bind(binds, to: statement)
        var names: [String]?
        while true {
            let status = sqlite_nio_sqlite3_step(statement)
            if status == SQLITE_DONE { return true }
            guard status == SQLITE_ROW else { throw failure(status) }
            let columns = names ?? Self.names(of: statement)
            names = columns
            try onRow(KeptRow(names: columns, values: try Self.values(of: statement, count: columns.count)))
        }
    }

    /// Statements kept now.
    var count: Int { prepared.count }

    /// Finalises every kept statement, before the connection closes (SQLite does not close a connection that still has
    /// statements).
    func finalizeAll() {
        for statement in prepared.values { sqlite_nio_sqlite3_finalize(statement) }
        prepared = [:]
    }

    private func prepare(_ sql: String) throws -> OpaquePointer? {
        var statement: OpaquePointer?
        let flags = prepared.count < Self.limit ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        let status = sqlite_nio_sqlite3_prepare_v3(handle, sql, -1, flags, &statement, nil)
        guard status == SQLITE_OK else { throw failure(status) }
        // Nil for SQL that holds no statement (only a comment or white space): nothing to run.
        return statement
    }

    private func bind(_ binds: [SQLiteData], to statement: OpaquePointer) throws {
        for (offset, value) in binds.enumerated() {
            let index = Int32(truncatingIfNeeded: offset + 1)
            let status: Int32
            switch value {
            case .integer(let number):
                status = sqlite_nio_sqlite3_bind_int64(statement, index, Int64(truncatingIfNeeded: number))
            case .float(let number):
                status = sqlite_nio_sqlite3_bind_double(statement, index, number)
            case .text(let text):
                status = sqlite_nio_sqlite3_bind_text64(
                    statement, index, text, UInt64(truncatingIfNeeded: text.utf8.count), Self.transient, UInt8(SQLITE_UTF8))
            case .blob(let bytes):
                status = bytes.withUnsafeReadableBytes {
                    sqlite_nio_sqlite3_bind_blob64(statement, index, $0.baseAddress, UInt64(truncatingIfNeeded: $0.count), Self.transient)
                }
            case .null:
                status = sqlite_nio_sqlite3_bind_null(statement, index)
            }
            guard status == SQLITE_OK else { throw failure(status) }
        }
    }

    private static func names(of statement: OpaquePointer) -> [String] {
        (0..<sqlite_nio_sqlite3_column_count(statement)).map { column in
            sqlite_nio_sqlite3_column_name(statement, column).map { String(cString: $0) } ?? ""
        }
    }

    private static func values(of statement: OpaquePointer, count: Int) throws -> [SQLiteData] {
        try (0..<Int32(truncatingIfNeeded: count)).map { column in
            switch sqlite_nio_sqlite3_column_type(statement, column) {
            case SQLITE_INTEGER:
                return .integer(Int(truncatingIfNeeded: sqlite_nio_sqlite3_column_int64(statement, column)))
            case SQLITE_FLOAT:
                return .float(sqlite_nio_sqlite3_column_double(statement, column))
            case SQLITE_TEXT:
                guard let text = sqlite_nio_sqlite3_column_text(statement, column) else {
                    throw SQLiteStatementError(code: SQLITE_NOMEM, message: "no text for a text column")
                }
                return .text(String(cString: text))
            case SQLITE_BLOB:
                let length = Int(truncatingIfNeeded: sqlite_nio_sqlite3_column_bytes(statement, column))
                var buffer = ByteBufferAllocator().buffer(capacity: length)
                if let bytes = sqlite_nio_sqlite3_column_blob(statement, column) {
                    buffer.writeBytes(UnsafeRawBufferPointer(start: bytes, count: length))
                }
                return .blob(buffer)
            default:
                return .null
            }
        }
    }

    private func failure(_ status: Int32) -> SQLiteStatementError {
        SQLiteStatementError(code: status, message: sqlite_nio_sqlite3_errmsg(handle).map { String(cString: $0) } ?? "")
    }

    /// `query` as SQLite takes it: its SQL, serialised for `database`'s dialect, and its values, encoded as SQLiteKit
    /// encodes them. For both of our SQL databases on SQLite (the writer's transaction, the readers).
    static func serialize(_ query: any SQLExpression, for database: any SQLDatabase) throws -> (sql: String, binds: [SQLiteData]) {
        var serializer = SQLSerializer(database: database)
        query.serialize(to: &serializer)
        return (serializer.sql, try serializer.binds.map { try encoder.encode($0) })
    }

    /// How values are given to SQLite and read back, as SQLiteKit does it (made once: each makes a JSON encoder or
    /// decoder, which every statement, and every column of a row, used to pay for).
    private static let encoder = SQLiteDataEncoder()
    static let decoder = SQLiteDataDecoder()

    /// SQLite's SQLITE_TRANSIENT: SQLite copies the bound text or bytes before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}

/// A kept statement failed: SQLite's result code and message.
struct SQLiteStatementError: Error, CustomStringConvertible {
    let code: Int32
    let message: String

    var description: String { "SQLite error \(code): \(message)" }
}

/// A row read by `KeptStatements`, decoded as SQLiteKit decodes its own.
private struct KeptRow: SQLRow {
    let names: [String]
    let values: [SQLiteData]

    var allColumns: [String] { names }

    func contains(column: String) -> Bool { names.contains(column) }

    func decodeNil(column: String) throws -> Bool { (value(column) ?? .null) == .null }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let data = value(column) else {
            throw DecodingError.valueNotFound(
                D.self, .init(codingPath: [], debugDescription: "no column \(column) in the row"))
        }
        return try KeptStatements.decoder.decode(D.self, from: data)
    }

    private func value(_ column: String) -> SQLiteData? {
        guard let index = names.firstIndex(of: column), index < values.count else { return nil }
        return values[index]
    }
}

/// The write queue's `KeptStatements`, made for the writer's connection at its first batch and finalised when the
/// database shuts down. Only the queue touches it: its drain, one batch at a time, and its `closeStatements()` between
/// batches.
final class WriterStatementSlot: @unchecked Sendable {
    private var current: KeptStatements?
    private var closed = false

    /// The statements for `connection`, nil once closed (or should its handle not be readable).
    func statements(for connection: SQLiteConnection) -> KeptStatements? {
        guard !closed, !connection.isClosed else { return nil }
        if let current, current.connection === connection { return current }
        // Another connection: the one before was closed with its statements unfinalised, so SQLite kept it open; finalised
        // here, it is let go.
        current?.finalizeAll()
        current = KeptStatements(connection: connection)
        return current
    }

    /// Statements kept for the current connection.
    var count: Int { current?.count ?? 0 }

    func close() {
        closed = true
        current?.finalizeAll()
        current = nil
    }
}

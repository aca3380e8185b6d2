// SPDX-License-Identifier: MPL-2.0
import Audit
import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// A stored value as the database holds it, so that two databases (or one database before and after a restore) can be
/// compared value for value.
package enum StoredValue: Sendable, Hashable, Comparable, CustomStringConvertible {
    case null
    case integer(Int64)
    case real(Double)
    case boolean(Bool)
    case text(String)
    case blob(Data)

    package var description: String {
        switch self {
        case .null: return "NULL"
        case .integer(let value): return String(value)
        case .real(let value): return String(value)
        case .boolean(let value): return value ? "true" : "false"
        case .text(let value): return "'\(value)'"
        case .blob(let value): return "x'\(value.hexLowercase)'"
        }
    }

    /// An order for sorting rows in Swift, the same whatever the database's collation.
    package static func < (lhs: StoredValue, rhs: StoredValue) -> Bool {
        switch (lhs, rhs) {
        case (.integer(let a), .integer(let b)): return a < b
        case (.real(let a), .real(let b)): return a < b
        case (.text(let a), .text(let b)): return Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8))
        default: return lhs.description.utf8.lexicographicallyPrecedes(rhs.description.utf8)
        }
    }

    /// The value as a column of `kind` holds it: SQLite keeps booleans as 0 and 1 and reals without a fraction as reals,
    /// PostgreSQL as `boolean` and `double precision`; compared across databases, both are read as the target's kind.
    package func normalized(to kind: ColumnKind) -> StoredValue {
        switch (self, kind) {
        case (.integer(let value), .boolean): return .boolean(value != 0)
        case (.integer(let value), .real): return .real(Double(value))
        default: return self
        }
    }
}

/// What a column holds, read from the database's own declared type.
package enum ColumnKind: Sendable, Equatable {
    case integer, real, boolean, text, blob
    /// A type with no Swift counterpart here (`tsvector`, `jsonb`…): read and written as its text, cast to `type`.
    case other(String)

    static func postgres(_ type: String) -> ColumnKind {
        switch type {
        case "smallint", "integer", "bigint": return .integer
        case "real", "double precision", "numeric": return .real
        case "boolean": return .boolean
        case "bytea": return .blob
        case "text": return .text
        default: return type.hasPrefix("character") ? .text : .other(type)
        }
    }
}

package struct TableColumn: Sendable, Equatable {
    package var name: String
    package var kind: ColumnKind
}

/// The tables of a database, their columns and rows, its migrations and its audit chain: what a backup's manifest
/// records and what a restore or a copy between databases is checked against. Tables are read from the database
/// itself (SQLite's `table_list`, PostgreSQL's catalogue for the current schema), never from a list kept by hand.
package struct DatabaseInventory: Sendable {
    package let database: any Database
    package let dialect: SQLDialectKind

    package init(_ database: any Database, dialect: SQLDialectKind) {
        self.database = database
        self.dialect = dialect
    }

    var sql: any SQLDatabase { database.sql }

    private struct Name: Decodable { let name: String }

    /// Every table (SQLite: ordinary, virtual and FTS shadow tables; PostgreSQL: the current schema's), by name.
    package func tables() async throws -> [String] {
        switch dialect {
        case .sqlite:
            return try await sql.raw("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type IN ('table', 'virtual', 'shadow')")
                .all(decoding: Name.self).map(\.name).filter { !$0.hasPrefix("sqlite_") }.sorted()
        case .postgres:
            return try await sql.raw(
                """
                SELECT table_name AS name FROM information_schema.tables \
                WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
                """
            ).all(decoding: Name.self).map(\.name).sorted()
        }
    }

    /// SQLite's ordinary tables only: what a copy to another database carries (virtual tables and their shadows are
    /// the search index, rebuilt on the other side).
    package func ordinaryTables() async throws -> [String] {
        guard dialect == .sqlite else { return try await tables() }
        return try await sql.raw("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table'")
            .all(decoding: Name.self).map(\.name).filter { !$0.hasPrefix("sqlite_") }.sorted()
    }

    package func columns(of table: String) async throws -> [TableColumn] {
        struct SQLiteColumn: Decodable {
            let name: String
            let type: String
        }
        struct PostgresColumn: Decodable {
            let name: String
            let type: String
        }
        switch dialect {
        case .sqlite:
            return try await sql.raw("SELECT name, type FROM pragma_table_info(\(bind: table)) ORDER BY cid").all(decoding: SQLiteColumn.self)
                .map { TableColumn(name: $0.name, kind: Self.sqliteKind($0.type)) }
        case .postgres:
            return try await sql.raw(
                """
                SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a \
                WHERE a.attrelid = to_regclass(quote_ident(current_schema()) || '.' || quote_ident(\(bind: table))) \
                AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
                """
            ).all(decoding: PostgresColumn.self).map { TableColumn(name: $0.name, kind: .postgres($0.type)) }
        }
    }

    static func sqliteKind(_ declared: String) -> ColumnKind {
        let type = declared.uppercased()
        if type.contains("BOOL") { return .boolean }
        if type.contains("INT") { return .integer }
        if type.contains("REAL") || type.contains("DOUBLE") || type.contains("FLOA") { return .real }
        if type.contains("BLOB") { return .blob }
        return .text
    }

    package func count(_ table: String) async throws -> Int {
        try await sql.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first(decodingColumn: "n", as: Int.self) ?? 0
    }

    package func rowCounts() async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for table in try await tables() { counts[table] = try await count(table) }
        return counts
    }

    /// The migrations applied, in the order they ran.
    package func migrations() async throws -> [String] {
        guard try await tables().contains("_fluent_migrations") else { return [] }
        return try await sql.raw("SELECT name FROM _fluent_migrations ORDER BY batch, created_at, name").all(decoding: Name.self).map(\.name)
    }

    /// The audit chain: its length, its last event's hash and what `AuditLog.verify` says of it.
    package func auditChain() async throws -> BackupManifest.AuditChain {
        let head = try await AuditLog.head(on: database)
        let verification: String
        // The chain as stored: the events waiting in `audit_pending` (PostgreSQL) are counted with the rows, not chained here.
        switch try await AuditLog.verify(on: database, chainingPending: false) {
        case .intact: verification = "intact"
        case .broken(let seq, let reason): verification = "broken at event \(seq): \(reason)"
        }
        return BackupManifest.AuditChain(
            events: try await AuditLog.length(on: database), lastSeq: head.seq, headHash: head.hash,
            verification: verification)
    }

    /// Every row of `table` (in `columns`' order), read from SQLite's storage classes or PostgreSQL's text forms, then
    /// sorted in Swift, so that two databases with different collations give the same list.
    package func rows(of table: String, columns: [TableColumn]? = nil) async throws -> [[StoredValue]] {
        let columns = try await { if let columns { return columns } else { return try await self.columns(of: table) } }()
        guard !columns.isEmpty else { return [] }
        var rows: [[StoredValue]] = []
        switch dialect {
        case .sqlite:
            let query = SQLQueryString("SELECT ") + Self.sqliteSelectList(columns) + SQLQueryString(" FROM \(ident: table)")
            for row in try await sql.raw(query).all() {
                rows.append(try columns.indices.map { try Self.sqliteValue(row, index: $0) })
            }
        case .postgres:
            let list = columns.enumerated().map { index, column -> SQLQueryString in
                "CAST(\(ident: column.name) AS TEXT) AS \(ident: "v\(index)")"
            }
            let query = SQLQueryString("SELECT ") + list.joined(separator: ", ") + SQLQueryString(" FROM \(ident: table)")
            for row in try await sql.raw(query).all() {
                rows.append(
                    try columns.enumerated().map { index, column in
                        Self.postgresValue(try row.decode(column: "v\(index)", as: String?.self), kind: column.kind)
                    })
            }
        }
        return rows.sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// Up to `limit` rows of a SQLite table after the row `afterRowid`, in rowid order, with the last rowid read.
    package func sqliteRows(of table: String, columns: [TableColumn], afterRowid: Int64, limit: Int) async throws -> (
        rows: [[StoredValue]], lastRowid: Int64?
    ) {
        let query =
            SQLQueryString("SELECT rowid AS \(ident: "rowid_"), ") + Self.sqliteSelectList(columns)
            + SQLQueryString(" FROM \(ident: table) WHERE rowid > \(bind: afterRowid) ORDER BY rowid LIMIT \(unsafeRaw: String(limit))")
        var rows: [[StoredValue]] = []
        var last: Int64?
        for row in try await sql.raw(query).all() {
            rows.append(try columns.indices.map { try Self.sqliteValue(row, index: $0) })
            last = try row.decode(column: "rowid_", as: Int64.self)
        }
        return (rows, last)
    }

    /// Each column as its storage class (`t0`…) and its value (`v0`…, blobs in hex).
    static func sqliteSelectList(_ columns: [TableColumn]) -> SQLQueryString {
        columns.enumerated().map { index, column -> SQLQueryString in
            let name = column.name
            return """
                typeof(\(ident: name)) AS \(ident: "t\(index)"), \
                CASE WHEN typeof(\(ident: name)) = 'blob' THEN hex(\(ident: name)) ELSE \(ident: name) END AS \(ident: "v\(index)")
                """
        }.joined(separator: ", ")
    }

    static func sqliteValue(_ row: any SQLRow, index: Int) throws -> StoredValue {
        let value = "v\(index)"
        switch try row.decode(column: "t\(index)", as: String.self) {
        case "integer": return .integer(try row.decode(column: value, as: Int64.self))
        case "real": return .real(try row.decode(column: value, as: Double.self))
        case "text": return .text(try row.decode(column: value, as: String.self))
        case "blob": return .blob(Data(hex: try row.decode(column: value, as: String.self)))
        default: return .null
        }
    }

    static func postgresValue(_ text: String?, kind: ColumnKind) -> StoredValue {
        guard let text else { return .null }
        switch kind {
        case .integer: return Int64(text).map(StoredValue.integer) ?? .text(text)
        case .real: return Double(text).map(StoredValue.real) ?? .text(text)
        case .boolean: return .boolean(text == "true" || text == "t")
        case .blob: return text.hasPrefix("\\x") ? .blob(Data(hex: String(text.dropFirst(2)))) : .text(text)
        case .text, .other: return .text(text)
        }
    }
}

extension Data {
    /// Hex digits two by two; anything else ends the bytes (only the databases' own `hex()` output is read here).
    init(hex: String) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.utf8.count / 2)
        var high: UInt8?
        for character in hex.utf8 {
            guard let nibble = Self.nibble(character) else { break }
            if let first = high {
                bytes.append(first << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        self.init(bytes)
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return character - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

// SPDX-License-Identifier: MPL-2.0
import Audit
import Catalog
import Centres
import FluentKit
import Foundation
import GuichetCore
import Logging
import SQLKit

/// `guichet migrate-data --to postgres://…`: every table of a SQLite database copied into an empty PostgreSQL one.
/// The target is migrated first (the same migrations as the source), so it has Guichet's own schema; the tables to
/// copy are the target's, parents before children (read from its foreign keys), all in one transaction; identity
/// sequences are set past the copied ids; the search index, whose shape differs between the two databases, is built
/// again from the procedures. Then every table's row count and the audit chain are compared with the source's.
package enum DataMigration {
    package struct Report: Sendable, Equatable {
        /// Table → rows copied.
        package var tables: [String: Int]
        package var auditEvents: Int
        package var auditHead: String
    }

    /// Tables not copied row by row: the migrations' own bookkeeping (the target ran them) and the search index.
    static var notCopied: Set<String> { Set(["_fluent_migrations", SearchIndex.tableName]).union(CentresModule.derivedTables) }
    /// Rows per INSERT: PostgreSQL takes at most 65,535 parameters in one statement.
    static let parametersPerStatement = 30_000

    package static func copy(from source: DatabaseService, to target: DatabaseService, logger: Logger) async throws -> Report {
        guard source.dialect == .sqlite, target.dialect == .postgres else {
            throw BackupError.refused("migrate-data copies a SQLite database into a PostgreSQL one")
        }
        let sourceInventory = DatabaseInventory(source.db, dialect: .sqlite)
        let targetInventory = DatabaseInventory(target.db, dialect: .postgres)
        let existing = try await targetInventory.tables()
        guard existing.isEmpty else {
            throw BackupError.refused("the PostgreSQL database is not empty (\(existing.count) tables): migrate-data needs an empty one")
        }
        let expected = GuichetApplication.migrations().map(\.name)
        let applied = try await sourceInventory.migrations()
        guard Set(applied) == Set(expected) else {
            let missing = Set(expected).subtracting(applied).count
            let unknown = Set(applied).subtracting(expected).count
            throw BackupError.refused(
                "the SQLite database's migrations are not this Guichet's (\(missing) not applied, \(unknown) unknown): "
                    + "run `guichet migrate` with the same version first")
        }
        target.add(GuichetApplication.migrations())
        try await target.migrate()
        let tables = try await targetInventory.tables().filter { !notCopied.contains($0) }
        let sourceTables = try await sourceInventory.ordinaryTables().filter { !notCopied.contains($0) }
        guard Set(tables) == Set(sourceTables) else {
            let onlySource = Set(sourceTables).subtracting(tables).sorted()
            let onlyTarget = Set(tables).subtracting(sourceTables).sorted()
            throw BackupError.refused(
                "the two schemas differ: only in SQLite \(onlySource), only in PostgreSQL \(onlyTarget)")
        }
        let order = try await parentsFirst(tables, on: target.sql)
        var plans: [(table: String, columns: [TableColumn])] = []
        for table in order {
            let columns = try await targetInventory.columns(of: table)
            let sourceColumns = Set(try await sourceInventory.columns(of: table).map(\.name))
            guard sourceColumns == Set(columns.map(\.name)) else {
                throw BackupError.refused("table \(table) has other columns in SQLite (\(sourceColumns.sorted())) than in PostgreSQL")
            }
            plans.append((table, columns))
        }
        let sourceDatabase = source.db
        let tablePlans = plans
        let copied = try await target.db.transaction { transaction in
            // Some migrations write a first row (the catalogue's generation…): the copy brings the source's instead.
            for plan in tablePlans.reversed() { try await transaction.sql.raw("DELETE FROM \(ident: plan.table)").run() }
            var copied: [String: Int] = [:]
            for plan in tablePlans {
                do {
                    copied[plan.table] = try await copyTable(plan.table, columns: plan.columns, from: sourceDatabase, to: transaction)
                } catch let error as BackupError {
                    throw error
                } catch {
                    // PostgreSQL's own words (a foreign key without its row, a value too long…), not the driver's summary.
                    throw BackupError.failed("copying \(plan.table) (nothing was written): \(String(reflecting: error))")
                }
                logger.info("table copied", metadata: ["table": "\(plan.table)", "rows": "\(copied[plan.table] ?? 0)"])
            }
            try await CentresModule.rebuildDerivedTables(on: transaction.sql)
            let indexed = try await SearchIndex.rebuild(on: transaction)
            logger.info("search index rebuilt", metadata: ["procedures": "\(indexed)"])
            try await resetSequences(on: transaction.sql)
            return copied
        }
        for (table, rows) in copied.sorted(by: { $0.key < $1.key }) {
            let sourceRows = try await sourceInventory.count(table)
            let targetRows = try await targetInventory.count(table)
            guard sourceRows == rows, targetRows == rows else {
                throw BackupError.failed("\(table): \(sourceRows) rows in SQLite, \(rows) copied, \(targetRows) in PostgreSQL")
            }
        }
        let sourceAudit = try await sourceInventory.auditChain()
        let targetAudit = try await targetInventory.auditChain()
        guard sourceAudit == targetAudit else {
            throw BackupError.failed(
                "the audit chain differs: SQLite \(sourceAudit.events) events (\(sourceAudit.verification)), "
                    + "PostgreSQL \(targetAudit.events) (\(targetAudit.verification))")
        }
        return Report(tables: copied, auditEvents: targetAudit.events, auditHead: targetAudit.headHash)
    }

    /// The tables ordered so that every table comes after those its foreign keys name.
    static func parentsFirst(_ tables: [String], on sql: any SQLDatabase) async throws -> [String] {
        struct Edge: Decodable {
            let child: String
            let parent: String
        }
        let edges = try await sql.raw(
            """
            SELECT child.relname AS child, parent.relname AS parent FROM pg_constraint c \
            JOIN pg_class child ON child.oid = c.conrelid JOIN pg_class parent ON parent.oid = c.confrelid \
            JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.contype = 'f' AND n.nspname = current_schema()
            """
        ).all(decoding: Edge.self)
        var parents: [String: Set<String>] = [:]
        for edge in edges where edge.child != edge.parent { parents[edge.child, default: []].insert(edge.parent) }
        var done: [String] = []
        var placed = Set<String>()
        var remaining = tables.sorted()
        while !remaining.isEmpty {
            let ready = remaining.filter { (parents[$0] ?? []).subtracting(placed).intersection(Set(remaining)).isEmpty }
            guard !ready.isEmpty else {
                throw BackupError.failed("the foreign keys between \(remaining) form a cycle: no order inserts them")
            }
            done += ready
            placed.formUnion(ready)
            remaining.removeAll { placed.contains($0) }
        }
        return done
    }

    /// Reads the SQLite table by rowid in batches and inserts each batch with one statement.
    static func copyTable(_ table: String, columns: [TableColumn], from source: any Database, to target: any Database) async throws -> Int {
        guard !columns.isEmpty else { return 0 }
        let batch = max(1, parametersPerStatement / columns.count)
        let sourceInventory = DatabaseInventory(source, dialect: .sqlite)
        var after: Int64 = .min
        var total = 0
        while true {
            let (rows, last) = try await sourceInventory.sqliteRows(of: table, columns: columns, afterRowid: after, limit: batch)
            guard let last, !rows.isEmpty else { break }
            var insert = target.sql.insert(into: table).columns(columns.map(\.name))
            for (offset, row) in rows.enumerated() {
                insert = insert.values(
                    try zip(columns, row).map { column, value in
                        try expression(value, for: column, table: table, row: total + offset + 1)
                    })
            }
            try await insert.run()
            total += rows.count
            after = last
        }
        return total
    }

    /// A SQLite value bound as the PostgreSQL column's type (SQLite keeps booleans as 0 and 1, and accepts any value in
    /// any column: one that the target's type cannot hold stops the copy, naming where it is).
    static func expression(_ value: StoredValue, for column: TableColumn, table: String, row: Int) throws -> any SQLExpression {
        func mismatch() -> BackupError {
            BackupError.failed("\(table).\(column.name), row \(row): \(value) does not fit PostgreSQL's \(column.kind)")
        }
        switch (value, column.kind) {
        case (.null, _): return SQLLiteral.null
        case (.integer(let number), .integer): return SQLBind(number)
        case (.text(let text), .integer):
            guard let number = Int64(text) else { throw mismatch() }
            return SQLBind(number)
        case (.real(let number), .integer):
            guard let exact = Int64(exactly: number) else { throw mismatch() }
            return SQLBind(exact)
        case (.integer(let number), .real): return SQLBind(Double(number))
        case (.real(let number), .real): return SQLBind(number)
        case (.text(let text), .real):
            guard let number = Double(text) else { throw mismatch() }
            return SQLBind(number)
        case (.integer(let number), .boolean): return SQLBind(number != 0)
        case (.boolean(let flag), .boolean): return SQLBind(flag)
        case (.text(let text), .boolean):
            guard ["0", "1", "true", "false"].contains(text) else { throw mismatch() }
            return SQLBind(text == "1" || text == "true")
        case (.text(let text), .text): return SQLBind(text)
        case (.integer(let number), .text): return SQLBind(String(number))
        case (.real(let number), .text): return SQLBind(String(number))
        case (.blob(let data), .blob): return SQLBind(data)
        case (.text(let text), .blob): return SQLBind(Data(text.utf8))
        case (.text(let text), .other(let type)): return SQLQueryString("CAST(\(bind: text) AS \(unsafeRaw: type))")
        default: throw mismatch()
        }
    }

    /// Identity and serial columns continue after the largest copied id.
    static func resetSequences(on sql: any SQLDatabase) async throws {
        struct Serial: Decodable {
            let table: String
            let column: String
        }
        let serials = try await sql.raw(
            """
            SELECT table_name AS "table", column_name AS "column" FROM information_schema.columns \
            WHERE table_schema = current_schema() AND (column_default LIKE 'nextval(%' OR is_identity = 'YES')
            """
        ).all(decoding: Serial.self)
        for serial in serials {
            try await sql.raw(
                """
                SELECT setval(pg_get_serial_sequence(quote_ident(current_schema()) || '.' || quote_ident(\(bind: serial.table)), \
                \(bind: serial.column)), COALESCE(MAX(\(ident: serial.column)), 0) + 1, false) FROM \(ident: serial.table)
                """
            ).run()
        }
    }
}

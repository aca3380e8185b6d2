// SPDX-License-Identifier: MPL-2.0
import FluentKit
import Foundation
import GuichetCore
import Logging
import SQLKit

extension Backup {
    package struct RestoreReport: Sendable, Equatable {
        package var tables: Int
        package var rows: Int
        package var auditEvents: Int
        package var uploads: Int
        package var keys: Int
    }

    /// Restores the backup in `directory` onto an empty database (`kind`) and into `dataDirectory`. Before anything is
    /// written: every file's SHA-256 is checked against the manifest, the keys are opened with `passphrase`, and the
    /// target is checked to be empty. After: the database's row counts, migrations and audit chain are compared with
    /// the manifest's. `withoutKeys` restores the rest of a backup whose passphrase is lost.
    @discardableResult
    package static func restore(
        from directory: URL, into kind: AppConfiguration.DatabaseKind, dataDirectory: URL, passphrase: String?, withoutKeys: Bool = false,
        logger: Logger
    ) async throws -> RestoreReport {
        let manifest = try BackupManifest.read(from: directory)
        for (path, expected) in manifest.files.sorted(by: { $0.key < $1.key }) {
            guard isSafeRelativePath(path) else { throw BackupError.refused("the manifest names a file outside the backup: \(path)") }
            let url = directory.appendingPathComponent(path)
            guard FileManager.default.fileExists(atPath: url.path) else { throw BackupError.refused("\(path) is missing from the backup") }
            guard try BackupFiles.sha256(of: url) == expected else {
                throw BackupError.refused("\(path) does not match its SHA-256 in the manifest: the backup was changed or damaged")
            }
        }
        let keys = withoutKeys ? [:] : try openKeys(manifest, directory: directory, passphrase: passphrase)
        try checkKeysTarget(keys, dataDirectory: dataDirectory)
        let expectedFile: String
        switch (kind, manifest.database) {
        case (.sqliteFile, "sqlite"): expectedFile = sqliteFile
        case (.postgres, "postgres"): expectedFile = postgresFile
        default:
            throw BackupError.refused(
                "this is a \(manifest.database) backup and the target is not: restore it onto the same kind of database "
                    + "(then `guichet migrate-data --to postgres://…` moves SQLite to PostgreSQL)")
        }
        guard manifest.files[expectedFile] != nil else { throw BackupError.refused("the manifest names no \(expectedFile)") }
        let database: DatabaseService
        switch kind {
        case .sqliteFile(let path):
            try checkEmptySQLite(path)
            let target = URL(fileURLWithPath: path)
            try BackupFiles.copy(directory.appendingPathComponent(sqliteFile), to: target)
            database = try await DatabaseService(kind, logger: logger)
        case .postgres(let url, _):
            database = try await DatabaseService(kind, logger: logger)
            do {
                try await postgresRestore(directory.appendingPathComponent(postgresFile), url: url, manifest: manifest, database: database)
            } catch {
                await database.shutdown()
                throw error
            }
        }
        do {
            var uploads = 0
            for path in manifest.files.keys.sorted() where path.hasPrefix(Self.uploads + "/") {
                let target = dataDirectory.appendingPathComponent(path)
                let source = directory.appendingPathComponent(path)
                if FileManager.default.fileExists(atPath: target.path), try BackupFiles.sha256(of: target) == manifest.files[path] { continue }
                try BackupFiles.copy(source, to: target)
                uploads += 1
            }
            let keysDirectory = dataDirectory.appendingPathComponent("keys")
            try FileManager.default.createDirectory(at: keysDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            for (name, data) in keys.sorted(by: { $0.key < $1.key }) {
                let temporary = keysDirectory.appendingPathComponent(".\(name).restore")
                try BackupFiles.writeDurably(data, to: temporary)
                guard rename(temporary.path, keysDirectory.appendingPathComponent(name).path) == 0 else {
                    throw BackupError.failed("could not write \(keysDirectory.appendingPathComponent(name).path)")
                }
            }
            let report = try await check(database, against: manifest, uploads: uploads, keys: keys.count)
            await database.shutdown()
            return report
        } catch {
            await database.shutdown()
            throw error
        }
    }

    static func isSafeRelativePath(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        return !path.hasPrefix("/") && !parts.isEmpty && parts.allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }

    static func openKeys(_ manifest: BackupManifest, directory: URL, passphrase: String?) throws -> [String: Data] {
        guard !manifest.keys.isEmpty else { return [:] }
        guard let passphrase, !passphrase.isEmpty else {
            throw BackupError.refused(
                "this backup's keys are sealed: set \(SealedKeys.passphraseVariable) to the passphrase used to back up "
                    + "(or pass --without-keys to restore everything else)")
        }
        guard let data = try? Data(contentsOf: directory.appendingPathComponent(SealedKeys.fileName)),
            let sealed = try? JSONDecoder().decode(SealedKeys.self, from: data)
        else { throw BackupError.refused("\(SealedKeys.fileName) cannot be read") }
        let keys = try sealed.open(passphrase: passphrase, binding: SealedKeys.binding(manifest.files))
        guard keys.keys.sorted() == manifest.keys.sorted() else {
            throw BackupError.refused("\(SealedKeys.fileName) does not hold the keys the manifest names")
        }
        return keys
    }

    /// A data folder may already hold the very same keys (a second try), never other ones: those would be lost.
    static func checkKeysTarget(_ keys: [String: Data], dataDirectory: URL) throws {
        let present = try readKeys(dataDirectory)
        for (name, data) in present where keys[name] != nil && keys[name] != data {
            throw BackupError.refused(
                "\(dataDirectory.appendingPathComponent("keys").appendingPathComponent(name).path) exists with another key: "
                    + "restore into a new data folder (GUICHET_DATA_DIR)")
        }
    }

    static func checkEmptySQLite(_ path: String) throws {
        for file in [path, path + "-wal"] {
            let attributes = try? FileManager.default.attributesOfItem(atPath: file)
            if let size = attributes?[.size] as? NSNumber, size.int64Value > 0 {
                throw BackupError.refused("\(file) exists and is not empty: restore onto a new database file (GUICHET_SQLITE_PATH)")
            }
        }
    }

    static func postgresRestore(_ dump: URL, url: String, manifest: BackupManifest, database: DatabaseService) async throws {
        let inventory = DatabaseInventory(database.db, dialect: .postgres)
        let tables = try await inventory.tables()
        let schema = try await database.sql.raw("SELECT current_schema() AS s").first(decodingColumn: "s", as: String?.self) ?? nil
        guard tables.isEmpty else {
            throw BackupError.refused(
                "the target database is not empty (\(tables.count) tables in schema \(schema ?? "?")): restore onto a new database")
        }
        guard let schema, schema == manifest.postgresSchema ?? "public" else {
            throw BackupError.refused(
                "the dump holds schema \(manifest.postgresSchema ?? "public") and the target's is \(schema ?? "none"): they must be the same")
        }
        let pgRestore = try PostgresTools.locate("pg_restore")
        let connection = try PostgresTools.connection(url)
        let listing = try await PostgresTools.run(pgRestore, ["--list", dump.path], environment: connection.environment)
        guard listing.status == 0 else { throw BackupError.failed("pg_restore --list: \(listing.errors)") }
        // The schema exists already (`public`, or made when the target was opened): its own entry is left out.
        let entries = listing.output.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.contains(" SCHEMA - ") && !$0.contains(" COMMENT - SCHEMA ") }
        let list = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-restore-\(UUID().uuidString).list")
        try BackupFiles.writeDurably(Data(entries.joined(separator: "\n").utf8), to: list)
        defer { try? FileManager.default.removeItem(at: list) }
        let result = try await PostgresTools.run(
            pgRestore,
            [
                "--use-list=\(list.path)", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", "--no-password",
                "--dbname=\(connection.url)", dump.path,
            ], environment: connection.environment)
        guard result.status == 0 else { throw BackupError.failed("pg_restore (nothing was restored): \(result.errors)") }
    }

    /// The restored database against the manifest: every table's row count, the migrations, the audit chain.
    static func check(_ database: DatabaseService, against manifest: BackupManifest, uploads: Int, keys: Int) async throws -> RestoreReport {
        let inventory = DatabaseInventory(database.db, dialect: database.dialect)
        let counts = try await inventory.rowCounts()
        guard counts == manifest.rowCounts else {
            let differing = Set(counts.keys).union(manifest.rowCounts.keys).filter { counts[$0] != manifest.rowCounts[$0] }.sorted()
            throw BackupError.failed("the restored database's row counts differ from the manifest's in \(differing.joined(separator: ", "))")
        }
        guard try await inventory.migrations() == manifest.migrations else {
            throw BackupError.failed("the restored database's migrations differ from the manifest's")
        }
        let audit = try await inventory.auditChain()
        guard audit == manifest.audit else {
            throw BackupError.failed(
                "the restored audit chain (\(audit.events) events, \(audit.verification), head \(audit.headHash)) is not the manifest's "
                    + "(\(manifest.audit.events) events, \(manifest.audit.verification), head \(manifest.audit.headHash))")
        }
        return RestoreReport(
            tables: counts.count, rows: counts.values.reduce(0, +), auditEvents: audit.events, uploads: uploads, keys: keys)
    }
}

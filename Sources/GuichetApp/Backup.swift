// SPDX-License-Identifier: MPL-2.0
import Audit
import FluentKit
import Foundation
import GuichetCore
import Logging
import SQLKit

/// `guichet backup DIR` and `guichet restore DIR`. A backup folder holds the database (`guichet.sqlite`, a consistent
/// copy made by `VACUUM INTO` while the server writes; or `guichet.dump`, `pg_dump`'s custom format), the data folder's
/// uploads (`uploads/`), its keys sealed with a passphrase (`keys.sealed`), and `manifest.json`, written last.
package enum Backup {
    package static let sqliteFile = "guichet.sqlite"
    package static let postgresFile = "guichet.dump"
    static let uploads = "uploads"

    /// Backs up `database` (opened on `kind`) and the data folder into `directory`, which must be new or empty.
    /// Without `passphrase` the keys are left out only when `withoutKeys` says so; otherwise nothing is written.
    @discardableResult
    package static func create(
        database: DatabaseService, kind: AppConfiguration.DatabaseKind, into directory: URL, dataDirectory: URL, passphrase: String?,
        withoutKeys: Bool, logger: Logger
    ) async throws -> BackupManifest {
        let passphrase = withoutKeys ? nil : try SealedKeys.checkPassphrase(passphrase)
        let keyFiles = try readKeys(dataDirectory)
        if passphrase != nil, keyFiles.isEmpty {
            throw BackupError.refused("\(dataDirectory.appendingPathComponent("keys").path) holds no key: is the data folder the server's?")
        }
        try BackupFiles.prepareEmptyDirectory(directory)
        var snapshot: Snapshot
        switch kind {
        case .sqliteFile:
            snapshot = try await sqliteSnapshot(database, into: directory.appendingPathComponent(sqliteFile), logger: logger)
        case .postgres(let url, _):
            // The events still waiting for their place in the audit chain take it first (those written meanwhile are in
            // the dump's `audit_pending` and are chained after a restore).
            try await AuditLog.chainPending(on: database.db)
            snapshot = try await postgresSnapshot(database, url: url, into: directory.appendingPathComponent(postgresFile))
        }
        // After the database: every file a copied row names was written before its row committed (see `FileStore`).
        let uploadsSource = dataDirectory.appendingPathComponent(uploads)
        for path in BackupFiles.list(uploadsSource) {
            let source = uploadsSource.appendingPathComponent(path)
            guard FileManager.default.fileExists(atPath: source.path) else { continue }
            try BackupFiles.copy(source, to: directory.appendingPathComponent(uploads).appendingPathComponent(path))
        }
        var files: [String: BackupManifest.File] = [:]
        for path in BackupFiles.list(directory) where path != BackupManifest.fileName {
            files[path] = try BackupFiles.sha256(of: directory.appendingPathComponent(path))
        }
        var keyNames: [String] = []
        if let passphrase {
            let sealed = try SealedKeys.seal(keyFiles, passphrase: passphrase, binding: SealedKeys.binding(files))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let file = directory.appendingPathComponent(SealedKeys.fileName)
            try BackupFiles.writeDurably(try encoder.encode(sealed), to: file)
            files[SealedKeys.fileName] = try BackupFiles.sha256(of: file)
            keyNames = keyFiles.keys.sorted()
        }
        let environment = ProcessInfo.processInfo.environment
        snapshot.manifest.guichet = .init(version: environment["GUICHET_VERSION"], commit: environment["GUICHET_COMMIT"])
        snapshot.manifest.keys = keyNames
        snapshot.manifest.files = files
        try snapshot.manifest.write(to: directory)
        return snapshot.manifest
    }

    struct Snapshot {
        var manifest: BackupManifest
    }

    static func readKeys(_ dataDirectory: URL) throws -> [String: Data] {
        let directory = dataDirectory.appendingPathComponent("keys")
        var files: [String: Data] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [] where SealedKeys.isKeyFileName(name) {
            var isDirectory: ObjCBool = false
            let url = directory.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            files[name] = try Data(contentsOf: url)
        }
        return files
    }

    static func manifest(_ inventory: DatabaseInventory, kind: String, schema: String?) async throws -> BackupManifest {
        BackupManifest(
            createdAt: AuditLog.timestamp(), guichet: .init(), database: kind, postgresSchema: schema,
            migrations: try await inventory.migrations(), rowCounts: try await inventory.rowCounts(), audit: try await inventory.auditChain(),
            keys: [], files: [:])
    }

    /// `VACUUM INTO` writes a consistent copy while other connections go on writing; the manifest's figures are read
    /// from that copy, so they are the copy's own.
    static func sqliteSnapshot(_ database: DatabaseService, into file: URL, logger: Logger) async throws -> Snapshot {
        try await database.sql.raw("VACUUM INTO \(bind: file.path)").run()
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        let copy = try await DatabaseService(.sqliteFile(path: file.path), logger: logger)
        do {
            let manifest = try await manifest(DatabaseInventory(copy.db, dialect: .sqlite), kind: "sqlite", schema: nil)
            await copy.shutdown()
            // Only read, the copy's write-ahead log is empty: its -wal and -shm (if closing left them) are not part of it.
            for suffix in ["-wal", "-shm"] {
                let extra = file.path + suffix
                let attributes = try? FileManager.default.attributesOfItem(atPath: extra)
                if suffix == "-wal", let size = attributes?[.size] as? NSNumber, size.int64Value > 0 {
                    throw BackupError.failed("the copy's write-ahead log \(extra) is not empty")
                }
                try? FileManager.default.removeItem(atPath: extra)
            }
            return Snapshot(manifest: manifest)
        } catch {
            await copy.shutdown()
            throw error
        }
    }

    /// `pg_dump` reads the snapshot exported by a repeatable-read transaction that stays open while it runs, and the
    /// manifest's figures are read in that transaction: both see the same database, whatever the server writes meanwhile.
    static func postgresSnapshot(_ database: DatabaseService, url: String, into file: URL) async throws -> Snapshot {
        let pgDump = try PostgresTools.locate("pg_dump")
        let clientMajor = try await PostgresTools.majorVersion(of: pgDump)
        let serverVersion = try await database.sql.raw("SHOW server_version_num").first(decodingColumn: "server_version_num", as: String.self)
        let serverMajor = (serverVersion.flatMap { Int($0) } ?? 0) / 10_000
        guard serverMajor <= clientMajor else {
            throw BackupError.refused(
                "pg_dump \(clientMajor) cannot dump a PostgreSQL \(serverMajor) server: install postgresql-client-\(serverMajor) and put it first on PATH"
            )
        }
        let connection = try PostgresTools.connection(url)
        return try await database.db.transaction { transaction in
            let sql = transaction.sql
            try await sql.raw("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").run()
            guard let schema = try await sql.raw("SELECT current_schema() AS s").first(decodingColumn: "s", as: String?.self) ?? nil,
                let exported = try await sql.raw("SELECT pg_export_snapshot() AS s").first(decodingColumn: "s", as: String.self)
            else { throw BackupError.failed("PostgreSQL gave no current schema or snapshot") }
            let result = try await PostgresTools.run(
                pgDump,
                [
                    "--format=custom", "--file=\(file.path)", "--schema=\"\(schema)\"", "--snapshot=\(exported)", "--no-password",
                    "--dbname=\(connection.url)",
                ], environment: connection.environment)
            guard result.status == 0 else { throw BackupError.failed("pg_dump: \(result.errors)") }
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
            return Snapshot(manifest: try await manifest(DatabaseInventory(transaction, dialect: .postgres), kind: "postgres", schema: schema))
        }
    }
}

// SPDX-License-Identifier: MPL-2.0
import Applications
import Audit
import Crypto
import Foundation
import GuichetApp
import GuichetCore
import GuichetTesting
import Logging
import SQLKit
import Testing

/// `guichet backup` and `guichet restore` (and `migrate-data`) on the demo: every table row by row, the audit chain,
/// the uploads and the keys byte for byte. On SQLite, and on PostgreSQL when `DATABASE_URL` names one.
@Suite struct BackupTests {
    static let passphrase = "a long enough passphrase"

    /// What a database and its data folder held, to compare with another.
    struct Contents: Sendable {
        var tables: [String: [[StoredValue]]]
        var audit: BackupManifest.AuditChain
        var uploads: [String: Data]
        var keys: [String: Data]
    }

    @Sendable static func demo(_ configuration: inout AppConfiguration) {
        configuration.demo = true
    }

    static func temporary(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("guichet-\(name)-\(UUID().uuidString)")
    }

    static func files(under root: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        guard let enumerator = FileManager.default.enumerator(atPath: root.path) else { return files }
        while let path = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let url = root.appendingPathComponent(path)
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[path] = try Data(contentsOf: url)
            }
        }
        return files
    }

    static func contents(of database: DatabaseService, dataDirectory: URL) async throws -> Contents {
        let inventory = DatabaseInventory(database.db, dialect: database.dialect)
        var tables: [String: [[StoredValue]]] = [:]
        for table in try await inventory.tables() { tables[table] = try await inventory.rows(of: table) }
        return Contents(
            tables: tables, audit: try await inventory.auditChain(), uploads: try files(under: dataDirectory.appendingPathComponent("uploads")),
            keys: try files(under: dataDirectory.appendingPathComponent("keys")))
    }

    /// An uploaded file as the applications store it, so that the backup has one to carry.
    static func storeUpload(dataDirectory: String) throws {
        let bytes = (0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let sha = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        try FileStore(dataDirectory: dataDirectory).store(bytes, sha256: sha)
    }

    /// The demo backed up, its database gone (file deleted, schema dropped), restored onto an empty database of the
    /// same kind and name: every table, the audit chain, the uploads and the keys come back identical.
    @Test func demoRoundTripsThroughBackupAndRestore() async throws {
        let backup = Self.temporary("backup")
        let restoredData = Self.temporary("restored-data")
        defer {
            try? FileManager.default.removeItem(at: backup)
            try? FileManager.default.removeItem(at: restoredData)
        }
        let (kind, before, manifest) = try await TestApp.withComponents(configure: Self.demo) { components in
            try Self.storeUpload(dataDirectory: components.configuration.dataDirectory)
            let data = URL(fileURLWithPath: components.configuration.dataDirectory)
            let manifest = try await Backup.create(
                database: components.database, kind: components.configuration.database, into: backup, dataDirectory: data,
                passphrase: Self.passphrase, withoutKeys: false, logger: TestApp.logger)
            return (components.configuration.database, try await Self.contents(of: components.database, dataDirectory: data), manifest)
        }
        #expect(before.audit.events > 100)
        #expect(before.audit.verification == "intact")
        #expect(before.uploads.count >= 2)
        #expect(before.keys.keys.sorted() == ["pin.key", "signing.key", "site.key"])
        #expect(manifest.audit == before.audit)
        #expect(manifest.keys == ["pin.key", "signing.key", "site.key"])
        #expect(manifest.files.keys.contains(SealedKeys.fileName))
        // The keys are in the backup only sealed: no key file's bytes appear in it.
        for (name, data) in try Self.files(under: backup) where name != BackupManifest.fileName {
            for key in before.keys.values { #expect(data.range(of: key) == nil) }
        }

        // The target: a new SQLite file, or the same (now dropped) PostgreSQL schema.
        let target: AppConfiguration.DatabaseKind
        var sqlitePath: String?
        switch kind {
        case .sqliteFile:
            let path = Self.temporary("restored").path + ".sqlite"
            sqlitePath = path
            target = .sqliteFile(path: path)
        case .postgres:
            target = kind
        }
        defer {
            if let sqlitePath { for extra in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: sqlitePath + extra) } }
        }
        let report = try await Backup.restore(
            from: backup, into: target, dataDirectory: restoredData, passphrase: Self.passphrase, logger: TestApp.logger)
        #expect(report.auditEvents == before.audit.events)
        #expect(report.keys == 3)
        #expect(report.uploads == before.uploads.count)

        let restored = try await DatabaseService(target, logger: TestApp.logger, dropSchemaOnShutdown: true)
        do {
            let after = try await Self.contents(of: restored, dataDirectory: restoredData)
            #expect(after.tables.keys.sorted() == before.tables.keys.sorted())
            for (table, rows) in before.tables.sorted(by: { $0.key < $1.key }) {
                let restoredRows = after.tables[table] ?? []
                #expect(restoredRows.count == rows.count, "\(table)")
                #expect(restoredRows == rows, "\(table) differs after the restore")
            }
            #expect(after.tables.values.map(\.count).reduce(0, +) > 1000)
            #expect(after.audit == before.audit)
            #expect(try await AuditLog.verify(on: restored.db) == .intact(events: before.audit.events))
            #expect(after.uploads == before.uploads)
            #expect(after.keys == before.keys)

            // A second restore onto the now full database is refused, and changes nothing.
            await #expect(throws: BackupError.self) {
                try await Backup.restore(
                    from: backup, into: target, dataDirectory: Self.temporary("other-data"), passphrase: Self.passphrase,
                    logger: TestApp.logger)
            }
            #expect(try await DatabaseInventory(restored.db, dialect: restored.dialect).rowCounts() == manifest.rowCounts)
        } catch {
            await restored.shutdown()
            throw error
        }
        await restored.shutdown()
    }

    /// What is refused, each time before anything is written.
    @Test func backupsAndRestoresRefuseWhatTheyMust() async throws {
        let backup = Self.temporary("backup")
        let emptyData = Self.temporary("data")
        defer {
            try? FileManager.default.removeItem(at: backup)
            try? FileManager.default.removeItem(at: emptyData)
        }
        let kind = try await TestApp.withComponents(seed: .demo) { components in
            try Self.storeUpload(dataDirectory: components.configuration.dataDirectory)
            let data = URL(fileURLWithPath: components.configuration.dataDirectory)
            func backUp(_ directory: URL, passphrase: String?, withoutKeys: Bool = false) async throws {
                try await Backup.create(
                    database: components.database, kind: components.configuration.database, into: directory, dataDirectory: data,
                    passphrase: passphrase, withoutKeys: withoutKeys, logger: TestApp.logger)
            }
            // No passphrase, or a short one: refused, and the folder is not even made.
            let refused = Self.temporary("refused")
            await #expect(throws: BackupError.self) { try await backUp(refused, passphrase: nil) }
            await #expect(throws: BackupError.self) { try await backUp(refused, passphrase: "short") }
            #expect(!FileManager.default.fileExists(atPath: refused.path))
            // Without keys only when asked; the backup then holds no key at all.
            let withoutKeys = Self.temporary("without-keys")
            defer { try? FileManager.default.removeItem(at: withoutKeys) }
            try await backUp(withoutKeys, passphrase: nil, withoutKeys: true)
            let keyless = try BackupManifest.read(from: withoutKeys)
            #expect(keyless.keys.isEmpty)
            #expect(!keyless.files.keys.contains(SealedKeys.fileName))
            // A folder that is not empty is refused.
            await #expect(throws: BackupError.self) { try await backUp(withoutKeys, passphrase: Self.passphrase) }
            try await backUp(backup, passphrase: Self.passphrase)
            return components.configuration.database
        }
        // Every restore below is refused before its target is touched: a new SQLite path, or a new PostgreSQL schema.
        func target() -> AppConfiguration.DatabaseKind {
            switch kind {
            case .sqliteFile: return .sqliteFile(path: Self.temporary("never").path + ".sqlite")
            case .postgres(let url, _): return .postgres(url: url, schema: "test_never_\(UUID().uuidString.prefix(8).lowercased())")
            }
        }
        func restore(_ directory: URL, passphrase: String?, into kind: AppConfiguration.DatabaseKind) async throws {
            try await Backup.restore(from: directory, into: kind, dataDirectory: emptyData, passphrase: passphrase, logger: TestApp.logger)
        }
        func refusal(_ directory: URL, passphrase: String?) async -> String {
            let kind = target()
            var message = ""
            do {
                try await restore(directory, passphrase: passphrase, into: kind)
            } catch {
                message = "\(error)"
            }
            if case .sqliteFile(let path) = kind { #expect(!FileManager.default.fileExists(atPath: path)) }
            #expect(!FileManager.default.fileExists(atPath: emptyData.appendingPathComponent("keys").path))
            return message
        }
        #expect(await refusal(backup, passphrase: "not the right passphrase").contains("does not open the backup's keys"))
        #expect(await refusal(backup, passphrase: nil).contains(SealedKeys.passphraseVariable))

        // A file changed after the backup: the database, an upload, the sealed keys, or the manifest gone.
        let manifest = try BackupManifest.read(from: backup)
        let database = manifest.database == "sqlite" ? Backup.sqliteFile : Backup.postgresFile
        let upload = try #require(manifest.files.keys.first { $0.hasPrefix("uploads/") })
        for path in [database, upload, SealedKeys.fileName] {
            let copy = Self.temporary("tampered")
            defer { try? FileManager.default.removeItem(at: copy) }
            try FileManager.default.copyItem(at: backup, to: copy)
            let file = copy.appendingPathComponent(path)
            var bytes = try Data(contentsOf: file)
            let middle = bytes.count / 2
            bytes[middle] ^= 0x01
            try bytes.write(to: file)
            #expect(await refusal(copy, passphrase: Self.passphrase).contains("\(path) does not match its SHA-256"))
        }
        // The same change with the manifest's line rewritten to match: the sealed keys, bound to every file, catch it.
        let forged = Self.temporary("forged")
        defer { try? FileManager.default.removeItem(at: forged) }
        try FileManager.default.copyItem(at: backup, to: forged)
        try Data("another file".utf8).write(to: forged.appendingPathComponent(upload))
        var rewritten = manifest
        rewritten.files[upload] = .init(sha256: SHA256.hash(data: Data("another file".utf8)).map { String(format: "%02x", $0) }.joined(), bytes: 12)
        let encoder = JSONEncoder()
        try encoder.encode(rewritten).write(to: forged.appendingPathComponent(BackupManifest.fileName))
        #expect(await refusal(forged, passphrase: Self.passphrase).contains("does not open the backup's keys"))

        let unfinished = Self.temporary("unfinished")
        defer { try? FileManager.default.removeItem(at: unfinished) }
        try FileManager.default.copyItem(at: backup, to: unfinished)
        try FileManager.default.removeItem(at: unfinished.appendingPathComponent(BackupManifest.fileName))
        #expect(await refusal(unfinished, passphrase: Self.passphrase).contains("not a finished Guichet backup"))

        // A SQLite target that already holds data.
        if case .sqliteFile = kind {
            let full = Self.temporary("full").path + ".sqlite"
            defer { try? FileManager.default.removeItem(atPath: full) }
            try Data("SQLite format 3".utf8).write(to: URL(fileURLWithPath: full))
            await #expect(throws: BackupError.self) { try await restore(backup, passphrase: Self.passphrase, into: .sqliteFile(path: full)) }
            #expect(try Data(contentsOf: URL(fileURLWithPath: full)) == Data("SQLite format 3".utf8))
        }
    }

    /// `guichet migrate-data`: the SQLite demo copied into an empty PostgreSQL schema, every table compared row by
    /// row (SQLite's 0 and 1 read as PostgreSQL's booleans), the audit chain the same, the search index rebuilt.
    @Test(.enabled(if: TestApp.isPostgres)) func sqliteDemoMovesToPostgres() async throws {
        let url = try #require(ProcessInfo.processInfo.environment["DATABASE_URL"])
        let path = Self.temporary("source").path + ".sqlite"
        let data = Self.temporary("source-data")
        defer {
            for extra in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + extra) }
            try? FileManager.default.removeItem(at: data)
        }
        var configuration = AppConfiguration(database: .sqliteFile(path: path), demo: true)
        configuration.dataDirectory = data.path
        configuration.bcryptCost = 4
        configuration.channels.worker = false
        configuration.payments.worker = false
        let source = try await GuichetApplication.prepare(configuration: configuration, logger: TestApp.logger).database
        let schema = "test_migrate_\(UUID().uuidString.prefix(8).lowercased())"
        let target: DatabaseService
        do {
            target = try await DatabaseService(.postgres(url: url, schema: schema), logger: TestApp.logger, dropSchemaOnShutdown: true)
        } catch {
            await source.shutdown()
            throw error
        }
        do {
            let report = try await DataMigration.copy(from: source, to: target, logger: TestApp.logger)
            let from = DatabaseInventory(source.db, dialect: .sqlite)
            let to = DatabaseInventory(target.db, dialect: .postgres)
            #expect(report.tables.count > 20)
            for table in try await to.tables() where table != "_fluent_migrations" && table != "procedure_search" {
                let columns = try await to.columns(of: table)
                let expected = try await from.rows(of: table, columns: columns)
                    .map { row in zip(row, columns).map { $0.normalized(to: $1.kind) } }.sorted { $0.lexicographicallyPrecedes($1) }
                let copied = try await to.rows(of: table, columns: columns)
                #expect(copied.count == expected.count, "\(table)")
                #expect(copied == expected, "\(table) differs in PostgreSQL")
            }
            #expect(Set(try await to.migrations()) == Set(try await from.migrations()))
            #expect(try await to.auditChain() == from.auditChain())
            #expect(try await AuditLog.verify(on: target.db) == .intact(events: report.auditEvents))
            #expect(try await to.count("procedure_search") == from.count("procedures"))
            // Identity columns go on after the copied ids.
            struct Serial: Decodable {
                let table: String
                let column: String
            }
            let serials = try await target.sql.raw(
                """
                SELECT table_name AS "table", column_name AS "column" FROM information_schema.columns \
                WHERE table_schema = current_schema() AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')
                """
            ).all(decoding: Serial.self)
            #expect(!serials.isEmpty)
            for serial in serials {
                let largest =
                    try await target.sql.raw("SELECT COALESCE(MAX(\(ident: serial.column)), 0) AS n FROM \(ident: serial.table)")
                    .first(decodingColumn: "n", as: Int.self) ?? 0
                let next =
                    try await target.sql.raw(
                        "SELECT nextval(pg_get_serial_sequence(\(bind: schema + "." + serial.table), \(bind: serial.column))) AS n"
                    ).first(decodingColumn: "n", as: Int.self) ?? 0
                #expect(next > largest, "\(serial.table).\(serial.column)")
            }
            // A second copy onto the now full database is refused.
            await #expect(throws: BackupError.self) { try await DataMigration.copy(from: source, to: target, logger: TestApp.logger) }
        } catch {
            await source.shutdown()
            await target.shutdown()
            throw error
        }
        await source.shutdown()
        await target.shutdown()
    }
}

// SPDX-License-Identifier: MPL-2.0
import ArgumentParser
import Foundation
import GuichetApp
import GuichetCore

/// A refusal or failure of a backup command, told on standard error in one line.
func reportingBackupErrors<T>(_ command: String, _ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as BackupError {
        FileHandle.standardError.write(Data("guichet \(command): \(error)\n".utf8))
        throw ExitCode(1)
    }
}

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back up the database, the uploads and the keys into a new folder, while the server runs.",
        discussion: """
            The keys are sealed with the passphrase in GUICHET_BACKUP_PASSPHRASE (at least 12 characters); without it the \
            backup is refused, unless --without-keys leaves them out. PostgreSQL is dumped with pg_dump (from PATH).
            """)

    @Argument(help: "A new or empty folder.") var directory: String
    @Flag(help: "Leave the keys out (the backup then cannot verify issued documents or recompute PINs).") var withoutKeys = false
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var data: KeysCommand.DataOptions

    func run() async throws {
        let kind = database.kind()
        let logger = makeLogger()
        let manifest = try await reportingBackupErrors("backup") {
            if case .sqliteFile(let path) = kind, !FileManager.default.fileExists(atPath: path) {
                throw BackupError.refused("\(path) does not exist: set GUICHET_SQLITE_PATH or --sqlite to the server's database")
            }
            let service = try await DatabaseService(kind, logger: logger)
            do {
                let manifest = try await Backup.create(
                    database: service, kind: kind, into: URL(fileURLWithPath: directory), dataDirectory: URL(fileURLWithPath: data.directory),
                    passphrase: ProcessInfo.processInfo.environment[SealedKeys.passphraseVariable], withoutKeys: withoutKeys, logger: logger)
                await service.shutdown()
                return manifest
            } catch {
                await service.shutdown()
                throw error
            }
        }
        let rows = manifest.rowCounts.values.reduce(0, +)
        let uploads = manifest.files.keys.filter { $0.hasPrefix("uploads/") }.count
        print(
            "backup written to \(directory): \(manifest.database), \(manifest.rowCounts.count) tables, \(rows) rows, "
                + "audit chain \(manifest.audit.events) events (\(manifest.audit.verification)), \(uploads) uploads, "
                + (manifest.keys.isEmpty ? "keys left out" : "\(manifest.keys.count) keys sealed"))
    }
}

struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup onto an empty database and into the data folder (server stopped).",
        discussion: """
            Every file is checked against the manifest's SHA-256 and the keys are opened with GUICHET_BACKUP_PASSPHRASE \
            before anything is written; a database that is not empty is refused. Afterwards the row counts, the migrations \
            and the audit chain are compared with the manifest's.
            """)

    @Argument(help: "A folder written by `guichet backup`.") var directory: String
    @Flag(help: "Restore everything but the keys (when the passphrase is lost: documents signed before no longer verify).")
    var withoutKeys = false
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var data: KeysCommand.DataOptions

    func run() async throws {
        let report = try await reportingBackupErrors("restore") {
            try await Backup.restore(
                from: URL(fileURLWithPath: directory), into: database.kind(), dataDirectory: URL(fileURLWithPath: data.directory),
                passphrase: ProcessInfo.processInfo.environment[SealedKeys.passphraseVariable], withoutKeys: withoutKeys, logger: makeLogger())
        }
        print(
            "restored: \(report.tables) tables, \(report.rows) rows, audit chain \(report.auditEvents) events intact as backed up, "
                + "\(report.uploads) uploads, \(report.keys) keys")
    }
}

struct MigrateDataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-data",
        abstract: "Copy the SQLite database into an empty PostgreSQL database (server stopped).",
        discussion: """
            The PostgreSQL database is migrated, then every table is copied in one transaction; row counts and the audit \
            chain are compared at the end. The data folder (uploads, keys) stays as it is: point the new server at it.
            """)

    @Option(help: "The PostgreSQL database to fill, postgres://user:password@host:port/name?sslmode=…") var to: String
    @Option(help: "SQLite file to copy (default: GUICHET_SQLITE_PATH or ./guichet.sqlite).") var sqlite: String?

    func run() async throws {
        guard to.hasPrefix("postgres://") || to.hasPrefix("postgresql://") else { throw ValidationError("--to takes a postgres:// URL") }
        let path = sqlite ?? ProcessInfo.processInfo.environment["GUICHET_SQLITE_PATH"] ?? "guichet.sqlite"
        let logger = makeLogger()
        let report = try await reportingBackupErrors("migrate-data") {
            guard FileManager.default.fileExists(atPath: path) else {
                throw BackupError.refused("\(path) does not exist: set GUICHET_SQLITE_PATH or --sqlite to the database to copy")
            }
            let source = try await DatabaseService(.sqliteFile(path: path), logger: logger)
            let target: DatabaseService
            do {
                target = try await DatabaseService(.postgres(url: to, schema: nil), logger: logger)
            } catch {
                await source.shutdown()
                throw error
            }
            do {
                let report = try await DataMigration.copy(from: source, to: target, logger: logger)
                await source.shutdown()
                await target.shutdown()
                return report
            } catch {
                await source.shutdown()
                await target.shutdown()
                throw error
            }
        }
        print(
            "copied \(report.tables.count) tables, \(report.tables.values.reduce(0, +)) rows; audit chain \(report.auditEvents) events, "
                + "head \(report.auditHead), the same as SQLite's; set DATABASE_URL to the new database and start the server")
    }
}

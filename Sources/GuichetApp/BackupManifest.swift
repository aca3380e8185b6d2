// SPDX-License-Identifier: MPL-2.0
import Crypto
import Foundation
import GuichetCore

/// `manifest.json`, written last into a backup folder: a folder without it is an unfinished backup. It names every
/// other file of the folder with its SHA-256, and what the database held when it was copied, so that a restore
/// checks the files before writing anything and the restored database after.
package struct BackupManifest: Codable, Sendable, Equatable {
    package static let fileName = "manifest.json"
    package static let currentFormat = "guichet-backup/1"

    package struct Software: Codable, Sendable, Equatable {
        /// `GUICHET_VERSION` and `GUICHET_COMMIT` of the process that made the backup, when the deployment sets them.
        package var version: String?
        package var commit: String?
    }

    package struct AuditChain: Codable, Sendable, Equatable {
        package var events: Int
        package var lastSeq: Int
        package var headHash: String
        /// `intact`, or where and why `AuditLog.verify` found the chain broken when the backup was made.
        package var verification: String
    }

    package struct File: Codable, Sendable, Equatable {
        package var sha256: String
        package var bytes: Int

        package init(sha256: String, bytes: Int) {
            self.sha256 = sha256
            self.bytes = bytes
        }
    }

    package var format: String = currentFormat
    package var createdAt: String
    package var guichet: Software
    /// `sqlite` or `postgres`.
    package var database: String
    /// PostgreSQL: the schema the dump holds (a restore puts it back under the same name).
    package var postgresSchema: String?
    package var migrations: [String]
    package var rowCounts: [String: Int]
    package var audit: AuditChain
    /// The key files (`keys/…` of the data folder) sealed in `keys.sealed`; empty with `--without-keys`.
    package var keys: [String]
    /// Every file of the folder but this one, by path relative to the folder.
    package var files: [String: File]

    package static func read(from directory: URL) throws -> BackupManifest {
        let url = directory.appendingPathComponent(fileName)
        guard let data = try? Data(contentsOf: url) else {
            throw BackupError.refused("\(url.path) is missing: this folder is not a finished Guichet backup")
        }
        let manifest: BackupManifest
        do {
            manifest = try JSONDecoder().decode(BackupManifest.self, from: data)
        } catch {
            throw BackupError.refused("\(url.path) cannot be read as a Guichet backup manifest (\(error))")
        }
        guard manifest.format == currentFormat else {
            throw BackupError.refused("\(url.path) is in format \(manifest.format); this Guichet reads \(currentFormat)")
        }
        return manifest
    }

    func write(to directory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let temporary = directory.appendingPathComponent(".\(Self.fileName).tmp")
        try BackupFiles.writeDurably(try encoder.encode(self), to: temporary)
        guard rename(temporary.path, directory.appendingPathComponent(Self.fileName).path) == 0 else {
            throw BackupError.failed("could not write \(Self.fileName) in \(directory.path)")
        }
    }
}

package enum BackupError: Error, CustomStringConvertible, Equatable {
    /// Nothing was written: the backup, the target or the passphrase is not what it must be.
    case refused(String)
    /// Something went wrong on the way.
    case failed(String)

    package var description: String {
        switch self {
        case .refused(let reason): return "refused: \(reason)"
        case .failed(let reason): return "failed: \(reason)"
        }
    }
}

/// Files of a backup folder: listing, hashing and copying them.
enum BackupFiles {
    /// Regular files under `root`, by path relative to it, sorted; names starting with `.` (temporary files) left out.
    static func list(_ root: URL) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: root.path) else { return [] }
        var files: [String] = []
        while let path = enumerator.nextObject() as? String {
            let name = (path as NSString).lastPathComponent
            guard !name.hasPrefix(".") else { continue }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(path)
            }
        }
        return files.sorted()
    }

    static func sha256(of url: URL) throws -> BackupManifest.File {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        var bytes = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            bytes += chunk.count
        }
        return BackupManifest.File(sha256: hasher.finalize().hexLowercase, bytes: bytes)
    }

    /// Written to its final name only once it is on the disk.
    static func writeDurably(_ data: Data, to url: URL, permissions: Int = 0o600) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: data, attributes: [.posixPermissions: permissions]) else {
            throw BackupError.failed("could not write \(url.path)")
        }
        let handle = try FileHandle(forWritingTo: url)
        try handle.synchronize()
        try handle.close()
    }

    /// Copies `source` to `target` through a temporary name in the target's folder, so that a half-copied file never
    /// carries the final name.
    static func copy(_ source: URL, to target: URL, permissions: Int = 0o600) throws {
        try FileManager.default.createDirectory(
            at: target.deletingLastPathComponent(), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = target.deletingLastPathComponent().appendingPathComponent(".\(UUID().uuidString)")
        do {
            try FileManager.default.copyItem(at: source, to: temporary)
            try FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: temporary.path)
            let handle = try FileHandle(forWritingTo: temporary)
            try handle.synchronize()
            try handle.close()
            guard rename(temporary.path, target.path) == 0 else { throw BackupError.failed("could not rename to \(target.path)") }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    /// A folder that does not exist yet (it is made, mode 0700) or is empty.
    static func prepareEmptyDirectory(_ url: URL) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw BackupError.refused("\(url.path) is a file, not a folder") }
            let contents = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
            guard contents.isEmpty else {
                throw BackupError.refused("\(url.path) is not empty: give a new folder for each backup (for example one per date)")
            }
        } else {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
    }
}

// SPDX-License-Identifier: MPL-2.0
import Foundation

/// Uploaded files, outside every served folder: `<data>/uploads/ab/<sha256>`. Content-addressed, so storing the same
/// file twice writes it once, and a file is written (to a temporary name, then renamed) before the database row that
/// names it commits: a crash leaves at worst an unreferenced file, never a row without its file.
package struct FileStore: Sendable {
    let root: URL

    package init(dataDirectory: String) {
        root = URL(fileURLWithPath: dataDirectory).appendingPathComponent("uploads")
    }

    func url(_ sha256: String) -> URL {
        root.appendingPathComponent(String(sha256.prefix(2))).appendingPathComponent(sha256)
    }

    package func store(_ bytes: [UInt8], sha256: String) throws {
        let target = url(sha256)
        if FileManager.default.fileExists(atPath: target.path) {
            // Written again now: a prune of staged documents leaves a file alone while an upload of it may be under way.
            try? FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: target.path)
            return
        }
        try FileManager.default.createDirectory(
            at: target.deletingLastPathComponent(), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = target.deletingLastPathComponent().appendingPathComponent(".\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: temporary.path, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown)
        }
        let handle = try FileHandle(forWritingTo: temporary)
        try handle.synchronize()
        try handle.close()
        if rename(temporary.path, target.path) != 0 {
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown)
        }
    }

    /// Removes a stored file that nothing names any more, unless it was written within `grace` seconds.
    func remove(_ sha256: String, unlessWrittenWithin grace: TimeInterval) {
        guard sha256.count == 64, sha256.allSatisfy(\.isHexDigit) else { return }
        let target = url(sha256)
        guard let written = (try? FileManager.default.attributesOfItem(atPath: target.path))?[.modificationDate] as? Date,
            Date().timeIntervalSince(written) > grace
        else { return }
        try? FileManager.default.removeItem(at: target)
    }

    package func read(_ sha256: String) throws -> Data {
        guard sha256.count == 64, sha256.allSatisfy(\.isHexDigit) else { throw CocoaError(.fileReadInvalidFileName) }
        return try Data(contentsOf: url(sha256))
    }
}

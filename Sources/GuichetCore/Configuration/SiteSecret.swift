// SPDX-License-Identifier: MPL-2.0
import Crypto
import Foundation

/// The key that binds visitors' CSRF tokens to this site (`<data>/keys/site.key`, mode 0600, created on first start).
/// Several processes serving one site share the data directory's keys, as they share the PIN and signing keys.
package enum SiteSecret {
    package static func load(dataDirectory: String) throws -> SymmetricKey {
        let directory = URL(fileURLWithPath: dataDirectory).appendingPathComponent("keys")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let file = directory.appendingPathComponent("site.key")
        if let text = try? String(contentsOf: file, encoding: .utf8),
            let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)),
            data.count >= 32
        {
            return SymmetricKey(data: data)
        }
        let data = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        let kept = try KeyFiles.createOnce(at: file, contents: Data((data.base64EncodedString() + "\n").utf8))
        guard let text = String(data: kept, encoding: .utf8),
            let stored = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), stored.count >= 32
        else { throw CocoaError(.fileReadCorruptFile) }
        return SymmetricKey(data: stored)
    }
}

/// Key files made at first start. Several processes may start together on an empty data folder: each writes its key
/// under a name of its own, then links it to the key's name, which succeeds for one of them only; the others read the
/// one that won, so every process keeps the same key.
package enum KeyFiles {
    /// The file's contents: `contents` when this call made it, otherwise what another process made first.
    package static func createOnce(at file: URL, contents: Data) throws -> Data {
        let temporary = file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: temporary.path, contents: contents, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown)
        }
        defer { unlink(temporary.path) }
        if link(temporary.path, file.path) == 0 { return contents }
        guard errno == EEXIST else { throw CocoaError(.fileWriteUnknown) }
        return try Data(contentsOf: file)
    }
}

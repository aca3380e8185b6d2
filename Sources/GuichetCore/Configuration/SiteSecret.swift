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
        let temporary = file.appendingPathExtension("new")
        guard
            FileManager.default.createFile(
                atPath: temporary.path, contents: Data((data.base64EncodedString() + "\n").utf8), attributes: [.posixPermissions: 0o600]),
            Foundation.rename(temporary.path, file.path) == 0
        else { throw CocoaError(.fileWriteUnknown) }
        return SymmetricKey(data: data)
    }
}

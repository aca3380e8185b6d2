// SPDX-License-Identifier: MPL-2.0
import Audit
import Crypto
import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// The secrets of the applications feature, kept in files outside the database (`<data>/keys`, mode 0600):
/// the Ed25519 key that signs issued documents, and the key from which each application's tracking PIN is derived.
/// A copy of the database alone therefore neither forges a document nor reveals a PIN.
/// Every signing key's public half is stored in `document_keys`, so documents signed before a rotation still verify.
package struct ApplicationKeys: Sendable {
    package let signingKey: Curve25519.Signing.PrivateKey
    package let keyId: String
    let pinKey: SymmetricKey

    /// The first 16 hex digits of the SHA-256 of the raw public key.
    package static func keyId(of publicKey: Curve25519.Signing.PublicKey) -> String {
        String(SHA256.hash(data: publicKey.rawRepresentation).hexLowercase.prefix(16))
    }

    static func keysDirectory(_ dataDirectory: String) -> URL {
        URL(fileURLWithPath: dataDirectory).appendingPathComponent("keys")
    }

    /// Loads the keys, creating them on first start, and records the signing key's public half.
    package static func load(dataDirectory: String, database: any Database) async throws -> ApplicationKeys {
        let directory = keysDirectory(dataDirectory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let pinBytes = try readOrCreate(directory.appendingPathComponent("pin.key")) { SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) } }
        let signingBytes = try readOrCreate(directory.appendingPathComponent("signing.key")) { Curve25519.Signing.PrivateKey().rawRepresentation }
        let signingKey = try Curve25519.Signing.PrivateKey(rawRepresentation: signingBytes)
        let keys = ApplicationKeys(signingKey: signingKey, keyId: keyId(of: signingKey.publicKey), pinKey: SymmetricKey(data: pinBytes))
        try await keys.publish(on: database)
        return keys
    }

    /// Replaces the signing key: the old public key stays (retired) so its documents still verify; its private half is deleted.
    package static func rotate(dataDirectory: String, database: any Database, actor: String) async throws -> (old: String, new: String) {
        let current = try await load(dataDirectory: dataDirectory, database: database)
        let file = keysDirectory(dataDirectory).appendingPathComponent("signing.key")
        let next = Curve25519.Signing.PrivateKey()
        let temporary = file.appendingPathExtension("new")
        try write(next.rawRepresentation, to: temporary)
        guard Foundation.rename(temporary.path, file.path) == 0 else { throw CocoaError(.fileWriteUnknown) }
        let keys = ApplicationKeys(signingKey: next, keyId: keyId(of: next.publicKey), pinKey: current.pinKey)
        try await database.transaction { database in
            try await database.sql.update("document_keys").set("retired_at", to: AuditLog.timestamp())
                .where("key_id", .equal, current.keyId).run()
            try await keys.publish(on: database)
            try await AuditLog.append(
                AuditEntry(
                    actor: actor, action: "document_key.rotated", entity: "document_key", entityId: keys.keyId, summary: "replaces \(current.keyId)"),
                on: database)
        }
        return (current.keyId, keys.keyId)
    }

    func publish(on database: any Database) async throws {
        let sql = database.sql
        let known = try await sql.select().column("key_id").from("document_keys").where("key_id", .equal, keyId).first()
        guard known == nil else { return }
        try await sql.insert(into: "document_keys").columns("key_id", "public_key", "created_at")
            .values(SQLBind(keyId), SQLBind(signingKey.publicKey.rawRepresentation.base64EncodedString()), SQLBind(AuditLog.timestamp())).run()
    }

    /// The tracking PIN of an application: 6 digits derived from its id with the PIN key (so a retry can show it again
    /// without storing it).
    package func pin(for applicationId: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(applicationId.utf8), using: pinKey)
        let number = mac.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return String(format: "%06d", Int(number % 1_000_000))
    }

    /// A short keyed digest of `text` (hex), for tokens the server checks without storing them.
    package func mac(_ text: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: pinKey).prefix(16).hexLowercase
    }

    /// A browser's draft-ownership token, stored only as this hash.
    package static func ownerHash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).hexLowercase
    }

    static func readOrCreate(_ file: URL, make: () -> Data) throws -> Data {
        if let text = try? String(contentsOf: file, encoding: .utf8),
            let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines))
        {
            return data
        }
        // Another process starting beside this one may make the same key: the first file wins, and both keep it.
        let kept = try KeyFiles.createOnce(at: file, contents: Data((make().base64EncodedString() + "\n").utf8))
        guard let text = String(data: kept, encoding: .utf8), let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines))
        else { throw KeyFileError(path: file.path) }
        return data
    }

    static func write(_ data: Data, to file: URL) throws {
        let contents = Data((data.base64EncodedString() + "\n").utf8)
        guard FileManager.default.createFile(atPath: file.path, contents: contents, attributes: [.posixPermissions: 0o600]) else {
            throw KeyFileError(path: file.path)
        }
    }
}

/// A key file that could not be written (a read-only or full data folder): the server must not start without its keys.
package struct KeyFileError: Error, CustomStringConvertible {
    package let path: String

    package var description: String { "Could not create the key file \(path): check that the data folder is writable." }
}

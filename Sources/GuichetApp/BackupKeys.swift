// SPDX-License-Identifier: MPL-2.0
import Crypto
import CryptoExtras
import Foundation

/// The data folder's keys (`keys/*.key`: document signing, tracking PINs, the site's secret) sealed into one file of
/// the backup, `keys.sealed`: AES-256-GCM under a key derived from a passphrase with scrypt, salt and parameters
/// stored beside. A backup never holds them in clear: whoever reads it can then neither forge a document nor
/// compute a PIN.
package struct SealedKeys: Codable, Sendable, Equatable {
    package static let fileName = "keys.sealed"
    package static let passphraseVariable = "GUICHET_BACKUP_PASSPHRASE"
    /// Shorter passphrases are refused: the sealed file may be read by anyone who gets the backup, at leisure.
    package static let minimumPassphraseLength = 12

    package struct Derivation: Codable, Sendable, Equatable {
        var name = "scrypt"
        /// scrypt's cost N (a power of two), block size r and parallelism p: 2^15, 8, 1 use 32 MiB and about 0.1 s.
        var n: Int
        var r: Int
        var p: Int
        var salt: String
    }

    var format = "guichet-keys/1"
    var derivation: Derivation
    var cipher = "AES-256-GCM"
    /// Nonce, ciphertext and tag, base64.
    var sealed: String

    package static func checkPassphrase(_ passphrase: String?) throws -> String {
        guard let passphrase, !passphrase.isEmpty else {
            throw BackupError.refused(
                "\(passphraseVariable) is not set: the keys are sealed with it and never copied in clear "
                    + "(set it, or pass --without-keys to leave the keys out of this backup)")
        }
        guard passphrase.count >= minimumPassphraseLength else {
            throw BackupError.refused("\(passphraseVariable) is shorter than \(minimumPassphraseLength) characters")
        }
        return passphrase
    }

    static func key(_ passphrase: String, _ derivation: Derivation) throws -> SymmetricKey {
        guard derivation.name == "scrypt", let salt = Data(base64Encoded: derivation.salt), (1...(1 << 20)).contains(derivation.n),
            (1...32).contains(derivation.r), (1...16).contains(derivation.p)
        else { throw BackupError.refused("\(fileName) names a key derivation this Guichet does not use") }
        return try KDF.Scrypt.deriveKey(
            from: Data(passphrase.utf8), salt: salt, outputByteCount: 32, rounds: derivation.n, blockSize: derivation.r,
            parallelism: derivation.p)
    }

    /// What the seal also authenticates: every other file of the backup with its SHA-256, so that whoever changes a file
    /// and its line in the manifest alike is still caught when the keys are opened.
    static func binding(_ files: [String: BackupManifest.File]) -> Data {
        Data(files.filter { $0.key != fileName }.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.sha256) \($0.value.bytes)\n" }.joined().utf8)
    }

    /// Seals the files (name → bytes) with the passphrase, bound to the backup's other files.
    package static func seal(_ files: [String: Data], passphrase: String, binding: Data) throws -> SealedKeys {
        let salt = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        let derivation = Derivation(n: 1 << 15, r: 8, p: 1, salt: salt.base64EncodedString())
        let plain = try JSONEncoder().encode(files.mapValues { $0.base64EncodedString() })
        let box = try AES.GCM.seal(plain, using: try key(passphrase, derivation), authenticating: binding)
        guard let combined = box.combined else { throw BackupError.failed("could not seal the keys") }
        return SealedKeys(derivation: derivation, sealed: combined.base64EncodedString())
    }

    /// The files, or a refusal when the passphrase is not the one they were sealed with (or the file was changed).
    package func open(passphrase: String, binding: Data) throws -> [String: Data] {
        guard let combined = Data(base64Encoded: sealed), format == "guichet-keys/1", cipher == "AES-256-GCM" else {
            throw BackupError.refused("\(Self.fileName) is not a sealed key file this Guichet reads")
        }
        let plain: Data
        do {
            plain = try AES.GCM.open(try AES.GCM.SealedBox(combined: combined), using: try Self.key(passphrase, derivation), authenticating: binding)
        } catch {
            throw BackupError.refused("\(Self.passphraseVariable) does not open the backup's keys: wrong passphrase, or the backup was changed")
        }
        let encoded = try JSONDecoder().decode([String: String].self, from: plain)
        var files: [String: Data] = [:]
        for (name, text) in encoded {
            guard let data = Data(base64Encoded: text), Self.isKeyFileName(name) else {
                throw BackupError.refused("\(Self.fileName) holds an entry this Guichet does not write: \(name)")
            }
            files[name] = data
        }
        return files
    }

    /// Only plain file names go into `keys/` (never a path that climbs out of it).
    static func isKeyFileName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_") }
    }
}

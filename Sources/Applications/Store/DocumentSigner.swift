// SPDX-License-Identifier: MPL-2.0
import Crypto
import Foundation
import SQLKit

/// Signing issued documents with the current key, and checking a stored one against the public key it names.
package enum DocumentSigner {
    /// Signs what is issued (a document, a payment receipt) in its canonical JSON: keys sorted, slashes unescaped.
    package static func sign(_ payload: some Encodable, with keys: ApplicationKeys) throws -> (payload: String, signature: String) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let text = String(decoding: try encoder.encode(payload), as: UTF8.self)
        let signature = try keys.signingKey.signature(for: Data(text.utf8))
        return (text, signature.base64EncodedString())
    }

    /// Checks a stored document against the public key it names.
    package static func verify(code: String, on sql: any SQLDatabase) async throws -> VerificationResult {
        try await verifyStored(code: code, on: sql).result
    }

    /// The verification, with the stored signed bytes and signature (nil for an unknown code), read in one go.
    package static func verifyStored(code: String, on sql: any SQLDatabase) async throws
        -> (result: VerificationResult, signed: (payload: String, signature: String)?)
    {
        let normalised = code.uppercased().filter { $0.isLetter || $0.isNumber }
        guard normalised.count == 12,
            let row = try await sql.select().columns("payload", "signature", "key_id", "revoked_at").from("issued_documents")
                .where("code", .equal, normalised).first()
        else { return (.unknown, nil) }
        let text = try row.decode(column: "payload", as: String.self)
        let keyId = try row.decode(column: "key_id", as: String.self)
        let signatureText = try row.decode(column: "signature", as: String.self)
        let signed = (payload: text, signature: signatureText)
        guard try await isSigned(text, signature: signatureText, keyId: keyId, on: sql),
            let payload = try? JSONDecoder().decode(DocumentPayload.self, from: Data(text.utf8)),
            payload.code == normalised, payload.keyId == keyId
        else { return (.invalid, signed) }
        if let revoked = try row.decode(column: "revoked_at", as: String?.self) { return (.revoked(payload, at: revoked), signed) }
        return (.valid(payload), signed)
    }

    /// Whether `signature` (base64) is the signature of `text` by the key `keyId`, current or retired: for whatever else
    /// Guichet signs with the documents' keys (payment receipts).
    package static func isSigned(_ text: String, signature: String, keyId: String, on sql: any SQLDatabase) async throws -> Bool {
        guard let signature = Data(base64Encoded: signature),
            let keyRow = try await sql.select().column("public_key").from("document_keys").where("key_id", .equal, keyId).first(),
            let raw = Data(base64Encoded: try keyRow.decode(column: "public_key", as: String.self)),
            let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
        else { return false }
        return publicKey.isValidSignature(signature, for: Data(text.utf8))
    }

    /// Every public key, current and retired, for verifying documents offline.
    package static func publicKeys(on sql: any SQLDatabase) async throws -> [[String: String?]] {
        try await sql.select().columns("key_id", "public_key", "created_at", "retired_at").from("document_keys").orderBy("created_at").all().map {
            row in
            [
                "keyId": try row.decode(column: "key_id", as: String.self), "algorithm": "Ed25519",
                "publicKey": try row.decode(column: "public_key", as: String.self),
                "createdAt": try row.decode(column: "created_at", as: String.self),
                "retiredAt": try row.decode(column: "retired_at", as: String?.self),
            ]
        }
    }
}

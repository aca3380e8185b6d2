// SPDX-License-Identifier: MPL-2.0
import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// The one rule for `Idempotency-Key` on the whole API: 16 to 128 visible ASCII characters (a UUID fits), scoped to the
/// caller — the API token's holder, or, for an anonymous caller, the hash of the request's meaning — so that two
/// anonymous clients choosing the same key never see each other's answer.
package struct IdempotencyKey: Sendable, Equatable {
    package static let header = HTTPField.Name.idempotencyKey
    package static let lengths = 16...128

    /// Who may replay it: `by:<actor>` or `anonymous:<request hash>`.
    package let scope: String
    /// The key as the client sent it.
    package let key: String

    /// What is stored in one column: `scope:key`.
    package var scoped: String { scope + ":" + key }

    /// The request's key, or nil when it sends none. A key of the wrong shape is a 400.
    /// `requestHash`: a digest of the request's meaning (its canonical body), used as the scope of anonymous callers.
    package static func from(_ request: Request, principal: Principal?, requestHash: String) throws -> IdempotencyKey? {
        guard let key = request.headers[header] else { return nil }
        guard lengths.contains(key.utf8.count), key.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) }) else {
            throw AppError(.badRequest, code: "idempotency_key", field: "Idempotency-Key")
        }
        let scope = principal.map { "by:\($0.actor)" } ?? "anonymous:\(requestHash)"
        return IdempotencyKey(scope: scope, key: key)
    }

    /// SHA-256 of some bytes, hex.
    package static func hash(_ data: some DataProtocol) -> String {
        SHA256.hash(data: data).hexLowercase
    }
}

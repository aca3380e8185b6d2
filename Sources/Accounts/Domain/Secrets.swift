// SPDX-License-Identifier: MPL-2.0
import Crypto
import Foundation
import GuichetCore
import HummingbirdBcrypt
import NIOPosix

/// Passwords and the digests kept instead of secrets.
package enum Secrets {
    /// bcrypt is slow on purpose: it runs on the thread pool, not on an event loop.
    static func hashPassword(_ password: String, cost: Int) async throws -> String {
        let cost = UInt8(clamping: cost)
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    static func verifyPassword(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// A password given to a person once (demo users, administrator resets): 16 characters from an unambiguous alphabet.
    package static func generatePassword() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<16).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).hexLowercase
    }

    /// The session's CSRF token, derived from its id (HMAC-SHA256): nothing secret is stored, and only the holder of
    /// the cookie can know it.
    static func csrfToken(sessionId: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("guichet-csrf".utf8), using: SymmetricKey(data: Data(sessionId.utf8)))
        return CSRFMiddleware.base64url(Data(mac))
    }
}

// SPDX-License-Identifier: MPL-2.0
import Audit
import FluentKit
import Foundation
import GuichetCore
import NIOConcurrencyHelpers

/// Checks an e-mail and password, counting every attempt per account and per address before bcrypt runs, so that
/// parallel guesses cannot pass the limit. Failures and blocked attempts are audited.
package struct SignInThrottle: Sendable {
    let database: any Database
    let settings: AccountSettings
    let limiter: AttemptLimiter

    /// A bcrypt hash of nothing in particular, at the configured cost: an unknown e-mail costs the same time as a wrong password.
    private static let decoys = NIOLockedValueBox([Int: String]())

    func decoyHash() async throws -> String {
        if let hash = Self.decoys.withLockedValue({ $0[settings.bcryptCost] }) { return hash }
        let hash = try await Secrets.hashPassword("decoy-password-never-used-\(UUID().uuidString)", cost: settings.bcryptCost)
        Self.decoys.withLockedValue { $0[settings.bcryptCost] = hash }
        return hash
    }

    package func signIn(email: String, password: String, address: String?, requestId: String?) async throws -> SignInResult {
        let email = AccountRules.normalisedEmail(email)
        let accountKey = "account:" + Secrets.sha256(email)
        let addressKey = address.map { "address:" + $0 }
        // Counted before bcrypt runs: of any number of attempts at once, at most `maxFailures` are checked.
        let rules = [accountKey, addressKey].compactMap { $0 }.map {
            AttemptLimiter.Rule(bucket: "signin-" + $0, limit: settings.maxFailures, window: settings.failureWindow)
        }
        guard let reservation = try await limiter.reserve(rules) else {
            _ = try await limiter.write { database in
                try await AuditLog.append(
                    AuditEntry(
                        actor: "anonymous", action: "auth.sign_in_blocked", entity: "session", summary: "too many failed sign-ins",
                        requestId: requestId, address: address), on: database)
            }
            return .tooManyAttempts
        }
        let row = try await UserRow.query(on: database).filter(\.$email == email).first()
        let storedHash: String
        if let row { storedHash = row.passwordHash } else { storedHash = try await decoyHash() }
        let matches = try await Secrets.verifyPassword(password, hash: storedHash)
        guard let row, matches, !row.disabled else {
            // The reserved attempt stays counted: it is the failure.
            _ = try await limiter.write { database in
                try await AuditLog.append(
                    AuditEntry(
                        actor: "anonymous", action: "auth.sign_in_failed", entity: "user", entityId: row?.id,
                        summary: row.map { $0.disabled ? "disabled account" : "wrong password" } ?? "unknown account",
                        requestId: requestId, address: address), on: database)
            }
            return .failure
        }
        try await limiter.release(reservation)
        guard let userId = row.id else { return .failure }
        return .success(userId: userId, mustChangePassword: row.mustChangePassword)
    }

    /// A successful sign-in clears the account's failures (the address keeps its own).
    func clearFailures(userId: String) async throws {
        let email = try await UserRow.find(userId, on: database)?.email ?? ""
        try await limiter.clear("signin-account:" + Secrets.sha256(email))
    }
}

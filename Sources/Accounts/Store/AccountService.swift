// SPDX-License-Identifier: MPL-2.0
import Audit
import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// Users, passwords, sessions, sign-in limits and API tokens, built once over one database: the parts
/// (`userAccounts`, `sessions`, `throttle`, `apiTokens`) do the work; these methods keep the call sites short.
package struct AccountService: Sendable {
    package let database: any Database
    package let settings: AccountSettings
    /// Counts sign-in attempts before bcrypt runs, so that parallel guesses cannot pass the limit.
    package let limiter: AttemptLimiter
    package let userAccounts: Users
    package let sessions: Sessions
    package let throttle: SignInThrottle
    package let apiTokens: APITokens

    /// `catalog` tells which institutions exist (scopes name them); `clock` dates sessions and changes.
    package init(
        database: any Database, settings: AccountSettings = AccountSettings(), limiter: AttemptLimiter? = nil, catalog: any CatalogLookup,
        clock: any WallClock = SystemClock(), reads: (any SQLDatabase)? = nil
    ) {
        let limiter = limiter ?? AttemptLimiter(database: database, service: nil)
        self.database = database
        self.settings = settings
        self.limiter = limiter
        userAccounts = Users(database: database, settings: settings, limiter: limiter, catalog: catalog, clock: clock)
        throttle = SignInThrottle(database: database, settings: settings, limiter: limiter)
        sessions = Sessions(database: database, settings: settings, limiter: limiter, throttle: throttle, clock: clock, reads: reads)
        apiTokens = APITokens(database: database, limiter: limiter, users: userAccounts, clock: clock)
    }

    package static let minimumPasswordLength = AccountRules.minimumPasswordLength

    package static func generatePassword() -> String { Secrets.generatePassword() }

    // MARK: Users

    @discardableResult
    package func createUser(_ new: NewUser, origin: ActionOrigin) async throws -> UserAccount { try await userAccounts.create(new, origin: origin) }

    package func users() async throws -> [UserAccount] { try await userAccounts.all() }

    package func user(id: String) async throws -> UserAccount? { try await userAccounts.user(id: id) }

    package func updateUser(id: String, change: UserChange, origin: ActionOrigin) async throws {
        try await userAccounts.update(id: id, change: change, origin: origin)
    }

    package func changePassword(userId: String, current: String, new: String, keepSession: String?, origin: ActionOrigin) async throws {
        try await userAccounts.changePassword(userId: userId, current: current, new: new, keepSession: keepSession, origin: origin)
    }

    package func resetPassword(userId: String, origin: ActionOrigin) async throws -> String {
        try await userAccounts.resetPassword(userId: userId, origin: origin)
    }

    // MARK: Sign-in and sessions

    package func signIn(email: String, password: String, address: String?, requestId: String?) async throws -> SignInResult {
        try await throttle.signIn(email: email, password: password, address: address, requestId: requestId)
    }

    package func startSession(userId: String, replacing previous: String?, origin: ActionOrigin) async throws -> NewSession {
        try await sessions.start(userId: userId, replacing: previous, origin: origin)
    }

    package func session(_ id: String) async throws -> ActiveSession? { try await sessions.session(id) }

    package func endSession(_ id: String, userId: String, origin: ActionOrigin) async throws {
        try await sessions.end(id, userId: userId, origin: origin)
    }

    package func endAllSessions(userId: String, origin: ActionOrigin) async throws { try await sessions.endAll(userId: userId, origin: origin) }

    package func purgeExpired() async throws { try await sessions.purgeExpired() }

    // MARK: API tokens

    package func createToken(name: String, role: Role, institution: String?, origin: ActionOrigin) async throws -> (TokenInfo, String) {
        try await apiTokens.create(name: name, role: role, institution: institution, origin: origin)
    }

    package func tokens() async throws -> [TokenInfo] { try await apiTokens.all() }

    package func revokeToken(id: String, origin: ActionOrigin) async throws { try await apiTokens.revoke(id: id, origin: origin) }

    package func principal(bearer secret: String) async throws -> Principal? { try await apiTokens.principal(bearer: secret) }
}

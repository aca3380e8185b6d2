import Audit
import Crypto
import FluentKit
import Foundation
import GuichetCore
import HummingbirdBcrypt
import NIOConcurrencyHelpers
import NIOPosix
import SQLKit

/// Settings of sign-in and sessions, from the application's configuration.
package struct AccountSettings: Sendable {
    package var bcryptCost: Int
    /// A session unused for this long is over.
    package var idleTimeout: TimeInterval
    /// A session is over this long after sign-in, however busy.
    package var absoluteTimeout: TimeInterval
    /// Failed sign-ins allowed per account and per address within `failureWindow`.
    package var maxFailures: Int
    package var failureWindow: TimeInterval

    package init(
        bcryptCost: Int = 12, idleTimeout: TimeInterval = 30 * 60, absoluteTimeout: TimeInterval = 12 * 3600, maxFailures: Int = 5,
        failureWindow: TimeInterval = 15 * 60
    ) {
        self.bcryptCost = bcryptCost
        self.idleTimeout = idleTimeout
        self.absoluteTimeout = absoluteTimeout
        self.maxFailures = maxFailures
        self.failureWindow = failureWindow
    }

    package init(_ configuration: AppConfiguration) {
        self.init(
            bcryptCost: configuration.bcryptCost, idleTimeout: configuration.sessionIdleTimeout,
            absoluteTimeout: configuration.sessionAbsoluteTimeout)
    }
}

/// A user as the back office shows it (never the password hash).
package struct UserAccount: Sendable, Equatable {
    package var id: String
    package var email: String
    package var name: String
    package var role: Role
    package var institutions: [String]
    package var centres: [String]
    package var disabled: Bool
    package var mustChangePassword: Bool
    package var createdAt: String
}


/// Users, passwords, sessions, sign-in limits and API tokens. Every change is audited in its own transaction.
package struct AccountService: Sendable {
    package let database: any Database
    package let settings: AccountSettings
    /// Counts sign-in attempts before bcrypt runs, so that parallel guesses cannot pass the limit.
    package let limiter: AttemptLimiter

    package init(database: any Database, settings: AccountSettings = AccountSettings(), limiter: AttemptLimiter? = nil) {
        self.database = database
        self.settings = settings
        self.limiter = limiter ?? AttemptLimiter(database: database, writeQueue: nil)
    }

    package static let minimumPasswordLength = 10

    // MARK: Passwords

    /// bcrypt is slow on purpose: it runs on the thread pool, not on an event loop.
    package func hashPassword(_ password: String) async throws -> String {
        let cost = UInt8(clamping: settings.bcryptCost)
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    package func verifyPassword(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// A password given to a person once (demo users, administrator resets): 16 characters from an unambiguous alphabet.
    package static func generatePassword() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<16).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func now() -> Double { Date().timeIntervalSince1970 }

    /// The session's CSRF token, derived from its id (HMAC-SHA256): nothing secret is stored, and only the holder of
    /// the cookie can know it.
    static func csrfToken(sessionId: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("guichet-csrf".utf8), using: SymmetricKey(data: Data(sessionId.utf8)))
        return Data(mac).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    // MARK: Users

    package struct NewUser: Sendable {
        package var email: String
        package var name: String
        package var role: Role
        package var institutions: [String]
        package var centres: [String]
        package var password: String
        package var mustChangePassword: Bool

        package init(
            email: String, name: String, role: Role, institutions: [String] = [], centres: [String] = [], password: String,
            mustChangePassword: Bool = false
        ) {
            self.email = email
            self.name = name
            self.role = role
            self.institutions = institutions
            self.centres = centres
            self.password = password
            self.mustChangePassword = mustChangePassword
        }
    }

    static func normalisedEmail(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    static func validEmail(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !email.contains(" ") && email.count <= 254
    }

    func checkScopes(role: Role, institutions: [String], on database: any Database) async throws {
        let sql = database.sql
        for institution in institutions {
            let found = try await sql.raw("SELECT id FROM institutions WHERE id = \(bind: institution)").first()
            guard found != nil else {
                throw AppError.validation(field: "institutions", code: "accounts.unknown_institution")
            }
        }
        if role == .catalogEditor || role == .backOfficeAgent, institutions.isEmpty {
            throw AppError.validation(field: "institutions", code: "accounts.scope_required")
        }
    }

    @discardableResult
    package func createUser(_ new: NewUser, origin: ActionOrigin) async throws -> UserAccount {
        let email = Self.normalisedEmail(new.email)
        let name = new.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard Self.validEmail(email) else { throw AppError.validation(field: "email", code: "accounts.bad_email") }
        guard !name.isEmpty, name.count <= 120 else { throw AppError.validation(field: "name", code: "accounts.bad_name") }
        guard new.password.count >= Self.minimumPasswordLength else {
            throw AppError.validation(field: "password", code: "accounts.short_password")
        }
        let institutions = Array(Set(new.institutions.filter { !$0.isEmpty })).sorted()
        let centres = Array(Set(new.centres.filter { !$0.isEmpty })).sorted()
        let hash = try await hashPassword(new.password)
        return try await limiter.write { database in
            try await checkScopes(role: new.role, institutions: institutions, on: database)
            if try await UserRow.query(on: database).filter(\.$email == email).first() != nil {
                throw AppError.validation(field: "email", code: "accounts.email_taken")
            }
            let row = UserRow()
            row.id = UUID().uuidString.lowercased()
            row.email = email
            row.name = name
            row.role = new.role.rawValue
            row.passwordHash = hash
            row.disabled = false
            row.mustChangePassword = new.mustChangePassword
            row.createdAt = AuditLog.timestamp()
            row.updatedAt = row.createdAt
            try await row.create(on: database)
            try await replaceScopes(userId: try row.requireID(), institutions: institutions, centres: centres, on: database)
            try await AuditLog.append(
                origin.entry(
                    "user.create", entity: "user", id: row.id,
                    summary: "role \(new.role.rawValue); institutions \(institutions.joined(separator: ",")); centres \(centres.joined(separator: ","))"),
                on: database)
            return UserAccount(
                id: try row.requireID(), email: email, name: name, role: new.role, institutions: institutions, centres: centres, disabled: false,
                mustChangePassword: new.mustChangePassword, createdAt: row.createdAt)
        }
    }

    private func replaceScopes(userId: String, institutions: [String], centres: [String], on database: any Database) async throws {
        try await UserScopeRow.query(on: database).filter(\.$userId == userId).delete()
        for (kind, ids) in [("institution", institutions), ("centre", centres)] {
            for id in ids {
                let scope = UserScopeRow()
                scope.userId = userId
                scope.kind = kind
                scope.scopeId = id
                try await scope.create(on: database)
            }
        }
    }

    package func users() async throws -> [UserAccount] {
        let rows = try await UserRow.query(on: database).sort(\.$email).all()
        let scopes = try await UserScopeRow.query(on: database).all()
        return rows.map { row in account(row, scopes: scopes.filter { $0.userId == row.id }) }
    }

    package func user(id: String) async throws -> UserAccount? {
        guard let row = try await UserRow.find(id, on: database) else { return nil }
        return account(row, scopes: try await UserScopeRow.query(on: database).filter(\.$userId == id).all())
    }

    func account(_ row: UserRow, scopes: [UserScopeRow]) -> UserAccount {
        UserAccount(
            id: row.id ?? "", email: row.email, name: row.name, role: Role(rawValue: row.role) ?? .analyst,
            institutions: scopes.filter { $0.kind == "institution" }.map(\.scopeId).sorted(),
            centres: scopes.filter { $0.kind == "centre" }.map(\.scopeId).sorted(), disabled: row.disabled,
            mustChangePassword: row.mustChangePassword, createdAt: row.createdAt)
    }

    package struct UserChange: Sendable {
        package var name: String
        package var role: Role
        package var institutions: [String]
        package var centres: [String]
        package var disabled: Bool

        package init(name: String, role: Role, institutions: [String], centres: [String], disabled: Bool) {
            self.name = name
            self.role = role
            self.institutions = institutions
            self.centres = centres
            self.disabled = disabled
        }
    }

    /// Role, scope, name or disabled flag. Disabling a user ends their sessions at once.
    package func updateUser(id: String, change: UserChange, origin: ActionOrigin) async throws {
        let name = change.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 120 else { throw AppError.validation(field: "name", code: "accounts.bad_name") }
        let institutions = Array(Set(change.institutions.filter { !$0.isEmpty })).sorted()
        let centres = Array(Set(change.centres.filter { !$0.isEmpty })).sorted()
        try await limiter.write { database in
            guard let row = try await UserRow.find(id, on: database) else { throw AppError.notFound() }
            if "user:\(id)" == origin.actor, change.disabled || change.role != .administrator {
                // An administrator cannot lock themselves out.
                throw AppError.validation(field: "role", code: "accounts.not_yourself")
            }
            try await checkScopes(role: change.role, institutions: institutions, on: database)
            let before = account(row, scopes: try await UserScopeRow.query(on: database).filter(\.$userId == id).all())
            var changes: [String] = []
            if before.name != name { changes.append("name") }
            if before.role != change.role { changes.append("role \(before.role.rawValue)→\(change.role.rawValue)") }
            if before.institutions != institutions { changes.append("institutions \(institutions.joined(separator: ","))") }
            if before.centres != centres { changes.append("centres \(centres.joined(separator: ","))") }
            if before.disabled != change.disabled { changes.append(change.disabled ? "disabled" : "enabled") }
            guard !changes.isEmpty else { return }
            row.name = name
            row.role = change.role.rawValue
            row.disabled = change.disabled
            row.updatedAt = AuditLog.timestamp()
            try await row.save(on: database)
            try await replaceScopes(userId: id, institutions: institutions, centres: centres, on: database)
            if change.disabled || before.role != change.role {
                try await SessionRow.query(on: database).filter(\.$userId == id).delete()
            }
            try await AuditLog.append(origin.entry("user.update", entity: "user", id: id, summary: changes.joined(separator: "; ")), on: database)
        }
    }

    /// The user's own change: the current password must be right; every other session of theirs ends.
    package func changePassword(userId: String, current: String, new: String, keepSession: String?, origin: ActionOrigin) async throws {
        guard let row = try await UserRow.find(userId, on: database) else { throw AppError.notFound() }
        guard try await verifyPassword(current, hash: row.passwordHash) else {
            throw AppError.validation(field: "current", code: "accounts.wrong_password")
        }
        guard new.count >= Self.minimumPasswordLength else { throw AppError.validation(field: "password", code: "accounts.short_password") }
        guard new != current else { throw AppError.validation(field: "password", code: "accounts.same_password") }
        let hash = try await hashPassword(new)
        try await limiter.write { database in
            row.passwordHash = hash
            row.mustChangePassword = false
            row.updatedAt = AuditLog.timestamp()
            try await row.save(on: database)
            var others = SessionRow.query(on: database).filter(\.$userId == userId)
            if let keepSession { others = others.filter(\.$id != Self.sha256(keepSession)) }
            try await others.delete()
            try await AuditLog.append(origin.entry("user.password_change", entity: "user", id: userId, summary: "password changed"), on: database)
        }
    }

    /// An administrator's reset: a new temporary password, shown once, to be changed at the next sign-in.
    package func resetPassword(userId: String, origin: ActionOrigin) async throws -> String {
        let password = Self.generatePassword()
        let hash = try await hashPassword(password)
        try await limiter.write { database in
            guard let row = try await UserRow.find(userId, on: database) else { throw AppError.notFound() }
            row.passwordHash = hash
            row.mustChangePassword = true
            row.updatedAt = AuditLog.timestamp()
            try await row.save(on: database)
            try await SessionRow.query(on: database).filter(\.$userId == userId).delete()
            try await AuditLog.append(origin.entry("user.password_reset", entity: "user", id: userId, summary: "password reset by administrator"), on: database)
        }
        return password
    }

    // MARK: Sign-in

    package enum SignInResult: Sendable, Equatable {
        case success(userId: String, mustChangePassword: Bool)
        /// Wrong e-mail or password, or a disabled account: the same answer for all three.
        case failure
        case tooManyAttempts
    }

    /// A bcrypt hash of nothing in particular, at the configured cost: an unknown e-mail costs the same time as a wrong password.
    private static let decoys = NIOLockedValueBox([Int: String]())

    func decoyHash() async throws -> String {
        if let hash = Self.decoys.withLockedValue({ $0[settings.bcryptCost] }) { return hash }
        let hash = try await hashPassword("decoy-password-never-used-\(UUID().uuidString)")
        Self.decoys.withLockedValue { $0[settings.bcryptCost] = hash }
        return hash
    }

    package func signIn(email: String, password: String, address: String?, requestId: String?) async throws -> SignInResult {
        let email = Self.normalisedEmail(email)
        let accountKey = "account:" + Self.sha256(email)
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
        let matches = try await verifyPassword(password, hash: storedHash)
        guard let row, matches, !row.disabled else {
            // The reserved attempt stays counted: it is the failure.
            try await limiter.write { database in
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

    // MARK: Sessions

    package struct NewSession: Sendable {
        /// Goes into the cookie, never stored.
        package var id: String
        package var csrfToken: String
    }

    /// A new session (a new id at every sign-in); the previous one of this browser, if any, ends.
    package func startSession(userId: String, replacing previous: String?, origin: ActionOrigin) async throws -> NewSession {
        // Expired sessions and old failures go now and then: at every sign-in.
        try await purgeExpired()
        let id = CSRFMiddleware.newToken()
        let session = NewSession(id: id, csrfToken: Self.csrfToken(sessionId: id))
        // A successful sign-in clears the account's failures (the address keeps its own).
        try await limiter.clear("signin-account:" + Self.sha256(try await email(of: userId, on: database)))
        try await limiter.write { database in
            if let previous { try await SessionRow.query(on: database).filter(\.$id == Self.sha256(previous)).delete() }
            let row = SessionRow()
            row.id = Self.sha256(session.id)
            row.userId = userId
            row.createdAt = Self.now()
            row.lastSeenAt = row.createdAt
            try await row.create(on: database)
            try await AuditLog.append(origin.entry("auth.sign_in", entity: "user", id: userId, summary: "signed in"), on: database)
        }
        return session
    }

    private func email(of userId: String, on database: any Database) async throws -> String {
        try await UserRow.find(userId, on: database)?.email ?? ""
    }

    package struct ActiveSession: Sendable {
        package var principal: Principal
        package var csrfToken: String
        package var mustChangePassword: Bool
    }

    /// The principal of a session cookie, or nil when it is unknown, expired (idle or absolute) or its user disabled.
    package func session(_ id: String) async throws -> ActiveSession? {
        guard id.count == 43 else { return nil }
        guard let row = try await SessionRow.find(Self.sha256(id), on: database) else { return nil }
        let now = Self.now()
        if now - row.lastSeenAt > settings.idleTimeout || now - row.createdAt > settings.absoluteTimeout {
            try await row.delete(on: database)
            return nil
        }
        guard let user = try await UserRow.find(row.userId, on: database), !user.disabled, let role = Role(rawValue: user.role) else {
            return nil
        }
        if now - row.lastSeenAt > 60 {
            // Touch at most once a minute: a busy agent does not write on every click.
            row.lastSeenAt = now
            try await row.save(on: database)
        }
        let scopes = try await UserScopeRow.query(on: database).filter(\.$userId == row.userId).all()
        let principal = Principal(
            kind: .session, id: try user.requireID(), displayName: user.name, role: role,
            institutions: scopes.filter { $0.kind == "institution" }.map(\.scopeId).sorted(),
            centres: scopes.filter { $0.kind == "centre" }.map(\.scopeId).sorted())
        return ActiveSession(principal: principal, csrfToken: Self.csrfToken(sessionId: id), mustChangePassword: user.mustChangePassword)
    }

    package func endSession(_ id: String, userId: String, origin: ActionOrigin) async throws {
        try await limiter.write { database in
            try await SessionRow.query(on: database).filter(\.$id == Self.sha256(id)).delete()
            try await AuditLog.append(origin.entry("auth.sign_out", entity: "user", id: userId, summary: "signed out"), on: database)
        }
    }

    package func endAllSessions(userId: String, origin: ActionOrigin) async throws {
        try await limiter.write { database in
            let count = try await SessionRow.query(on: database).filter(\.$userId == userId).count()
            try await SessionRow.query(on: database).filter(\.$userId == userId).delete()
            try await AuditLog.append(
                origin.entry("auth.sign_out_everywhere", entity: "user", id: userId, summary: "\(count) sessions ended"), on: database)
        }
    }

    /// Old sessions and sign-in failures go: called now and then by the server.
    package func purgeExpired() async throws {
        let now = Self.now()
        try await SessionRow.query(on: database).group(.or) {
            $0.filter(\.$lastSeenAt < now - settings.idleTimeout).filter(\.$createdAt < now - settings.absoluteTimeout)
        }.delete()
        try await LoginFailureRow.query(on: database).filter(\.$occurredAt < now - settings.failureWindow).delete()
    }

    // MARK: API tokens

    package struct TokenInfo: Sendable, Equatable {
        package var id: String
        package var name: String
        package var role: Role
        package var institution: String?
        package var createdBy: String
        package var createdAt: String
        package var revokedAt: String?
        package var lastUsedAt: String?
    }

    /// Returns the secret (`gch_<id>_<secret>`), shown once; only its SHA-256 is kept.
    package func createToken(name: String, role: Role, institution: String?, origin: ActionOrigin) async throws -> (TokenInfo, String) {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 120 else { throw AppError.validation(field: "name", code: "accounts.bad_name") }
        let institution = institution.flatMap { $0.isEmpty ? nil : $0 }
        let id = String(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12))
        let secret = "gch_\(id)_\(CSRFMiddleware.newToken())"
        return try await limiter.write { database in
            try await checkScopes(role: role, institutions: institution.map { [$0] } ?? [], on: database)
            let row = APITokenRow()
            row.id = id
            row.name = name
            row.tokenHash = Self.sha256(secret)
            row.role = role.rawValue
            row.institution = institution
            row.createdBy = origin.actor
            row.createdAt = AuditLog.timestamp()
            try await row.create(on: database)
            try await AuditLog.append(
                origin.entry("token.create", entity: "api_token", id: id, summary: "role \(role.rawValue); institution \(institution ?? "-")"),
                on: database)
            return (tokenInfo(row), secret)
        }
    }

    func tokenInfo(_ row: APITokenRow) -> TokenInfo {
        TokenInfo(
            id: row.id ?? "", name: row.name, role: Role(rawValue: row.role) ?? .analyst, institution: row.institution, createdBy: row.createdBy,
            createdAt: row.createdAt, revokedAt: row.revokedAt, lastUsedAt: row.lastUsedAt)
    }

    package func tokens() async throws -> [TokenInfo] {
        try await APITokenRow.query(on: database).sort(\.$createdAt, .descending).all().map(tokenInfo)
    }

    package func revokeToken(id: String, origin: ActionOrigin) async throws {
        try await limiter.write { database in
            guard let row = try await APITokenRow.find(id, on: database) else { throw AppError.notFound() }
            guard row.revokedAt == nil else { return }
            row.revokedAt = AuditLog.timestamp()
            try await row.save(on: database)
            try await AuditLog.append(origin.entry("token.revoke", entity: "api_token", id: id, summary: "revoked"), on: database)
        }
    }

    /// The principal of a bearer token, or nil when it is unknown or revoked.
    package func principal(bearer secret: String) async throws -> Principal? {
        guard secret.hasPrefix("gch_"), secret.count < 200 else { return nil }
        guard let row = try await APITokenRow.query(on: database).filter(\.$tokenHash == Self.sha256(secret)).first(), row.revokedAt == nil,
            let role = Role(rawValue: row.role)
        else { return nil }
        let today = String(AuditLog.timestamp().prefix(10))
        if row.lastUsedAt?.hasPrefix(today) != true {
            row.lastUsedAt = AuditLog.timestamp()
            try await row.save(on: database)
        }
        return Principal(kind: .token, id: "token:\(try row.requireID())", displayName: row.name, role: role, institutions: row.institution.map { [$0] } ?? [])
    }
}

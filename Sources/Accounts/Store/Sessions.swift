// SPDX-License-Identifier: MPL-2.0
import Audit
import FluentKit
import Foundation
import GuichetCore

/// Signed-in browsers: a session starts at sign-in, is found again from its cookie, expires when idle or old, and
/// ends at sign-out. The table keeps only the SHA-256 of each session id.
package struct Sessions: Sendable {
    let database: any Database
    let settings: AccountSettings
    let limiter: AttemptLimiter
    let throttle: SignInThrottle
    let clock: any WallClock

    init(database: any Database, settings: AccountSettings, limiter: AttemptLimiter, throttle: SignInThrottle, clock: any WallClock) {
        self.database = database
        self.settings = settings
        self.limiter = limiter
        self.throttle = throttle
        self.clock = clock
    }

    private var now: Double { clock.now.timeIntervalSince1970 }

    /// A new session (a new id at every sign-in); the previous one of this browser, if any, ends.
    package func start(userId: String, replacing previous: String?, origin: ActionOrigin) async throws -> NewSession {
        // Expired sessions and old failures go now and then: at every sign-in.
        try await purgeExpired()
        let id = CSRFMiddleware.newToken()
        let session = NewSession(id: id, csrfToken: Secrets.csrfToken(sessionId: id))
        try await throttle.clearFailures(userId: userId)
        let startedAt = now
        try await limiter.write { database in
            if let previous { try await SessionRow.query(on: database).filter(\.$id == Secrets.sha256(previous)).delete() }
            let row = SessionRow()
            row.id = Secrets.sha256(session.id)
            row.userId = userId
            row.createdAt = startedAt
            row.lastSeenAt = startedAt
            try await row.create(on: database)
            try await AuditLog.append(origin.entry("auth.sign_in", entity: "user", id: userId, summary: "signed in"), on: database)
        }
        return session
    }

    /// The principal of a session cookie, or nil when it is unknown, expired (idle or absolute) or its user disabled.
    package func session(_ id: String) async throws -> ActiveSession? {
        guard id.count == 43 else { return nil }
        guard let row = try await SessionRow.find(Secrets.sha256(id), on: database) else { return nil }
        let now = now
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
        return ActiveSession(principal: principal, csrfToken: Secrets.csrfToken(sessionId: id), mustChangePassword: user.mustChangePassword)
    }

    package func end(_ id: String, userId: String, origin: ActionOrigin) async throws {
        try await limiter.write { database in
            try await SessionRow.query(on: database).filter(\.$id == Secrets.sha256(id)).delete()
            try await AuditLog.append(origin.entry("auth.sign_out", entity: "user", id: userId, summary: "signed out"), on: database)
        }
    }

    package func endAll(userId: String, origin: ActionOrigin) async throws {
        try await limiter.write { database in
            let count = try await SessionRow.query(on: database).filter(\.$userId == userId).count()
            try await SessionRow.query(on: database).filter(\.$userId == userId).delete()
            try await AuditLog.append(
                origin.entry("auth.sign_out_everywhere", entity: "user", id: userId, summary: "\(count) sessions ended"), on: database)
        }
    }

    /// Old sessions and sign-in failures go: called now and then by the server.
    package func purgeExpired() async throws {
        let now = now
        try await SessionRow.query(on: database).group(.or) {
            $0.filter(\.$lastSeenAt < now - settings.idleTimeout).filter(\.$createdAt < now - settings.absoluteTimeout)
        }.delete()
        try await LoginFailureRow.query(on: database).filter(\.$occurredAt < now - settings.failureWindow).delete()
    }
}

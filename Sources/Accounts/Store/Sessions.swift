// SPDX-License-Identifier: MPL-2.0
import Audit
import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// Signed-in browsers: a session starts at sign-in, is found again from its cookie, expires when idle or old, and
/// ends at sign-out. The table keeps only the SHA-256 of each session id.
package struct Sessions: Sendable {
    let database: any Database
    let settings: AccountSettings
    let limiter: AttemptLimiter
    let throttle: SignInThrottle
    let clock: any WallClock
    /// Where a session is looked up (every signed-in request): the database's fastest reads (`DatabaseService.sql`).
    let reads: any SQLDatabase

    init(
        database: any Database, settings: AccountSettings, limiter: AttemptLimiter, throttle: SignInThrottle, clock: any WallClock,
        reads: (any SQLDatabase)? = nil
    ) {
        self.database = database
        self.reads = reads ?? database.sql
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
    /// One query (the session, its user and the user's scopes) on every signed-in request, instead of three.
    package func session(_ id: String) async throws -> ActiveSession? {
        guard id.count == 43 else { return nil }
        struct Row {
            let createdAt: Double
            let lastSeenAt: Double
            let userId: String
            let name: String
            let role: String
            let disabled: Bool
            let mustChangePassword: Bool
            let scopeKind: String?
            let scopeId: String?

            /// Column by column: SQLKit's keyed decoder cost more than the query on every signed-in request.
            init(row: any SQLRow) throws {
                createdAt = try row.decode(column: "created_at", as: Double.self)
                lastSeenAt = try row.decode(column: "last_seen_at", as: Double.self)
                userId = try row.decode(column: "user_id", as: String.self)
                name = try row.decode(column: "name", as: String.self)
                role = try row.decode(column: "role", as: String.self)
                disabled = try row.decode(column: "disabled", as: Bool.self)
                mustChangePassword = try row.decode(column: "must_change_password", as: Bool.self)
                scopeKind = try row.decode(column: "scope_kind", as: String?.self)
                scopeId = try row.decode(column: "scope_id", as: String?.self)
            }
        }
        let hash = Secrets.sha256(id)
        let sql = database.sql
        let rows = try await reads.raw(
            """
            SELECT s.created_at, s.last_seen_at, s.user_id, u.name, u.role, u.disabled, u.must_change_password, \
            c.kind AS scope_kind, c.scope_id FROM sessions s JOIN users u ON u.id = s.user_id \
            LEFT JOIN user_scopes c ON c.user_id = s.user_id WHERE s.id_hash = \(bind: hash)
            """
        ).all().map(Row.init(row:))
        guard let row = rows.first else { return nil }
        let now = now
        if now - row.lastSeenAt > settings.idleTimeout || now - row.createdAt > settings.absoluteTimeout {
            try await sql.delete(from: "sessions").where("id_hash", .equal, hash).run()
            return nil
        }
        guard !row.disabled, let role = Role(rawValue: row.role) else { return nil }
        if now - row.lastSeenAt > 60 {
            // Touch at most once a minute: a busy agent does not write on every click.
            try await sql.update("sessions").set("last_seen_at", to: now).where("id_hash", .equal, hash).run()
        }
        func scopes(_ kind: String) -> [String] { rows.compactMap { $0.scopeKind == kind ? $0.scopeId : nil }.sorted() }
        let principal = Principal(
            kind: .session, id: row.userId, displayName: row.name, role: role, institutions: scopes("institution"), centres: scopes("centre"))
        return ActiveSession(principal: principal, csrfToken: Secrets.csrfToken(sessionId: id), mustChangePassword: row.mustChangePassword)
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

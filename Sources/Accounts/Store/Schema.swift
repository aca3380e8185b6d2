// SPDX-License-Identifier: MPL-2.0
import FluentKit
import Foundation
import GuichetCore
import SQLKit

final class UserRow: Model, @unchecked Sendable {
    static let schema = "users"
    @ID(custom: "id", generatedBy: .user) var id: String?
    /// Lower-cased; unique.
    @Field(key: "email") var email: String
    @Field(key: "name") var name: String
    @Field(key: "role") var role: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "disabled") var disabled: Bool
    /// Set by an administrator's reset: the next sign-in leads to the password form first.
    @Field(key: "must_change_password") var mustChangePassword: Bool
    @Field(key: "created_at") var createdAt: String
    @Field(key: "updated_at") var updatedAt: String
    init() {}
}

/// The institutions and centres a user acts for.
final class UserScopeRow: Model, @unchecked Sendable {
    static let schema = "user_scopes"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "user_id") var userId: String
    /// `institution` or `centre`.
    @Field(key: "kind") var kind: String
    @Field(key: "scope_id") var scopeId: String
    init() {}
}

/// A signed-in browser. The cookie holds the session id; the table holds only its SHA-256, so a copy of the
/// database does not let anyone sign in.
final class SessionRow: Model, @unchecked Sendable {
    static let schema = "sessions"
    @ID(custom: "id_hash", generatedBy: .user) var id: String?
    @Field(key: "user_id") var userId: String
    @Field(key: "created_at") var createdAt: Double
    @Field(key: "last_seen_at") var lastSeenAt: Double
    init() {}
}

/// One failed sign-in, counted per account and per address over a sliding window.
final class LoginFailureRow: Model, @unchecked Sendable {
    static let schema = "login_failures"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    /// `account:<sha256 of the e-mail>` or `address:<ip>`: no e-mail in clear.
    @Field(key: "key") var key: String
    @Field(key: "occurred_at") var occurredAt: Double
    init() {}
}

final class APITokenRow: Model, @unchecked Sendable {
    static let schema = "api_tokens"
    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "name") var name: String
    /// SHA-256 of the secret part; the secret is shown once at creation.
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "role") var role: String
    @OptionalField(key: "institution") var institution: String?
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: String
    @OptionalField(key: "revoked_at") var revokedAt: String?
    @OptionalField(key: "last_used_at") var lastUsedAt: String?
    init() {}
}

struct CreateAccountTables: AsyncMigration {
    var name: String { "2026-12-01-01-CreateAccountTables" }

    func prepare(on database: any Database) async throws {
        try await database.schema(UserRow.schema)
            .field("id", .string, .identifier(auto: false))
            .field("email", .string, .required)
            .field("name", .string, .required)
            .field("role", .string, .required)
            .field("password_hash", .string, .required)
            .field("disabled", .bool, .required)
            .field("must_change_password", .bool, .required)
            .field("created_at", .string, .required)
            .field("updated_at", .string, .required)
            .unique(on: "email")
            .create()
        try await database.schema(UserScopeRow.schema)
            .field("id", .int, .identifier(auto: true))
            .field("user_id", .string, .required, .references(UserRow.schema, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("scope_id", .string, .required)
            .unique(on: "user_id", "kind", "scope_id")
            .create()
        try await database.schema(SessionRow.schema)
            .field("id_hash", .string, .identifier(auto: false))
            .field("user_id", .string, .required, .references(UserRow.schema, "id", onDelete: .cascade))
            .field("created_at", .double, .required)
            .field("last_seen_at", .double, .required)
            .create()
        try await database.schema(LoginFailureRow.schema)
            .field("id", .int, .identifier(auto: true))
            .field("key", .string, .required)
            .field("occurred_at", .double, .required)
            .create()
        try await database.schema(APITokenRow.schema)
            .field("id", .string, .identifier(auto: false))
            .field("name", .string, .required)
            .field("token_hash", .string, .required)
            .field("role", .string, .required)
            .field("institution", .string)
            .field("created_by", .string, .required)
            .field("created_at", .string, .required)
            .field("revoked_at", .string)
            .field("last_used_at", .string)
            .unique(on: "token_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        for table in [APITokenRow.schema, LoginFailureRow.schema, SessionRow.schema, UserScopeRow.schema, UserRow.schema] {
            try await database.schema(table).delete()
        }
    }
}

package enum AccountsMigrations {
    package static var all: [any Migration] { [CreateAccountTables(), CreateAccountIndexes()] }
}

struct CreateAccountIndexes: AsyncMigration {
    var name: String { "2026-12-01-02-CreateAccountIndexes" }

    func prepare(on database: any Database) async throws {
        let sql = database.sql
        try await sql.raw("CREATE INDEX login_failures_key_time ON login_failures (key, occurred_at)").run()
        try await sql.raw("CREATE INDEX sessions_user ON sessions (user_id)").run()
        try await sql.raw("CREATE INDEX user_scopes_user ON user_scopes (user_id)").run()
    }

    func revert(on database: any Database) async throws {}
}

// SPDX-License-Identifier: MPL-2.0
import Audit
import FluentKit
import Foundation
import GuichetCore

/// Bearer tokens of machine clients: created by an administrator (the secret shown once, only its SHA-256 kept),
/// listed, revoked, and turned into a principal on each API request.
package struct APITokens: Sendable {
    let database: any Database
    let limiter: AttemptLimiter
    let users: Users
    let clock: any WallClock

    /// Returns the secret (`gch_<id>_<secret>`), shown once; only its SHA-256 is kept.
    package func create(name: String, role: Role, institution: String?, origin: ActionOrigin) async throws -> (TokenInfo, String) {
        let name = try AccountRules.name(name)
        let institution = institution.flatMap { $0.isEmpty ? nil : $0 }
        let id = String(RandomID.uuid().replacingOccurrences(of: "-", with: "").prefix(12))
        let secret = "gch_\(id)_\(CSRFMiddleware.newToken())"
        try await users.checkScopes(role: role, institutions: institution.map { [$0] } ?? [])
        let now = AuditLog.timestamp(clock.now)
        return try await limiter.write { database in
            let row = APITokenRow()
            row.id = id
            row.name = name
            row.tokenHash = Secrets.sha256(secret)
            row.role = role.rawValue
            row.institution = institution
            row.createdBy = origin.actor
            row.createdAt = now
            try await row.create(on: database)
            try await AuditLog.append(
                origin.entry("token.create", entity: "api_token", id: id, summary: "role \(role.rawValue); institution \(institution ?? "-")"),
                on: database)
            return (Self.info(row), secret)
        }
    }

    static func info(_ row: APITokenRow) -> TokenInfo {
        TokenInfo(
            id: row.id ?? "", name: row.name, role: Role(rawValue: row.role) ?? .analyst, institution: row.institution, createdBy: row.createdBy,
            createdAt: row.createdAt, revokedAt: row.revokedAt, lastUsedAt: row.lastUsedAt)
    }

    package func all() async throws -> [TokenInfo] {
        try await APITokenRow.query(on: database).sort(\.$createdAt, .descending).all().map(Self.info)
    }

    package func revoke(id: String, origin: ActionOrigin) async throws {
        let now = AuditLog.timestamp(clock.now)
        try await limiter.write { database in
            guard let row = try await APITokenRow.find(id, on: database) else { throw AppError.notFound() }
            guard row.revokedAt == nil else { return }
            row.revokedAt = now
            try await row.save(on: database)
            try await AuditLog.append(origin.entry("token.revoke", entity: "api_token", id: id, summary: "revoked"), on: database)
        }
    }

    /// The principal of a bearer token, or nil when it is unknown or revoked.
    package func principal(bearer secret: String) async throws -> Principal? {
        guard secret.hasPrefix("gch_"), secret.count < 200 else { return nil }
        guard let row = try await APITokenRow.query(on: database).filter(\.$tokenHash == Secrets.sha256(secret)).first(), row.revokedAt == nil,
            let role = Role(rawValue: row.role)
        else { return nil }
        let now = AuditLog.timestamp(clock.now)
        if row.lastUsedAt?.hasPrefix(String(now.prefix(10))) != true {
            row.lastUsedAt = now
            try await row.save(on: database)
        }
        return Principal(
            kind: .token, id: "token:\(try row.requireID())", displayName: row.name, role: role, institutions: row.institution.map { [$0] } ?? [])
    }
}

// SPDX-License-Identifier: MPL-2.0
import Audit
import FluentKit
import Foundation
import GuichetCore

/// Back-office users: creation, changes by an administrator, their own password change and an administrator's reset.
/// Every change is audited in its own transaction.
package struct Users: Sendable {
    let database: any Database
    let settings: AccountSettings
    let limiter: AttemptLimiter
    /// Tells which institutions exist (the catalogue's, through its port).
    let catalog: any CatalogLookup
    let clock: any WallClock

    /// Institutions must exist in the catalogue; editors, back-office agents and the finance role need at least one.
    func checkScopes(role: Role, institutions: [String]) async throws {
        if !institutions.isEmpty {
            let known = try await catalog.existingInstitutions(Set(institutions))
            guard institutions.allSatisfy(known.contains) else {
                throw AppError.validation(field: "institutions", code: "accounts.unknown_institution")
            }
        }
        if role == .catalogEditor || role == .backOfficeAgent || role == .finance, institutions.isEmpty {
            throw AppError.validation(field: "institutions", code: "accounts.scope_required")
        }
    }

    @discardableResult
    package func create(_ new: NewUser, origin: ActionOrigin) async throws -> UserAccount {
        let email = AccountRules.normalisedEmail(new.email)
        guard AccountRules.validEmail(email) else { throw AppError.validation(field: "email", code: "accounts.bad_email") }
        let name = try AccountRules.name(new.name)
        guard new.password.count >= AccountRules.minimumPasswordLength else {
            throw AppError.validation(field: "password", code: "accounts.short_password")
        }
        let institutions = AccountRules.scope(new.institutions)
        let centres = AccountRules.scope(new.centres)
        let hash = try await Secrets.hashPassword(new.password, cost: settings.bcryptCost)
        try await checkScopes(role: new.role, institutions: institutions)
        let now = AuditLog.timestamp(clock.now)
        return try await limiter.write { database in
            if try await UserRow.query(on: database).filter(\.$email == email).first() != nil {
                throw AppError.validation(field: "email", code: "accounts.email_taken")
            }
            let row = UserRow()
            row.id = RandomID.uuid()
            row.email = email
            row.name = name
            row.role = new.role.rawValue
            row.passwordHash = hash
            row.disabled = false
            row.mustChangePassword = new.mustChangePassword
            row.createdAt = now
            row.updatedAt = now
            try await row.create(on: database)
            try await Self.replaceScopes(userId: try row.requireID(), institutions: institutions, centres: centres, on: database)
            try await AuditLog.append(
                origin.entry(
                    "user.create", entity: "user", id: row.id,
                    summary:
                        "role \(new.role.rawValue); institutions \(institutions.joined(separator: ",")); centres \(centres.joined(separator: ","))"),
                on: database)
            return UserAccount(
                id: try row.requireID(), email: email, name: name, role: new.role, institutions: institutions, centres: centres, disabled: false,
                mustChangePassword: new.mustChangePassword, createdAt: row.createdAt)
        }
    }

    private static func replaceScopes(userId: String, institutions: [String], centres: [String], on database: any Database) async throws {
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

    package func all() async throws -> [UserAccount] {
        let rows = try await UserRow.query(on: database).sort(\.$email).all()
        let scopes = try await UserScopeRow.query(on: database).all()
        return rows.map { row in Self.account(row, scopes: scopes.filter { $0.userId == row.id }) }
    }

    package func user(id: String) async throws -> UserAccount? {
        guard let row = try await UserRow.find(id, on: database) else { return nil }
        return Self.account(row, scopes: try await UserScopeRow.query(on: database).filter(\.$userId == id).all())
    }

    /// Whether any user exists (the demo creates its users on an empty table only).
    package func isEmpty() async throws -> Bool {
        try await UserRow.query(on: database).count() == 0
    }

    static func account(_ row: UserRow, scopes: [UserScopeRow]) -> UserAccount {
        UserAccount(
            id: row.id ?? "", email: row.email, name: row.name, role: Role(rawValue: row.role) ?? .analyst,
            institutions: scopes.filter { $0.kind == "institution" }.map(\.scopeId).sorted(),
            centres: scopes.filter { $0.kind == "centre" }.map(\.scopeId).sorted(), disabled: row.disabled,
            mustChangePassword: row.mustChangePassword, createdAt: row.createdAt)
    }

    /// Role, scope, name or disabled flag. Disabling a user ends their sessions at once.
    package func update(id: String, change: UserChange, origin: ActionOrigin) async throws {
        let name = try AccountRules.name(change.name)
        let institutions = AccountRules.scope(change.institutions)
        let centres = AccountRules.scope(change.centres)
        guard try await UserRow.find(id, on: database) != nil else { throw AppError.notFound() }
        if "user:\(id)" == origin.actor, change.disabled || change.role != .administrator {
            // An administrator cannot lock themselves out.
            throw AppError.validation(field: "role", code: "accounts.not_yourself")
        }
        try await checkScopes(role: change.role, institutions: institutions)
        let now = AuditLog.timestamp(clock.now)
        try await limiter.write { database in
            guard let row = try await UserRow.find(id, on: database) else { throw AppError.notFound() }
            let before = Self.account(row, scopes: try await UserScopeRow.query(on: database).filter(\.$userId == id).all())
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
            row.updatedAt = now
            try await row.save(on: database)
            try await Self.replaceScopes(userId: id, institutions: institutions, centres: centres, on: database)
            if change.disabled || before.role != change.role {
                try await SessionRow.query(on: database).filter(\.$userId == id).delete()
            }
            try await AuditLog.append(origin.entry("user.update", entity: "user", id: id, summary: changes.joined(separator: "; ")), on: database)
        }
    }

    /// The user's own change: the current password must be right; every other session of theirs ends.
    package func changePassword(userId: String, current: String, new: String, keepSession: String?, origin: ActionOrigin) async throws {
        guard let row = try await UserRow.find(userId, on: database) else { throw AppError.notFound() }
        guard try await Secrets.verifyPassword(current, hash: row.passwordHash) else {
            throw AppError.validation(field: "current", code: "accounts.wrong_password")
        }
        guard new.count >= AccountRules.minimumPasswordLength else {
            throw AppError.validation(field: "password", code: "accounts.short_password")
        }
        guard new != current else { throw AppError.validation(field: "password", code: "accounts.same_password") }
        let hash = try await Secrets.hashPassword(new, cost: settings.bcryptCost)
        let now = AuditLog.timestamp(clock.now)
        try await limiter.write { database in
            row.passwordHash = hash
            row.mustChangePassword = false
            row.updatedAt = now
            try await row.save(on: database)
            var others = SessionRow.query(on: database).filter(\.$userId == userId)
            if let keepSession { others = others.filter(\.$id != Secrets.sha256(keepSession)) }
            try await others.delete()
            try await AuditLog.append(origin.entry("user.password_change", entity: "user", id: userId, summary: "password changed"), on: database)
        }
    }

    /// An administrator's reset: a new temporary password, shown once, to be changed at the next sign-in.
    package func resetPassword(userId: String, origin: ActionOrigin) async throws -> String {
        let password = Secrets.generatePassword()
        let hash = try await Secrets.hashPassword(password, cost: settings.bcryptCost)
        let now = AuditLog.timestamp(clock.now)
        try await limiter.write { database in
            guard let row = try await UserRow.find(userId, on: database) else { throw AppError.notFound() }
            row.passwordHash = hash
            row.mustChangePassword = true
            row.updatedAt = now
            try await row.save(on: database)
            try await SessionRow.query(on: database).filter(\.$userId == userId).delete()
            try await AuditLog.append(
                origin.entry("user.password_reset", entity: "user", id: userId, summary: "password reset by administrator"), on: database)
        }
        return password
    }
}

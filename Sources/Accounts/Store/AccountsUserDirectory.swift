// SPDX-License-Identifier: MPL-2.0
import FluentKit
import GuichetCore
import SQLKit

/// What other features may know of back-office users (the `UserDirectory` port): names, the agents of an
/// institution, and who may be given its work. The only reader of the users' tables outside Accounts' own types.
package struct AccountsUserDirectory: UserDirectory {
    let database: any Database

    package init(database: any Database) {
        self.database = database
    }

    package func names(of ids: Set<String>) async throws -> [String: String] {
        guard !ids.isEmpty else { return [:] }
        var names: [String: String] = [:]
        for row in try await database.sql.select().columns("id", "name").from(UserRow.schema).where("id", .in, Array(ids)).all() {
            names[try row.decode(column: "id", as: String.self)] = try row.decode(column: "name", as: String.self)
        }
        return names
    }

    package func agents(of institution: String) async throws -> [DirectoryUser] {
        try await database.sql.raw(
            """
            SELECT u.id, u.name FROM users u JOIN user_scopes s ON s.user_id = u.id
            WHERE u.role = \(bind: Role.backOfficeAgent.rawValue) AND u.disabled = \(bind: false) AND s.scope_id = \(bind: institution) \
            ORDER BY u.name
            """
        ).all().map { DirectoryUser(id: try $0.decode(column: "id", as: String.self), name: try $0.decode(column: "name", as: String.self)) }
    }

    package func mayWork(user: String, institution: String) async throws -> Bool {
        let sql = database.sql
        guard let row = try await sql.select().columns("role", "disabled").from(UserRow.schema).where("id", .equal, user).first(),
            try row.decode(column: "disabled", as: Bool.self) == false
        else { return false }
        let role = try row.decode(column: "role", as: String.self)
        if role == Role.administrator.rawValue { return true }
        guard role == Role.backOfficeAgent.rawValue else { return false }
        return try await sql.select().column("id").from(UserScopeRow.schema).where("user_id", .equal, user).where("scope_id", .equal, institution)
            .first() != nil
    }
}

// SPDX-License-Identifier: MPL-2.0
import GuichetCore

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

/// A user to create, with their first password.
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

/// An administrator's change to a user: name, role, scope, disabled flag.
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

/// The rules on what a person types for an account.
package enum AccountRules {
    package static let minimumPasswordLength = 10

    static func normalisedEmail(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    static func validEmail(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !email.contains(" ") && email.count <= 254
    }

    /// A trimmed name of 1 to 120 characters.
    static func name(_ text: String) throws -> String {
        let name = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 120 else { throw AppError.validation(field: "name", code: "accounts.bad_name") }
        return name
    }

    /// Scope ids as stored: no empty id, each once, sorted.
    static func scope(_ ids: [String]) -> [String] {
        Array(Set(ids.filter { !$0.isEmpty })).sorted()
    }
}

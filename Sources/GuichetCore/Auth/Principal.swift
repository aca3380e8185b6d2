// SPDX-License-Identifier: MPL-2.0
import Hummingbird

/// What a signed-in user (or an API token) may do. Each role is scoped to the institutions or centres it belongs to,
/// except the administrator's.
package enum Role: String, Codable, Sendable, CaseIterable {
    case administrator
    case catalogEditor = "catalog_editor"
    case backOfficeAgent = "back_office_agent"
    case centreAgent = "centre_agent"
    case centreManager = "centre_manager"
    case analyst
    /// The books of their institutions' fees: payments, reconciliation with the operators' statements.
    case finance
}

/// Who is making the request: a user through a session cookie, or a machine client through a bearer token.
package struct Principal: Sendable, Equatable {
    package enum Kind: String, Sendable { case session, token }

    package var kind: Kind
    /// The user's id (for a token, the id of the token: `token:<id>`).
    package var id: String
    package var displayName: String
    package var role: Role
    /// Institution ids (catalogue editors, back-office agents) this principal acts for.
    package var institutions: [String]
    /// Service-centre ids (centre agents and managers).
    package var centres: [String]

    package init(kind: Kind, id: String, displayName: String, role: Role, institutions: [String] = [], centres: [String] = []) {
        self.kind = kind
        self.id = id
        self.displayName = displayName
        self.role = role
        self.institutions = institutions
        self.centres = centres
    }

    /// The `actor` written in audit events: `user:<id>` or `token:<id>`.
    package var actor: String { kind == .session ? "user:\(id)" : id }

    package var isAdministrator: Bool { role == .administrator }

    /// An administrator acts for every institution; anyone else for those they belong to.
    package func actsFor(institution: String) -> Bool { isAdministrator || institutions.contains(institution) }

    package func actsFor(centre: String) -> Bool { isAdministrator || centres.contains(centre) }
}

extension AppRequestContext {
    /// The signed-in principal holding one of `roles` (administrators always pass).
    /// Signed out → 401 (HTML pages redirect to the sign-in page); another role → 403.
    package func require(_ roles: Set<Role>) throws -> Principal {
        guard let principal else { throw AppError(.unauthorized, code: "unauthorized") }
        guard principal.isAdministrator || roles.contains(principal.role) else { throw AppError(.forbidden, code: "forbidden") }
        return principal
    }

    package func require(_ roles: Role...) throws -> Principal { try require(Set(roles)) }
}

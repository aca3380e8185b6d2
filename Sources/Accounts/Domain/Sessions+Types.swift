// SPDX-License-Identifier: MPL-2.0
import GuichetCore

/// What a sign-in attempt comes to.
package enum SignInResult: Sendable, Equatable {
    case success(userId: String, mustChangePassword: Bool)
    /// Wrong e-mail or password, or a disabled account: the same answer for all three.
    case failure
    case tooManyAttempts
}

/// A session just started.
package struct NewSession: Sendable {
    /// Goes into the cookie, never stored.
    package var id: String
    package var csrfToken: String
}

/// The session a cookie names, still valid.
package struct ActiveSession: Sendable {
    package var principal: Principal
    package var csrfToken: String
    package var mustChangePassword: Bool
}

/// An API token as the back office lists it (never its secret).
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

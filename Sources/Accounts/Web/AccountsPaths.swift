/// Every path of accounts and the back office's own pages, named once.
package enum AccountsPaths {
    package static let home = "/admin"
    package static let signIn = "/admin/sign-in"
    package static let signOut = "/admin/sign-out"
    package static let signOutEverywhere = "/admin/sign-out-everywhere"
    package static let password = "/admin/account/password"
    package static let users = "/admin/users"
    package static let newUser = "/admin/users/new"
    package static let userPattern = "/admin/users/:id"
    package static let userResetPattern = "/admin/users/:id/reset"
    package static let tokens = "/admin/tokens"
    package static let tokenRevokePattern = "/admin/tokens/:id/revoke"
    package static let audit = "/admin/audit"
    package static let auditExport = "/admin/audit/export.jsonl"

    package static func user(_ id: String) -> String { "/admin/users/\(id)" }
    package static func userReset(_ id: String) -> String { "/admin/users/\(id)/reset" }
    package static func tokenRevoke(_ id: String) -> String { "/admin/tokens/\(id)/revoke" }
}

/// The session cookie's name.
package enum SessionCookie {
    package static let name = "guichet_session"

    /// `__Host-guichet_session` over HTTPS: no subdomain can set or shadow it.
    package static func name(secure: Bool) -> String { secure ? "__Host-" + name : name }
}

// SPDX-License-Identifier: MPL-2.0
import GuichetCore

/// Every path of accounts and the back office's own pages, named once.
package enum AccountsRoute {
    package static let home = Route(CorePaths.backOffice)
    package static let signIn = Route(CorePaths.signIn)
    package static let signOut = Route("/admin/sign-out")
    package static let signOutEverywhere = Route("/admin/sign-out-everywhere")
    package static let password = Route("/admin/account/password")
    package static let users = Route("/admin/users")
    package static let newUser = Route("/admin/users/new")
    package static let user = Route("/admin/users/:id")
    package static let userReset = Route("/admin/users/:id/reset")
    package static let tokens = Route("/admin/tokens")
    package static let tokenRevoke = Route("/admin/tokens/:id/revoke")
    package static let audit = Route("/admin/audit")
    package static let auditExport = Route("/admin/audit/export.jsonl")
}

/// The session cookie's name.
package enum SessionCookie {
    package static let name = "guichet_session"

    /// `__Host-guichet_session` over HTTPS: no subdomain can set or shadow it.
    package static func name(secure: Bool) -> String { secure ? "__Host-" + name : name }
}

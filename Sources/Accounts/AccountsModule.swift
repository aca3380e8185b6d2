// SPDX-License-Identifier: MPL-2.0
import FluentKit
import Foundation
import GuichetCore
import Hummingbird

/// Accounts, built once by the composition root: users, sessions, sign-in limits and API tokens, the back office's
/// own pages, and the middleware that finds who is asking. Provides the `UserDirectory` port; uses `CatalogLookup`
/// (through the `AccountService` it is given) to check that scopes name existing institutions.
package struct AccountsModule: Sendable {
    package let service: AccountService
    let renderer: Renderer
    let secureCookies: Bool
    let trustForwardedFor: Bool

    package init(service: AccountService, renderer: Renderer, configuration: AppConfiguration) {
        self.service = service
        self.renderer = renderer
        self.secureCookies = configuration.secureCookies
        self.trustForwardedFor = configuration.trustForwardedFor
    }

    /// The account service over the application's database, with its settings from the configuration.
    package static func service(
        database: DatabaseService, configuration: AppConfiguration, catalog: any CatalogLookup, clock: any WallClock = SystemClock()
    ) -> AccountService {
        AccountService(
            database: database.db, settings: AccountSettings(configuration), limiter: AttemptLimiter(database), catalog: catalog, clock: clock,
            reads: database.sql)
    }

    /// Finds the principal of each request (session cookie or bearer token); added before the CSRF middleware.
    package var authMiddleware: AuthMiddleware {
        AuthMiddleware(accounts: service, trustForwardedFor: trustForwardedFor, secureCookies: secureCookies)
    }

    package func addRoutes(to router: Router<AppRequestContext>) throws {
        AuthController(accounts: service, renderer: renderer, secureCookies: secureCookies).addRoutes(to: router)
        AdminController(accounts: service, renderer: renderer, database: service.database).addRoutes(to: router)
    }

    /// What other features may know of back-office users.
    package var userDirectory: any UserDirectory { AccountsUserDirectory(database: service.database) }

    package static var migrations: [any Migration] { AccountsMigrations.all }

    package static var menu: [MenuEntry] {
        [
            MenuEntry(
                path: AccountsRoute.home.path(), label: "accounts.menu.home", description: "accounts.menu.home_description", roles: Set(Role.allCases)
            ),
            MenuEntry(
                path: AccountsRoute.users.path(), label: "accounts.menu.users", description: "accounts.menu.users_description",
                roles: [.administrator]),
            MenuEntry(
                path: AccountsRoute.tokens.path(), label: "accounts.menu.tokens", description: "accounts.menu.tokens_description",
                roles: [.administrator]),
            MenuEntry(
                path: AccountsRoute.audit.path(), label: "accounts.menu.audit", description: "accounts.menu.audit_description",
                roles: [.administrator]),
        ]
    }

    /// The `Resources` folder of this module (templates and locales of the back office's own pages).
    package static var resources: URL { Bundle.module.bundleURL.appendingPathComponent("Resources") }
}

import GuichetCore

package enum AccountsMenu {
    package static var entries: [MenuEntry] {
        [
            MenuEntry(path: AccountsPaths.home, label: "accounts.menu.home", description: "accounts.menu.home_description", roles: Set(Role.allCases)),
            MenuEntry(path: AccountsPaths.users, label: "accounts.menu.users", description: "accounts.menu.users_description", roles: [.administrator]),
            MenuEntry(path: AccountsPaths.tokens, label: "accounts.menu.tokens", description: "accounts.menu.tokens_description", roles: [.administrator]),
            MenuEntry(path: AccountsPaths.audit, label: "accounts.menu.audit", description: "accounts.menu.audit_description", roles: [.administrator]),
        ]
    }
}

// SPDX-License-Identifier: MPL-2.0
/// One link of the back office's menu and of its home page: each feature adds its own, with the roles that see it.
package struct MenuEntry: Sendable {
    package var path: String
    /// Locale key of the link's label, e.g. `admin.menu.users`.
    package var label: String
    /// Locale key of the one-line description on the home page.
    package var description: String
    package var roles: Set<Role>

    package init(path: String, label: String, description: String, roles: Set<Role>) {
        self.path = path
        self.label = label
        self.description = description
        self.roles = roles
    }

    /// Administrators see every entry.
    package func visible(to principal: Principal) -> Bool { principal.isAdministrator || roles.contains(principal.role) }
}

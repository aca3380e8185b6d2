import GuichetCore

/// The console's place in the back office's menu.
package enum CentresMenu {
    package static var entries: [MenuEntry] {
        [
            MenuEntry(
                path: CentresPaths.adminList, label: "centres.menu.console", description: "centres.menu.console_description",
                roles: [.administrator, .centreAgent, .centreManager])
        ]
    }
}

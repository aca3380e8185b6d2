import GuichetCore

/// The console's and the commitments' places in the back office's menu.
package enum CentresMenu {
    package static var entries: [MenuEntry] {
        [
            MenuEntry(
                path: CentresPaths.adminList, label: "centres.menu.console", description: "centres.menu.console_description",
                roles: [.administrator, .centreAgent, .centreManager]),
            MenuEntry(
                path: CentresPaths.commitments, label: "centres.menu.commitments", description: "centres.menu.commitments_description",
                roles: [.administrator, .centreManager]),
        ]
    }
}

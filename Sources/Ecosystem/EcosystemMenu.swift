import GuichetCore

/// The ecosystem's entries in the back office's menu.
package enum EcosystemMenu {
    package static var entries: [MenuEntry] {
        [
            MenuEntry(path: EcosystemPaths.needs, label: "ecosystem.menu.needs", description: "ecosystem.menu.needs_description", roles: [.analyst]),
            MenuEntry(
                path: EcosystemPaths.priorities, label: "ecosystem.menu.priorities", description: "ecosystem.menu.priorities_description",
                roles: [.analyst]),
            MenuEntry(
                path: EcosystemPaths.importPlan, label: "ecosystem.menu.import_plan", description: "ecosystem.menu.import_plan_description",
                roles: [.analyst]),
        ]
    }
}

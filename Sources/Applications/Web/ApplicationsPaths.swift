import GuichetCore

/// Every address of the applications feature. No address carries personal data: applications are named by a random
/// id (the person's own draft) or their reference, never by a name or a number the person gave.
package enum ApplicationsPaths {
    package static func apply(_ procedure: String) -> String { "/procedures/\(procedure)/apply" }
    package static let applyPattern = "/procedures/:id/apply"
    package static func page(_ id: String, _ page: String) -> String { "/applications/\(id)/pages/\(page)" }
    package static let pagePattern = "/applications/:id/pages/:page"
    package static func check(_ id: String) -> String { "/applications/\(id)/check" }
    package static let checkPattern = "/applications/:id/check"
    package static func declaration(_ id: String) -> String { "/applications/\(id)/declaration" }
    package static let declarationPattern = "/applications/:id/declaration"
    package static func confirmation(_ id: String) -> String { "/applications/\(id)/confirmation" }
    package static let confirmationPattern = "/applications/:id/confirmation"
    package static func document(_ id: String) -> String { "/applications/\(id)/document" }
    package static let documentPattern = "/applications/:id/document"
    package static let track = "/track"
    package static let trackCorrect = "/track/correct"
    package static let verify = "/verify"
    package static func verify(_ code: String) -> String { "/verify/\(code)" }
    package static let verifyPattern = "/verify/:code"
    package static let keys = "/verify/keys.json"

    package static let inbox = "/admin/applications"
    package static func item(_ id: String) -> String { "/admin/applications/\(id)" }
    package static let itemPattern = "/admin/applications/:id"
    package static func actions(_ id: String) -> String { "/admin/applications/\(id)/actions" }
    package static let actionsPattern = "/admin/applications/:id/actions"
    package static func file(_ id: String, _ field: String) -> String { "/admin/applications/\(id)/files/\(field)" }
    package static let filePattern = "/admin/applications/:id/files/:field"
    package static func agentDocument(_ id: String) -> String { "/admin/applications/\(id)/document" }
    package static let agentDocumentPattern = "/admin/applications/:id/document"
    package static let assisted = "/admin/applications/assisted"
    package static let forms = "/admin/forms"
    package static func form(_ procedure: String) -> String { "/admin/forms/\(procedure)" }
    package static let formPattern = "/admin/forms/:id"

    package static let api = "/api/v1/applications"
    package static let apiItemPattern = "/api/v1/applications/:reference"
    package static let apiFilePattern = "/api/v1/applications/:reference/files/:field"
    package static let apiSubmitPattern = "/api/v1/applications/:reference/submit"
    package static let apiActionsPattern = "/api/v1/applications/:reference/actions"
    package static let apiTrack = "/api/v1/track"
    package static let apiDocumentPattern = "/api/v1/documents/:code"
    package static let apiKeys = "/api/v1/document-keys"
}

package enum ApplicationsMenu {
    package static var entries: [MenuEntry] {
        [
            MenuEntry(
                path: ApplicationsPaths.inbox, label: "applications.menu.inbox", description: "applications.menu.inbox_description",
                roles: [.backOfficeAgent]),
            MenuEntry(
                path: ApplicationsPaths.assisted, label: "applications.menu.assisted", description: "applications.menu.assisted_description",
                roles: [.centreAgent]),
            MenuEntry(
                path: ApplicationsPaths.forms, label: "applications.menu.forms", description: "applications.menu.forms_description",
                roles: [.catalogEditor]),
        ]
    }
}

// SPDX-License-Identifier: MPL-2.0
import GuichetCore

/// Every address of the applications feature, named once: routes register with them, pages link and redirect with
/// them, tests call them. No address carries personal data: applications are named by a random id (the person's own
/// draft) or their reference, never by a name or a number the person gave.
package enum ApplicationsRoute {
    // The person's pages.
    package static let apply = Route("/procedures/:id/apply")
    package static let page = Route("/applications/:id/pages/:page")
    package static let check = Route("/applications/:id/check")
    package static let declaration = Route("/applications/:id/declaration")
    package static let confirmation = Route("/applications/:id/confirmation")
    package static let document = Route("/applications/:id/document")
    package static let track = Route("/track")
    package static let trackCorrect = Route("/track/correct")
    package static let verifyForm = Route("/verify")
    package static let verify = Route("/verify/:code")
    package static let keys = Route("/verify/keys.json")

    // The back office.
    package static let inbox = Route("/admin/applications")
    package static let assisted = Route("/admin/applications/assisted")
    package static let item = Route("/admin/applications/:id")
    package static let actions = Route("/admin/applications/:id/actions")
    package static let file = Route("/admin/applications/:id/files/:field")
    package static let agentDocument = Route("/admin/applications/:id/document")
    package static let forms = Route("/admin/forms")
    package static let form = Route("/admin/forms/:id")

    // The JSON API.
    package static let api = Route("/api/v1/applications")
    package static let apiItem = Route("/api/v1/applications/:reference")
    package static let apiFile = Route("/api/v1/applications/:reference/files/:field")
    package static let apiSubmit = Route("/api/v1/applications/:reference/submit")
    package static let apiActions = Route("/api/v1/applications/:reference/actions")
    package static let apiTrack = Route("/api/v1/track")
    package static let apiDocument = Route("/api/v1/documents/:code")
    package static let apiKeys = Route("/api/v1/document-keys")
    package static let apiForm = Route("/api/v1/procedures/:id/form")
}

extension Route {
    /// The pattern as OpenAPI writes it: `/api/v1/applications/{reference}`.
    var openAPIPath: String {
        pattern.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.first == ":" ? "{\($0.dropFirst())}" : String($0) }
            .joined(separator: "/")
    }
}

package enum ApplicationsMenu {
    package static var entries: [MenuEntry] {
        [
            MenuEntry(
                path: ApplicationsRoute.inbox.pattern, label: "applications.menu.inbox", description: "applications.menu.inbox_description",
                roles: [.backOfficeAgent]),
            MenuEntry(
                path: ApplicationsRoute.assisted.pattern, label: "applications.menu.assisted", description: "applications.menu.assisted_description",
                roles: [.centreAgent]),
            MenuEntry(
                path: ApplicationsRoute.forms.pattern, label: "applications.menu.forms", description: "applications.menu.forms_description",
                roles: [.catalogEditor]),
        ]
    }
}

/// What the centres' console offers for the visitor being served: this feature's assisted filing, linked to the ticket.
struct AssistedApplicationAction: VisitorActionSource {
    func visitorActions(ticket: String, principal: Principal) -> [ProcedureAction] {
        [
            ProcedureAction(
                kind: "assisted_application", label: "applications.visitor_action.assisted",
                href: ApplicationsRoute.assisted.path() + "?ticket=" + FormQuery.encode(ticket))
        ]
    }
}

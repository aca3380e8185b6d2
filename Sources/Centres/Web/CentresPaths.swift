/// Every path of the service centres, named once: routes, links, redirects and tests use these.
package enum CentresPaths {
    package static let list = "/centres"
    package static let geoJSON = "/centres.geojson"
    package static let results = "/engagements"
    package static let stylesheet = "/static/centres.css"
    package static let centrePattern = "/centres/:id"
    package static let kioskPattern = "/centres/:id/kiosk"
    package static let kioskTicketsPattern = "/centres/:id/kiosk/tickets"
    package static let remotePattern = "/centres/:id/remote"
    package static let boardPattern = "/centres/:id/board"
    package static let tabletPattern = "/centres/:id/feedback"
    package static let ticketPattern = "/tickets/:code"
    package static let ticketFeedbackPattern = "/tickets/:code/feedback"

    package static let appointmentsPattern = "/centres/:id/appointments"
    package static let checkInPattern = "/centres/:id/kiosk/check-in"
    package static let appointmentPattern = "/appointments/:code"
    package static let appointmentCancelPattern = "/appointments/:code/cancel"

    package static func centre(_ id: String) -> String { "/centres/\(id)" }
    package static func appointments(_ id: String) -> String { "/centres/\(id)/appointments" }
    package static func checkIn(_ id: String) -> String { "/centres/\(id)/kiosk/check-in" }
    package static func appointment(_ code: String) -> String { "/appointments/\(code)" }
    package static func appointmentCancel(_ code: String) -> String { "/appointments/\(code)/cancel" }
    package static func kiosk(_ id: String) -> String { "/centres/\(id)/kiosk" }
    package static func kioskTickets(_ id: String) -> String { "/centres/\(id)/kiosk/tickets" }
    package static func remote(_ id: String) -> String { "/centres/\(id)/remote" }
    package static func board(_ id: String) -> String { "/centres/\(id)/board" }
    package static func tablet(_ id: String) -> String { "/centres/\(id)/feedback" }
    package static func ticket(_ code: String) -> String { "/tickets/\(code)" }
    package static func ticketFeedback(_ code: String) -> String { "/tickets/\(code)/feedback" }

    // JSON API (in the OpenAPI document; `CentresAPIController.routes` names them as it writes them).
    package static let apiCentres = "/api/v1/centres"
    package static let apiCentrePattern = "/api/v1/centres/:id"
    package static let apiTicketsPattern = "/api/v1/centres/:id/tickets"
    package static let apiTicketPattern = "/api/v1/tickets/:code"
    package static func apiCentre(_ id: String) -> String { "/api/v1/centres/\(id)" }
    package static func apiTickets(_ id: String) -> String { "/api/v1/centres/\(id)/tickets" }
    package static func apiTicket(_ code: String) -> String { "/api/v1/tickets/\(code)" }

    // Back office: the agent console.
    package static let adminList = "/admin/centres"
    package static let consolePattern = "/admin/centres/:id"
    package static let receptionPattern = "/admin/centres/:id/tickets"
    package static let counterOpenPattern = "/admin/centres/:id/counters/:counter/open"
    package static let counterClosePattern = "/admin/centres/:id/counters/:counter/close"
    package static let counterCallPattern = "/admin/centres/:id/counters/:counter/call"
    package static let counterActionPattern = "/admin/centres/:id/counters/:counter/tickets/:ticket/:action"

    package static let dashboardPattern = "/admin/centres/:id/dashboard"
    /// The network's commitments (centre managers): outside `/admin/centres/` so that no centre id can stand for it.
    package static let commitments = "/admin/commitments"

    /// Assisted digital: the Applications module's page where an agent files an application for the visitor being served.
    package static let assistedApplication = "/admin/applications/assisted"
    package static func assistedApplication(ticket: String) -> String { "\(assistedApplication)?ticket=\(ticket)" }

    package static func console(_ id: String) -> String { "/admin/centres/\(id)" }
    package static func dashboard(_ id: String) -> String { "/admin/centres/\(id)/dashboard" }
    package static func reception(_ id: String) -> String { "/admin/centres/\(id)/tickets" }
    package static func counterOpen(_ id: String, _ counter: String) -> String { "/admin/centres/\(id)/counters/\(counter)/open" }
    package static func counterClose(_ id: String, _ counter: String) -> String { "/admin/centres/\(id)/counters/\(counter)/close" }
    package static func counterCall(_ id: String, _ counter: String) -> String { "/admin/centres/\(id)/counters/\(counter)/call" }
    package static func counterAction(_ id: String, _ counter: String, _ ticket: String, _ action: String) -> String {
        "/admin/centres/\(id)/counters/\(counter)/tickets/\(ticket)/\(action)"
    }
}

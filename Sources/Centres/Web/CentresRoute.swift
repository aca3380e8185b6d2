// SPDX-License-Identifier: MPL-2.0
import GuichetCore

/// Every path of the service centres, named once: routes, links, redirects and tests use these
/// (`CentresRoute.kiosk.path(id)`). Other features' pages are reached through ports, never spelled here.
package enum CentresRoute {
    // Public pages.
    package static let list = Route("/centres")
    package static let geoJSON = Route("/centres.geojson")
    package static let results = Route("/engagements")
    package static let stylesheet = Route("/static/centres.css")
    package static let centre = Route("/centres/:id")
    package static let kiosk = Route("/centres/:id/kiosk")
    package static let kioskTickets = Route("/centres/:id/kiosk/tickets")
    package static let remote = Route("/centres/:id/remote")
    package static let board = Route("/centres/:id/board")
    package static let tablet = Route("/centres/:id/feedback")
    package static let ticket = Route("/tickets/:code")
    package static let ticketFeedback = Route("/tickets/:code/feedback")

    package static let appointments = Route("/centres/:id/appointments")
    package static let checkIn = Route("/centres/:id/kiosk/check-in")
    package static let appointment = Route("/appointments/:code")
    package static let appointmentCancel = Route("/appointments/:code/cancel")

    // JSON API (in the OpenAPI document).
    package static let apiCentres = Route("/api/v1/centres")
    package static let apiCentre = Route("/api/v1/centres/:id")
    package static let apiTickets = Route("/api/v1/centres/:id/tickets")
    package static let apiTicket = Route("/api/v1/tickets/:code")

    /// The API's routes with their methods, as registered, and the public GeoJSON (also in the OpenAPI document).
    static let api: [(method: String, route: Route)] = [
        ("GET", apiCentres), ("GET", apiCentre), ("POST", apiTickets), ("GET", apiTicket), ("GET", geoJSON),
    ]

    /// (method, path as the OpenAPI document writes it: `/api/v1/centres/{id}`).
    package static var apiRoutes: [(method: String, path: String)] {
        api.map { item in
            (
                item.method,
                item.route.pattern.split(separator: "/", omittingEmptySubsequences: false)
                    .map { $0.first == ":" ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
            )
        }
    }

    // Back office: the agent console.
    package static let adminList = Route("/admin/centres")
    package static let console = Route("/admin/centres/:id")
    package static let reception = Route("/admin/centres/:id/tickets")
    package static let counterOpen = Route("/admin/centres/:id/counters/:counter/open")
    package static let counterClose = Route("/admin/centres/:id/counters/:counter/close")
    package static let counterCall = Route("/admin/centres/:id/counters/:counter/call")
    package static let counterAction = Route("/admin/centres/:id/counters/:counter/tickets/:ticket/:action")
    package static let dashboard = Route("/admin/centres/:id/dashboard")
    /// The network's commitments (centre managers): outside `/admin/centres/` so that no centre id can stand for it.
    package static let commitments = Route("/admin/commitments")

    /// The action part of `counterAction` that sends the ticket to another service.
    static let transferAction = "transfer"
}

// SPDX-License-Identifier: MPL-2.0
import GuichetCore

/// Where the home page leads for this feature: the centres (remote tickets, appointments) and the published results.
enum CentresDestinations {
    static let all: [Destination] = [
        Destination(
            kind: "centres", label: "centres.destination.centres", detail: "centres.destination.centres_detail", href: CentresRoute.list.path()),
        Destination(
            kind: "results", label: "centres.destination.results", detail: "centres.destination.results_detail", href: CentresRoute.results.path()),
    ]
}

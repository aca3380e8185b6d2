// SPDX-License-Identifier: MPL-2.0
import GuichetCore

/// Where the home page leads for this feature: following an application and verifying a document.
enum ApplicationsDestinations {
    static let all: [Destination] = [
        Destination(
            kind: "track", label: "applications.destination.track", detail: "applications.destination.track_detail",
            href: ApplicationsRoute.track.path()),
        Destination(
            kind: "verify", label: "applications.destination.verify", detail: "applications.destination.verify_detail",
            href: ApplicationsRoute.verifyForm.path()),
    ]
}

// SPDX-License-Identifier: MPL-2.0
import GuichetCore

/// Where the home page leads for this feature: the map of the digital ecosystem.
enum EcosystemDestinations {
    static let all: [Destination] = [
        Destination(
            kind: "ecosystem", label: "ecosystem.destination.home", detail: "ecosystem.destination.home_detail", href: EcosystemRoute.home.path())
    ]
}

// SPDX-License-Identifier: MPL-2.0
import Foundation

/// Something a person can do about a procedure, offered by the feature that does it (apply online, go to a centre,
/// report a digitalisation need). The catalogue's procedure page renders what it is given and knows no other
/// feature's paths.
package struct ProcedureAction: Sendable, Equatable {
    /// What kind of action it is (`apply`, `track`, `centre`, `report_need`): the page's order and styling.
    package let kind: String
    /// Locale key of the link's text.
    package let label: String
    /// Locale key of a sentence under the link, if any.
    package let detail: String?
    /// Where it leads (without the language query; the page adds it).
    package let href: String
    /// Values of the `{name}`s of `label` and `detail`, already in the language the subject asked for.
    package var arguments: [String: String] = [:]
    /// Where the procedure is done (`centre`): nearest first when the subject says where the person is.
    package var places: [ProcedurePlace] = []
    /// How many places there are in all when `places` was cut to the first few (the page links to the whole list).
    package var placesTotal: Int? = nil
    /// When the subject named a place: whether it was recognised (nil when none was named).
    package var nearFound: Bool? = nil
    /// The answer holds live figures (waits, open now): a page showing it may be kept until then, no longer.
    package var freshUntil: Date? = nil

    package init(
        kind: String, label: String, detail: String? = nil, href: String, arguments: [String: String] = [:], places: [ProcedurePlace] = [],
        placesTotal: Int? = nil, nearFound: Bool? = nil, freshUntil: Date? = nil
    ) {
        self.kind = kind
        self.label = label
        self.detail = detail
        self.href = href
        self.arguments = arguments
        self.places = places
        self.placesTotal = placesTotal
        self.nearFound = nearFound
        self.freshUntil = freshUntil
    }
}

/// A place where a procedure is done (a centre's service), in the language the subject asked for.
package struct ProcedurePlace: Sendable, Equatable {
    package let name: String
    /// The place's own page.
    package let href: String
    /// Where it is ("Dakar, Dakar").
    package let area: String
    /// The service that handles the procedure there ("A · Civil registration").
    package let service: String
    /// Weekly opening hours (ISO weekdays, 1 = Monday; "08:00").
    package let hours: [PlaceHours]
    /// Open at the moment of the answer; nil when the place is not open yet (planned).
    package let openNow: Bool?
    /// Today's estimated wait, as a phrase ("about 15 minutes"); nil when the place takes no tickets.
    package let wait: String?
    /// Locale key of a note ("planned, not open yet"), if any.
    package let note: String?
    /// What can be done there from afar for that service (take a remote ticket, book an appointment).
    package let links: [PlaceLink]
    /// Distance from where the person said they are, as a phrase ("12 km"), when they said.
    package let distance: String?

    package init(
        name: String, href: String, area: String, service: String, hours: [PlaceHours], openNow: Bool?, wait: String?, note: String? = nil,
        links: [PlaceLink], distance: String? = nil
    ) {
        self.name = name
        self.href = href
        self.area = area
        self.service = service
        self.hours = hours
        self.openNow = openNow
        self.wait = wait
        self.note = note
        self.links = links
        self.distance = distance
    }
}

package struct PlaceHours: Sendable, Equatable {
    package let days: [Int]
    package let opens: String
    package let closes: String

    package init(days: [Int], opens: String, closes: String) {
        self.days = days
        self.opens = opens
        self.closes = closes
    }
}

package struct PlaceLink: Sendable, Equatable {
    /// What it is (`remote_ticket`, `appointment`).
    package let kind: String
    /// Locale key of the link's text.
    package let label: String
    /// Where it leads (without the language query; the page adds it).
    package let href: String

    package init(kind: String, label: String, href: String) {
        self.kind = kind
        self.label = label
        self.href = href
    }
}

/// The procedure an action is asked about, with what the catalogue's page knows of it in the page's language.
package struct ProcedureSubject: Sendable {
    package let id: String
    package let country: String
    package let institutions: [String]
    /// The language of the page the answer is shown on (cached per language).
    package var language: Language = .fr
    /// The catalogue's total cost and time, as the page writes them ("5 000 FCFA", "3 days"); nil when it says nothing.
    package var cost: String? = nil
    package var time: String? = nil
    /// Where the person said they are (a region or department, as typed), nearest places first.
    package var near: String? = nil
    /// Every place, not the first few.
    package var allPlaces: Bool = false

    package init(
        id: String, country: String, institutions: [String], language: Language = .fr, cost: String? = nil, time: String? = nil,
        near: String? = nil, allPlaces: Bool = false
    ) {
        self.id = id
        self.country = country
        self.institutions = institutions
        self.language = language
        self.cost = cost
        self.time = time
        self.near = near
        self.allPlaces = allPlaces
    }
}

/// A feature's contribution to the procedure page. Answers must be cheap: the page is cached per language, address
/// and catalogue generation. A source whose answer changes with its own content (a form published, a centre changed)
/// tells `PublishedContentChanges` in the same transaction; one whose answer holds live figures (waits) says until
/// when it holds (`ProcedureAction.freshUntil`).
package protocol ProcedureActionSource: Sendable {
    /// What this source offers about the procedure (the same to everyone: the page is cached).
    func actions(for procedure: ProcedureSubject) async throws -> [ProcedureAction]
}

/// What an agent can do for the visitor holding a ticket, offered by another feature (Applications: file an
/// application for them). The centres' console renders what it is given.
package protocol VisitorActionSource: Sendable {
    func visitorActions(ticket: String, principal: Principal) -> [ProcedureAction]
}

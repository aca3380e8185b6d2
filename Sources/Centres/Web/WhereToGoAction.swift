// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import NIOConcurrencyHelpers

/// What the procedure page offers from the centres: the centres and offices whose services include the procedure,
/// nearest first when the person says where they are, each with its hours, whether it is open now, today's
/// estimated wait, and links to take a remote ticket or book an appointment for that service. Waits are live: the
/// answer holds for `freshness` and says the time it was worked out at.
struct WhereToGoAction: ProcedureActionSource {
    static let kind = "centre"
    /// Places shown before the "all places" link.
    static let firstFew = 3
    let directory: DirectoryRepository
    let queue: QueueService
    let estimator: WaitEstimator
    let localizer: Localizer
    let clock: any WallClock
    /// The directory as read at the published content's version, and the live figures of the last `freshness` seconds.
    let memo: WhereToGoMemo
    /// The published content's version: a changed centre is a new one.
    let changes: any PublishedContentChanges
    var freshness: TimeInterval = 60

    func actions(for procedure: ProcedureSubject) async throws -> [ProcedureAction] {
        let version = changes.version
        let services = try await memo.directory("offering \(procedure.id)", version: version) { try await directory.services(offering: procedure.id) }
        guard !services.isEmpty else { return [] }
        let page = PageContext(language: procedure.language, localizer: localizer, keys: "centres")
        // The centres by id and their directory order, made once per version of the directory rather than for every
        // page rendered (each made a copy of every centre: 4 % of a first render).
        let index = try await memo.directory("centres", version: version) { CentreIndex(try await directory.centres()) }
        let centres = index.centres
        let byId = index.byId
        var offers = services.compactMap { service in byId[service.centreId].map { (centre: $0, service: service) } }
        // Directory order, open centres before planned ones.
        let order = index.order
        // Each offer's keys worked out once, not in every comparison (two lookups by id each time: 3 % of a first render).
        offers = offers.map { (offer: $0, open: $0.centre.isOpenStatus, rank: order[$0.centre.id] ?? 0) }
            .sorted { a, b in a.open != b.open ? a.open : a.rank < b.rank }.map(\.offer)
        var nearFound: Bool?
        var distances: [String: Double] = [:]
        if let near = procedure.near {
            let point = Self.point(named: near, in: centres.filter { $0.country == procedure.country || procedure.country.isEmpty })
            nearFound = point != nil
            if let point {
                for offer in offers { distances[offer.centre.id] = Self.kilometres(point, (offer.centre.latitude, offer.centre.longitude)) }
                offers.sort { (distances[$0.centre.id] ?? 0) < (distances[$1.centre.id] ?? 0) }
            }
        }
        let shown = procedure.allPlaces ? offers : Array(offers.prefix(Self.firstFew))
        let current = clock.now
        // The page states the time of its oldest figure, and holds until that one is stale.
        var now = current
        var places: [ProcedurePlace] = []
        for offer in shown {
            let (place, asOf) = try await place(
                offer.centre, offer.service, page, now: current, version: version, distance: distances[offer.centre.id])
            places.append(place)
            now = min(now, asOf)
        }
        let live = shown.contains { $0.centre.isOpenStatus }
        let zone = (shown.first { $0.centre.isOpenStatus } ?? shown.first)?.centre.timeZone ?? .gmt
        return [
            ProcedureAction(
                kind: Self.kind, label: "centres.procedure_action.where", detail: live ? "centres.procedure_action.as_of" : nil,
                href: CentresRoute.list.path() + (procedure.country.isEmpty ? "" : "?country=" + FormQuery.encode(procedure.country)),
                arguments: ["time": CentreClock.localTime(now, in: zone), "zone": CentreClock.offsetLabel(zone, at: now)], places: places,
                placesTotal: offers.count, nearFound: nearFound, freshUntil: live ? now.addingTimeInterval(freshness) : nil)
        ]
    }

    /// The place, and the time its live figures were worked out at (up to `freshness` ago).
    func place(_ centre: Centre, _ service: CentreService, _ page: PageContext, now: Date, version: Int, distance: Double?) async throws
        -> (ProcedurePlace, Date)
    {
        let zone = centre.timeZone
        let spans = try await memo.directory("hours \(centre.id)", version: version) { try await directory.hours(centre.id) }
        var hours: [PlaceHours] = []
        for span in spans {
            let opens = CentreClock.hhmm(span.opens)
            let closes = CentreClock.hhmm(span.closes)
            if let index = hours.firstIndex(where: { $0.opens == opens && $0.closes == closes }) {
                hours[index] = PlaceHours(days: hours[index].days + [span.weekday], opens: opens, closes: closes)
            } else {
                hours.append(PlaceHours(days: [span.weekday], opens: opens, closes: closes))
            }
        }
        var openNow: Bool?
        var wait: String?
        var links: [PlaceLink] = []
        var asOf = now
        if centre.isOpenStatus {
            let figures = try await memo.live("\(centre.id) \(service.id)", now: now, freshness: freshness) {
                let closed = Set(try await directory.closures(centre.id, from: CentreClock.day(now, in: zone)).map(\.day))
                let ahead = try await queue.waitingCounts(centre: centre.id)[service.id] ?? 0
                let counters = WaitRules.openCounters(try await directory.counters(centre.id))[service.id] ?? 0
                return WhereToGoMemo.Live(
                    at: now, openNow: CentreClock.isOpen(at: now, in: zone, hours: spans, closedDays: closed),
                    waitMinutes: try await estimator.estimate(service: service.id, ahead: ahead, openCounters: counters, now: now))
            }
            asOf = figures.at
            openNow = figures.openNow
            wait = page.wait(figures.waitMinutes)
            let query = "?service=" + FormQuery.encode(service.id)
            links = [
                PlaceLink(kind: "remote_ticket", label: "centres.procedure_action.remote", href: CentresRoute.remote.path(centre.id) + query),
                PlaceLink(
                    kind: "appointment", label: "centres.procedure_action.appointment", href: CentresRoute.appointments.path(centre.id) + query),
            ]
        }
        let name = centre.name.text(page.language)
        let place = ProcedurePlace(
            name: name, href: CentresRoute.centre.path(centre.id),
            area: centre.department == centre.region ? centre.region : "\(centre.department), \(centre.region)",
            service: "\(service.letter) · \(service.name.text(page.language))", hours: hours, openNow: openNow, wait: wait,
            note: centre.isOpenStatus ? nil : "centres.procedure_action.planned", links: links,
            // Under a kilometre is the place named itself: no distance to show.
            distance: distance.flatMap { $0 < 1 ? nil : page.t("procedure_action.distance", ["km": String($0.clampedInt())]) })
        return (place, asOf)
    }

    /// The middle of the centres of the region or department named (case, accents and dashes aside), if any.
    static func point(named text: String, in centres: [Centre]) -> (Double, Double)? {
        let wanted = fold(text)
        guard !wanted.isEmpty else { return nil }
        var matches = centres.filter { fold($0.department) == wanted }
        if matches.isEmpty { matches = centres.filter { fold($0.region) == wanted } }
        if matches.isEmpty, wanted.count >= 3 {
            matches = centres.filter { fold($0.department).hasPrefix(wanted) || fold($0.region).hasPrefix(wanted) }
        }
        guard !matches.isEmpty else { return nil }
        let count = Double(matches.count)
        return (matches.map(\.latitude).reduce(0, +) / count, matches.map(\.longitude).reduce(0, +) / count)
    }

    static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).replacingOccurrences(of: "-", with: " ")
            .replacingOccurrences(of: "’", with: "'").trimmingCharacters(in: .whitespaces)
    }

    /// Great-circle distance in kilometres.
    static func kilometres(_ a: (Double, Double), _ b: (Double, Double)) -> Double {
        let radians = Double.pi / 180
        let dLat = (b.0 - a.0) * radians
        let dLon = (b.1 - a.1) * radians
        let h = sin(dLat / 2) * sin(dLat / 2) + cos(a.0 * radians) * cos(b.0 * radians) * sin(dLon / 2) * sin(dLon / 2)
        return 6371 * 2 * atan2(sqrt(h), sqrt(max(0, 1 - h)))
    }
}

/// What "where to go" reads, kept so that a page rendered for every request (or for each region typed) does not ask
/// the database again: the directory (centres, the services offering a procedure, hours) until the published content's
/// version changes, and each service's live figures (open now, today's wait) for `freshness` seconds.
final class WhereToGoMemo: Sendable {
    struct Live: Sendable {
        let at: Date
        let openNow: Bool
        let waitMinutes: Int?
    }

    private struct State {
        var version = Int.min
        var directory: [String: any Sendable] = [:]
        var live: [String: Live] = [:]
    }

    private let state = NIOLockedValueBox(State())

    func directory<T: Sendable>(_ key: String, version: Int, make: () async throws -> T) async throws -> T {
        let kept = state.withLockedValue { state -> T? in
            guard state.version == version else { return nil }
            return state.directory[key] as? T
        }
        if let kept { return kept }
        let value = try await make()
        state.withLockedValue { state in
            if state.version != version {
                state = State()
                state.version = version
            }
            state.directory[key] = value
        }
        return value
    }

    func live(_ key: String, now: Date, freshness: TimeInterval, make: () async throws -> Live) async throws -> Live {
        if let kept = state.withLockedValue({ $0.live[key] }), kept.at <= now, now.timeIntervalSince(kept.at) < freshness { return kept }
        let value = try await make()
        state.withLockedValue { $0.live[key] = value }
        return value
    }
}

/// The directory's centres, by id and with their place in its order.
struct CentreIndex: Sendable {
    let centres: [Centre]
    let byId: [String: Centre]
    let order: [String: Int]

    init(_ centres: [Centre]) {
        self.centres = centres
        byId = Dictionary(centres.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        order = Dictionary(centres.enumerated().map { ($0.element.id, $0.offset) }, uniquingKeysWith: { first, _ in first })
    }
}

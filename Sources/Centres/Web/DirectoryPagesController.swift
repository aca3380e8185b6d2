// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import Hummingbird

/// The public directory: the list with a map per country, a centre's page, the GeoJSON, and the screens' stylesheet.
struct DirectoryPagesController: Sendable {
    let renderer: Renderer
    let directory: DirectoryRepository
    let results: ResultsService
    let serviceLines: ServiceLines
    let screenStylesheet: ScreenStylesheet
    let clock: any WallClock
    /// What other features offer about a procedure: the centre's page links each procedure it serves to its `apply`.
    var procedureActions: [any ProcedureActionSource] = []

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(CentresRoute.stylesheet) { [screenStylesheet] request, _ in screenStylesheet.response(request) }
        router.get(CentresRoute.list, use: list)
        router.get(CentresRoute.geoJSON, use: geoJSON)
        router.get(CentresRoute.centre, use: centre)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = PageContext.centres(context, renderer)
        let all = try await directory.centres()
        let countries = Array(Set(all.map(\.country))).sorted()
        let chosen = request.form["country"].map { $0.uppercased() }
        if let chosen, !countries.contains(chosen) { throw AppError.badParameter("country", value: chosen) }
        let shown = countries.filter { chosen == nil || $0 == chosen }
        let groups = shown.map { code -> CountryGroup in
            let centres = all.filter { $0.country == code }
            let regions = Dictionary(grouping: centres, by: \.region).keys.sorted().map { region in
                RegionGroup(
                    name: region,
                    centres: centres.filter { $0.region == region }.map { centre in
                        let name = centre.name.text(page.language)
                        return CentreItem(
                            href: page.link(CentresRoute.centre, centre.id), name: name,
                            department: name.contains(centre.department) ? nil : centre.department,
                            planned: !centre.isOpenStatus)
                    })
            }
            let points = centres.map { SVG.Point(latitude: $0.latitude, longitude: $0.longitude, filled: $0.isOpenStatus) }
            return CountryGroup(
                name: page.t("country.\(code)"), count: page.t("count", ["count": String(centres.count)]),
                map: SVG.map(
                    points, title: page.t("map_title", ["country": page.t("country.\(code)")]), outline: MapOutlines.shipped.countries[code]),
                regions: regions)
        }
        let filters = countries.map { code in
            Filter(href: "\(CentresRoute.list.path())?country=\(code)", name: page.t("country.\(code)"), current: code == chosen)
        }
        let model = ListPage(filters: filters, allHref: page.link(CentresRoute.list), countries: groups, geoJSON: CentresRoute.geoJSON.path())
        return try renderer.page("centres-list", title: page.t("list_title"), page: model, request: request, context: context)
    }

    @Sendable func geoJSON(_ request: Request, context: AppRequestContext) async throws -> Response {
        let features = try await directory.centres().map { centre in
            GeoFeature(
                geometry: .init(coordinates: [centre.longitude, centre.latitude]),
                properties: .init(
                    id: centre.id, name: centre.name.fr, nameEn: centre.name.en, country: centre.country, region: centre.region,
                    department: centre.department, status: centre.status, timezone: centre.timezone, url: CentresRoute.centre.path(centre.id)))
        }
        var response = try JSONResponse.make(GeoCollection(features: features))
        response.headers[.contentType] = "application/geo+json"
        return response
    }

    @Sendable func centre(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = PageContext.centres(context, renderer)
        let centre = try await directory.requireCentre(try context.pathValue())
        let now = clock.now
        let zone = centre.timeZone
        let hours = try await directory.hours(centre.id)
        let today = CentreClock.weekday(now, in: zone)
        let days = (1...7).map { day -> DayHours in
            let spans = hours.filter { $0.weekday == day }
            return DayHours(
                name: page.t("weekday.\(day)"), today: day == today,
                hours: spans.isEmpty
                    ? page.t("closed") : spans.map { "\(CentreClock.hhmm($0.opens))–\(CentreClock.hhmm($0.closes))" }.joined(separator: ", "))
        }
        let closures = try await directory.closures(centre.id, from: CentreClock.day(now, in: zone))
        let shownClosures = closures.prefix(5).map { ClosureItem(day: $0.day, reason: $0.reason.text(page.language)) }
        let closedDays = Set(closures.map(\.day))
        let services = try await applyLinks(try await serviceLines.lines(centre, page, now: now), centre: centre, page)
        let minutes = Commitment.waitMinutes(try await directory.commitments())
        let month = CentreClock.month(now, in: zone)
        let result = try await results.result(centre: centre, month: month, waitMinutes: minutes)
        let model = CentrePage(
            name: centre.name.text(page.language), planned: !centre.isOpenStatus, place: "\(centre.department), \(centre.region)",
            address: centre.address?.text(page.language), timezone: "\(centre.timezone) (\(CentreClock.offsetLabel(zone, at: now)))",
            localTime: CentreClock.localTime(now, in: zone), openNow: CentreClock.isOpen(at: now, in: zone, hours: hours, closedDays: closedDays),
            days: days, hoursConfirmed: centre.hoursConfirmed, closures: Array(shownClosures), hasClosures: !shownClosures.isEmpty,
            services: services,
            hasServices: !services.isEmpty,
            result: ResultLine(
                month: month, called: String(result.called), within: page.percent(result.withinPercent),
                satisfaction: page.percent(result.satisfactionPercent),
                answers: String(result.feedback), minutes: String(minutes)),
            sources: centre.sources.map { SourceItem(title: $0.title, url: $0.url) },
            kiosk: page.link(CentresRoute.kiosk, centre.id), remote: page.link(CentresRoute.remote, centre.id),
            appointments: page.link(CentresRoute.appointments, centre.id), board: page.link(CentresRoute.board, centre.id),
            tablet: page.link(CentresRoute.tablet, centre.id), results: page.link(CentresRoute.results), list: page.link(CentresRoute.list))
        return try renderer.page("centres-centre", title: model.name, page: model, request: request, context: context, figures: true)
    }
}

extension DirectoryPagesController {
    /// Each procedure of the services with its "apply online" link, when a feature offers one (an e-form is published).
    func applyLinks(_ lines: [ServiceLine], centre: Centre, _ page: PageContext) async throws -> [ServiceLine] {
        var applyHref: [String: String] = [:]
        for id in Set(lines.flatMap { $0.procedures.map(\.id) }) {
            let subject = ProcedureSubject(id: id, country: centre.country, institutions: [], language: page.language)
            for source in procedureActions {
                if let apply = try await source.actions(for: subject).first(where: { $0.kind == "apply" }) { applyHref[id] = page.link(apply.href) }
            }
        }
        return lines.map { line in
            ServiceLine(
                id: line.id, letter: line.letter, name: line.name, waiting: line.waiting, estimate: line.estimate,
                procedures: line.procedures.map { ProcedureLink(href: $0.href, id: $0.id, apply: applyHref[$0.id]) },
                hasProcedures: line.hasProcedures,
                selected: line.selected)
        }
    }
}

/// Each service of a centre with its waiting count and the estimated wait for a ticket taken now (the centre's page,
/// the kiosk, the remote-ticket form).
struct ServiceLines: Sendable {
    let directory: DirectoryRepository
    let queue: QueueService
    let estimator: WaitEstimator
    /// The catalogue's page of a procedure (given by the composition root: the centres do not know the catalogue's paths).
    let procedurePath: @Sendable (String) -> String

    func lines(_ centre: Centre, _ page: PageContext, now: Date) async throws -> [ServiceLine] {
        let services = try await directory.services(centre.id)
        let waiting = try await queue.waitingCounts(centre: centre.id)
        let open = WaitRules.openCounters(try await directory.counters(centre.id))
        var lines: [ServiceLine] = []
        for service in services {
            let ahead = waiting[service.id] ?? 0
            let estimate = try await estimator.estimate(service: service.id, ahead: ahead, openCounters: open[service.id] ?? 0, now: now)
            lines.append(
                ServiceLine(
                    id: service.id, letter: service.letter, name: service.name.text(page.language), waiting: String(ahead),
                    estimate: page.wait(estimate),
                    procedures: service.procedures.map { ProcedureLink(href: page.link(procedurePath($0)), id: $0) },
                    hasProcedures: !service.procedures.isEmpty))
        }
        return lines
    }
}

// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import Hummingbird

/// The manager's dashboard of one centre and one day (`?day=YYYY-MM-DD`, today in the centre's time zone by default).
struct DashboardController: Sendable {
    let renderer: Renderer
    let directory: DirectoryRepository
    let dashboard: DashboardService
    let clock: any WallClock

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(CentresRoute.dashboard, use: page)
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let centreId = try context.pathValue()
        let principal = try context.require(.centreManager)
        guard principal.actsFor(centre: centreId) else { throw AppError(.forbidden, code: "forbidden") }
        let page = PageContext.centres(context, renderer)
        let centre = try await directory.requireCentre(centreId)
        let now = clock.now
        let day = request.form["day"] ?? CentreClock.day(now, in: centre.timeZone)
        guard DashboardService.isDay(day) else { throw AppError.badParameter("day", value: day) }
        let result = try await dashboard.day(centre: centre, day: day)
        let names = Dictionary(
            uniqueKeysWithValues: try await directory.services(centre.id).map { ($0.id, "\($0.letter) · \($0.name.text(page.language))") })
        func line(_ name: String, _ figures: DayFigures) -> DashboardLine {
            DashboardLine(
                name: name, issued: String(figures.issued), waiting: String(figures.waiting), served: String(figures.served),
                noShows: String(figures.noShows), wait: figures.meanWaitMinutes.map(SVG.number) ?? "—",
                service: figures.meanServiceMinutes.map(SVG.number) ?? "—")
        }
        let model = DashboardPage(
            name: centre.name.text(page.language), day: day, timezone: "\(centre.timezone) (\(CentreClock.offsetLabel(centre.timeZone, at: now)))",
            total: line(page.t("dashboard_total"), result.total),
            hours: result.byHour.sorted { $0.key < $1.key }.map {
                line(CentreClock.hhmm($0.key * 60) + "–" + CentreClock.hhmm(($0.key + 1) * 60), $0.value)
            },
            services: result.byService.sorted { $0.key < $1.key }.map { line(names[$0.key] ?? $0.key, $0.value) },
            agents: result.byAgent.sorted { $0.key < $1.key }.map { line($0.key, $0.value) },
            answers: String(result.answers), satisfaction: page.percent(result.satisfactionPercent),
            console: CentresRoute.console.path(centre.id), action: CentresRoute.dashboard.path(centre.id))
        return try renderer.page(
            "centres-dashboard", title: page.t("dashboard_title"), page: model, request: request, context: context, figures: true)
    }
}

struct DashboardLine {
    let name: String
    let issued: String
    let waiting: String
    let served: String
    let noShows: String
    let wait: String
    let service: String
}

struct DashboardPage {
    let name: String
    let day: String
    let timezone: String
    let total: DashboardLine
    let hours: [DashboardLine]
    let services: [DashboardLine]
    let agents: [DashboardLine]
    let answers: String
    let satisfaction: String
    let console: String
    let action: String
}

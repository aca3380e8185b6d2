import Foundation
import GuichetCore
import Hummingbird

/// The manager's dashboard of one centre and one day (`?day=YYYY-MM-DD`, today in the centre's time zone by default).
package struct DashboardController: Sendable {
    let database: DatabaseService
    let renderer: Renderer

    package init(database: DatabaseService, renderer: Renderer) {
        self.database = database
        self.renderer = renderer
    }

    package func addRoutes(to router: Router<AppRequestContext>) {
        router.get(RouterPath(CentresPaths.dashboardPattern), use: page)
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let centreId = try CentresView.id(context)
        let principal = try context.require(.centreManager)
        guard principal.actsFor(centre: centreId) else { throw AppError(.forbidden, code: "forbidden") }
        let v = CentresView(context, renderer.localizer)
        let directory = DirectoryRepository(database: database.db)
        let centre = try await directory.requireCentre(centreId)
        let day = request.form["day"] ?? CentreClock.day(Date(), in: centre.timeZone)
        guard DashboardService.isDay(day) else { throw AppError.badParameter("day", value: day) }
        let result = try await DashboardService(database: database.db).day(centre: centre, day: day)
        let names = Dictionary(uniqueKeysWithValues: try await directory.services(centre.id).map { ($0.id, "\($0.letter) · \($0.name.text(v.language))") })
        func line(_ name: String, _ figures: DashboardService.Figures) -> DashboardLine {
            DashboardLine(
                name: name, issued: String(figures.issued), waiting: String(figures.waiting), served: String(figures.served),
                noShows: String(figures.noShows), wait: figures.meanWaitMinutes.map(SVG.number) ?? "—",
                service: figures.meanServiceMinutes.map(SVG.number) ?? "—")
        }
        let page = DashboardPage(
            name: centre.name.text(v.language), day: day, timezone: "\(centre.timezone) (\(CentreClock.offsetLabel(centre.timeZone, at: Date())))",
            total: line(v.t("dashboard_total"), result.total),
            hours: result.byHour.sorted { $0.key < $1.key }.map { line(CentreClock.hhmm($0.key * 60) + "–" + CentreClock.hhmm(($0.key + 1) * 60), $0.value) },
            services: result.byService.sorted { $0.key < $1.key }.map { line(names[$0.key] ?? $0.key, $0.value) },
            agents: result.byAgent.sorted { $0.key < $1.key }.map { line($0.key, $0.value) },
            answers: String(result.answers), satisfaction: result.satisfactionPercent.map { "\(SVG.number($0)) %" } ?? "—",
            console: CentresPaths.console(centre.id), action: CentresPaths.dashboard(centre.id))
        return try renderer.page("centres-dashboard", title: v.t("dashboard_title"), page: page, request: request, context: context)
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

import Foundation
import GuichetCore
import Hummingbird

/// "Nos engagements, nos résultats": the network's commitments beside its measured results, month by month.
package struct ResultsController: Sendable {
    let database: DatabaseService
    let renderer: Renderer
    static let months = 6

    package init(database: DatabaseService, renderer: Renderer) {
        self.database = database
        self.renderer = renderer
    }

    package func addRoutes(to router: Router<AppRequestContext>) {
        router.get(RouterPath(CentresPaths.results), use: page)
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let v = CentresView(context, renderer.localizer)
        let directory = DirectoryRepository(database: database.db)
        let results = ResultsService(database: database.db)
        let commitments = try await directory.commitments()
        let minutes = ResultsService.waitMinutes(commitments)
        let centres = try await directory.centres()
        let utc = TimeZone.gmt
        let months = ResultsService.months(endingAt: Date(), count: Self.months, in: utc)
        let month = request.form["month"] ?? months.last ?? ""
        guard month.utf8.count == 7, InputParser.day(month + "-01") != nil, CentreClock.monthBounds(month, in: utc) != nil else { throw AppError.badParameter("month", value: month) }
        var series: [MonthlyResult] = []
        for item in months { series.append(try await results.network(centres: centres, month: item, waitMinutes: minutes).total) }
        let chosen = try await results.network(centres: centres, month: month, waitMinutes: minutes)
        let waitTarget = commitments.first { $0.kind == .wait }.map { Double($0.target) }
        let satisfactionTarget = commitments.first { $0.kind == .satisfaction }.map { Double($0.target) }
        let percent: (Double?) -> String = { $0.map { "\(SVG.number($0)) %" } ?? "—" }
        let rows = chosen.byCentre.map { centre, result in
            ResultRow(
                name: centre.name.text(v.language), href: v.link(CentresPaths.centre(centre.id)), called: String(result.called),
                within: percent(result.withinPercent), satisfaction: percent(result.satisfactionPercent), answers: String(result.feedback),
                noShows: String(result.noShows), averageWait: result.averageWaitMinutes.map { SVG.number($0) } ?? "—")
        }
        let page = ResultsPage(
            commitments: commitments.map { commitment in
                CommitmentLine(
                    label: commitment.label?.text(v.language),
                    text: commitment.kind == .wait
                        ? v.t("commitment.wait", ["target": String(commitment.target), "minutes": String(commitment.minutes ?? minutes)])
                        : v.t("commitment.satisfaction", ["target": String(commitment.target)]))
            },
            waitChart: SVG.percentBars(
                zip(months, series).map { ($0.0, $0.1.withinPercent) }, target: waitTarget, title: v.t("chart_wait", ["minutes": String(minutes)])),
            satisfactionChart: SVG.percentBars(zip(months, series).map { ($0.0, $0.1.satisfactionPercent) }, target: satisfactionTarget,
                title: v.t("chart_satisfaction")),
            month: month, minutes: String(minutes),
            total: ResultRow(
                name: v.t("network"), href: "", called: String(chosen.total.called), within: percent(chosen.total.withinPercent),
                satisfaction: percent(chosen.total.satisfactionPercent), answers: String(chosen.total.feedback), noShows: String(chosen.total.noShows),
                averageWait: chosen.total.averageWaitMinutes.map { SVG.number($0) } ?? "—"),
            rows: rows, empty: rows.isEmpty,
            monthLinks: months.map { Filter(href: "\(CentresPaths.results)?month=\($0)", name: $0, current: $0 == month) })
        return try renderer.page("centres-results", title: v.t("results_title"), page: page, request: request, context: context)
    }
}

struct ResultRow {
    let name: String
    let href: String
    let called: String
    let within: String
    let satisfaction: String
    let answers: String
    let noShows: String
    let averageWait: String
}

struct CommitmentLine {
    let label: String?
    let text: String
}

struct ResultsPage {
    let commitments: [CommitmentLine]
    let waitChart: String
    let satisfactionChart: String
    let month: String
    let minutes: String
    let total: ResultRow
    let rows: [ResultRow]
    let empty: Bool
    let monthLinks: [Filter]
}

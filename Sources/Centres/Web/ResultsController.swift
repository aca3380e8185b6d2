// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import Hummingbird

/// "Nos engagements, nos résultats": the network's commitments beside its measured results, month by month (UTC months).
struct ResultsController: Sendable {
    let renderer: Renderer
    let directory: DirectoryRepository
    let results: ResultsService
    let clock: any WallClock
    static let months = 6

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(CentresRoute.results, use: page)
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = PageContext.centres(context, renderer)
        let commitments = try await directory.commitments()
        let minutes = Commitment.waitMinutes(commitments)
        let centres = try await directory.centres()
        let utc = TimeZone.gmt
        let months = MonthlyResult.months(endingAt: clock.now, count: Self.months, in: utc)
        let month = request.form["month"] ?? months.last ?? ""
        guard month.utf8.count == 7, InputParser.day(month + "-01") != nil, CentreClock.monthBounds(month, in: utc) != nil else {
            throw AppError.badParameter("month", value: month)
        }
        var series: [MonthlyResult] = []
        for item in months { series.append(try await results.network(centres: centres, month: item, waitMinutes: minutes).total) }
        let chosen = try await results.network(centres: centres, month: month, waitMinutes: minutes)
        let waitTarget = commitments.first { $0.kind == .wait }.map { Double($0.target) }
        let satisfactionTarget = commitments.first { $0.kind == .satisfaction }.map { Double($0.target) }
        func row(_ name: String, href: String, _ result: MonthlyResult) -> ResultRow {
            ResultRow(
                name: name, href: href, called: String(result.called), within: page.percent(result.withinPercent),
                satisfaction: page.percent(result.satisfactionPercent), answers: String(result.feedback), noShows: String(result.noShows),
                averageWait: result.averageWaitMinutes.map { SVG.number($0) } ?? "—")
        }
        let rows = chosen.byCentre.map { centre, result in
            row(centre.name.text(page.language), href: page.link(CentresRoute.centre, centre.id), result)
        }
        let model = ResultsPage(
            commitments: commitments.map { commitment in
                CommitmentLine(
                    label: commitment.label?.text(page.language),
                    text: commitment.kind == .wait
                        ? page.t("commitment.wait", ["target": String(commitment.target), "minutes": String(commitment.minutes ?? minutes)])
                        : page.t("commitment.satisfaction", ["target": String(commitment.target)]))
            },
            waitChart: SVG.percentBars(
                zip(months, series).map { ($0.0, $0.1.withinPercent) }, target: waitTarget,
                title: page.t("chart_wait", ["minutes": String(minutes)])),
            satisfactionChart: SVG.percentBars(
                zip(months, series).map { ($0.0, $0.1.satisfactionPercent) }, target: satisfactionTarget, title: page.t("chart_satisfaction")),
            month: month, minutes: String(minutes), total: row(page.t("network"), href: "", chosen.total), rows: rows, empty: rows.isEmpty,
            monthLinks: months.map { Filter(href: "\(CentresRoute.results.path())?month=\($0)", name: $0, current: $0 == month) })
        return try renderer.page("centres-results", title: page.t("results_title"), page: model, request: request, context: context, figures: true)
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

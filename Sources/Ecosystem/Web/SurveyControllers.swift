// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import Hummingbird

/// Public pages of the digital-usage surveys: aggregates only, small cells suppressed, charts drawn on the server.
package struct SurveyControllers: Sendable {
    let renderer: Renderer
    let repository: SurveyRepository
    static let barWidth = 300

    init(renderer: Renderer, surveys: SurveyRepository) {
        self.renderer = renderer
        self.repository = surveys
    }

    package func addRoutes(to router: Router<AppRequestContext>) {
        router.get(EcosystemRoute.surveys, use: list)
        router.get(EcosystemRoute.surveyCSV, use: csv)
        router.get(EcosystemRoute.survey, use: show)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let p = PageContext(ecosystem: context, localizer: renderer.localizer)
        let surveys = try await repository.surveys()
        let model = SurveyListPage(
            items: surveys.map { survey in
                SurveyItem(
                    href: p.link(EcosystemRoute.survey, survey.id), title: survey.title, synthetic: survey.synthetic,
                    respondents: p.t("surveys.respondents", ["count": String(survey.respondents)]))
            }, empty: surveys.isEmpty)
        return try renderer.page("ecosystem-surveys", title: p.t("surveys.title"), page: model, request: request, context: context)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.pathValue("id")
        guard let survey = try await repository.survey(id: id) else { throw AppError.notFound("survey_not_found") }
        let p = PageContext(ecosystem: context, localizer: renderer.localizer)
        let groups = SurveyAggregates.groups(survey.responses)
        let charts = ["sex", "age_band", "area"].compactMap { dimension -> SurveyChart? in
            let members = groups.filter { $0.dimension == dimension }
            guard !members.isEmpty else { return nil }
            let rows = members.enumerated().map { index, group in
                let label = dimension == "age_band" ? group.value : p.t("surveys.value.\(group.value)")
                let y = index * 28
                return SurveyBar(
                    label: label, y: y, textY: y + 18, width: group.internetShare.map { ($0 * Double(Self.barWidth)).clampedInt() } ?? 0,
                    valueX: 150 + (group.internetShare.map { ($0 * Double(Self.barWidth)).clampedInt() } ?? 0) + 6,
                    value: group.internetShare.map { String(format: "%.0f %%", $0 * 100) } ?? p.t("surveys.suppressed"),
                    respondents: group.respondents.map(String.init) ?? "<5",
                    internet: group.internetUsers.map(String.init) ?? "<5",
                    smartphone: group.smartphoneShare.map { String(format: "%.0f %%", $0 * 100) } ?? p.t("surveys.suppressed"))
            }
            return SurveyChart(
                heading: p.t("surveys.by.\(dimension)"), height: rows.count * 28 + 4, rows: rows, id: "chart-\(dimension)",
                description: p.t("surveys.chart_description", ["dimension": p.t("surveys.by.\(dimension)")]))
        }
        let model = SurveyPage(
            title: survey.summary.title, synthetic: survey.summary.synthetic,
            respondents: p.t("surveys.respondents", ["count": String(survey.summary.respondents)]),
            charts: charts, csvHref: EcosystemRoute.surveyCSV.path(id), backHref: p.link(EcosystemRoute.surveys))
        return try renderer.page("ecosystem-survey", title: survey.summary.title, page: model, request: request, context: context)
    }

    @Sendable func csv(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.pathValue("id")
        guard let survey = try await repository.survey(id: id) else { throw AppError.notFound("survey_not_found") }
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"\(id)-aggregates.csv\""
        return Response(
            status: .ok, headers: headers,
            body: .init(byteBuffer: ByteBuffer(string: SurveyAggregates.csv(SurveyAggregates.groups(survey.responses)))))
    }
}

struct SurveyItem {
    let href: String
    let title: String
    let synthetic: Bool
    let respondents: String
}

struct SurveyListPage {
    let items: [SurveyItem]
    let empty: Bool
}

struct SurveyBar {
    let label: String
    let y: Int
    let textY: Int
    let width: Int
    let valueX: Int
    let value: String
    let respondents: String
    let internet: String
    let smartphone: String
}

struct SurveyChart {
    let heading: String
    let height: Int
    let rows: [SurveyBar]
    let id: String
    let description: String
}

struct SurveyPage {
    let title: String
    let synthetic: Bool
    let respondents: String
    let charts: [SurveyChart]
    let csvHref: String
    let backHref: String
}

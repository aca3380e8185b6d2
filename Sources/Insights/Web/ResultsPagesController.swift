// SPDX-License-Identifier: MPL-2.0
import Catalog
import Foundation
import GuichetCore
import Hummingbird

/// `/resultats`: how the public services perform, month by month, per country, institution and procedure, beside the
/// centres' commitments. Every chart has its table; groups under five are not shown.
struct ResultsPagesController: Sendable {
    let renderer: Renderer
    let service: PerformanceService
    /// The back office's applications (of one procedure): a signed-in agent of the institution drills down to them.
    let inboxPath: @Sendable (String?) -> String
    /// What the procedure's fees brought in, month by month.
    let payments: any PaymentFigures

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(InsightsRoute.results, use: overview)
        router.get(InsightsRoute.country, use: country)
        router.get(InsightsRoute.institution, use: institution)
        router.get(InsightsRoute.procedure, use: procedure)
    }

    @Sendable func overview(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = PageContext.insights(context, renderer)
        let months = service.months()
        let facts = try await service.facts(months: months)
        let countries = try await service.catalog.countries()
        let rows = countries.map { country in
            ChildRow(
                page, name: country.name.text(for: page.language.rawValue).text, href: page.link(InsightsRoute.country, country.code),
                facts: facts.filter { $0.country == country.code }, months: months)
        }
        let centres = try await centreSection(page, months: months, country: nil)
        let model = OverviewPage(
            period: page.t("period", ["from": months.first ?? "", "to": months.last ?? ""]), countries: rows, centres: centres,
            openData: page.link(InsightsRoute.openData.path()))
        return try renderer.page("insights-results", title: page.t("title"), page: model, request: request, context: context, figures: true)
    }

    @Sendable func country(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = PageContext.insights(context, renderer)
        let code = try context.pathValue("code").uppercased()
        guard let country = try await service.catalog.countries().first(where: { $0.code == code }) else { throw AppError.notFound() }
        let months = service.months()
        let facts = try await service.facts(months: months).filter { $0.country == code }
        let institutions = try await service.catalog.allInstitutions()
        let children = Dictionary(grouping: facts, by: \.institutionId).map { id, items in
            ChildRow(
                page, name: institutions[id]?.name.text(for: page.language.rawValue).text ?? id, href: page.link(InsightsRoute.institution, id),
                facts: items, months: months)
        }
        let name = country.name.text(for: page.language.rawValue).text
        let model = ScopePage(
            page, heading: name, kind: page.t("scope.country"), facts: facts, months: months, declared: nil, children: children,
            childHeading: page.t("by_institution"), catalogLink: nil, centres: try await centreSection(page, months: months, country: code))
        return try renderer.page(
            "insights-scope", title: page.t("title_of", ["name": name]), page: model, request: request, context: context, figures: true)
    }

    @Sendable func institution(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = PageContext.insights(context, renderer)
        let id = try context.pathValue()
        guard id.utf8.count <= 200, let institution = try await service.catalog.allInstitutions()[id] else { throw AppError.notFound() }
        let months = service.months()
        let facts = try await service.facts(months: months).filter { $0.institutionId == id }
        let procedures = Dictionary(
            uniqueKeysWithValues: try await service.catalog.procedures(ids: Array(Set(facts.map(\.procedureId)))).map { ($0.id, $0) })
        let children = Dictionary(grouping: facts, by: \.procedureId).map { procedureId, items in
            ChildRow(
                page, name: procedures[procedureId]?.title.text(for: page.language.rawValue).text ?? procedureId,
                href: page.link(InsightsRoute.procedure, procedureId), facts: items, months: months,
                declared: procedures[procedureId].flatMap(PerformanceService.declaredDays))
        }
        let name = institution.name.text(for: page.language.rawValue).text
        let model = ScopePage(
            page, heading: name, kind: page.t("scope.institution"), facts: facts, months: months, declared: nil, children: children,
            childHeading: page.t("by_procedure"), catalogLink: page.link(CatalogRoute.institution, id), centres: nil,
            drillDown: drillDown(context, institution: id, procedure: nil))
        return try renderer.page(
            "insights-scope", title: page.t("title_of", ["name": name]), page: model, request: request, context: context, figures: true)
    }

    @Sendable func procedure(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = PageContext.insights(context, renderer)
        let id = try context.pathValue()
        guard id.utf8.count <= 200, let procedure = try await service.catalog.procedures(ids: [id]).first, procedure.status == .published else {
            throw AppError.notFound()
        }
        let months = service.months()
        let facts = try await service.facts(months: months).filter { $0.procedureId == id }
        let name = procedure.title.text(for: page.language.rawValue).text
        var model = ScopePage(
            page, heading: name, kind: page.t("scope.procedure"), facts: facts, months: months,
            declared: .some(PerformanceService.declaredDays(procedure)),
            children: [], childHeading: "", catalogLink: page.link(CatalogRoute.procedure, id), centres: nil,
            drillDown: drillDown(context, institution: procedure.institution, procedure: id))
        let start = Months.start(months.first ?? "") ?? service.clock.now.addingTimeInterval(-366 * 86_400)
        let revenue = try await payments.revenue(procedure: id, from: start, until: service.clock.now)
        // A month with fewer than five payments is not shown, like every small group of the results.
        model.revenue = revenue.map { month in
            let count = page.published(month.payments)
            return RevenueRow(
                month: month.month, payments: count,
                amount: Disclosure.count(month.payments) == nil ? page.t("suppressed") : page.number(month.amount) + " " + month.currency)
        }
        return try renderer.page(
            "insights-scope", title: page.t("title_of", ["name": name]), page: model, request: request, context: context, figures: true)
    }

    /// For an administrator, or a back-office agent of the institution: the same applications in the back office.
    func drillDown(_ context: AppRequestContext, institution: String, procedure: String?) -> String? {
        guard let principal = context.principal, principal.role == .backOfficeAgent || principal.isAdministrator,
            principal.actsFor(institution: institution)
        else { return nil }
        let path = inboxPath(procedure)
        return path.isEmpty ? nil : path
    }

    /// Waits against the commitment, satisfaction and no-shows of the centres (all, or one country's).
    func centreSection(_ page: PageContext, months: [String], country: String?) async throws -> CentreSection? {
        let (series, targets) = try await service.centreSeries(months: months, country: country)
        guard series.contains(where: { $0.called > 0 || $0.answers > 0 }) else { return nil }
        let rows = series.map { month in
            CentreRow(
                month: month.month, called: page.published(month.called), within: page.percent(month.withinPercent),
                wait: page.minutes(month.meanWaitMinutes), satisfaction: page.percent(month.satisfactionPercent),
                answers: page.published(month.answers), noShows: page.percent(month.noShowPercent))
        }
        return CentreSection(
            commitment: page.t(
                "centres_commitment",
                [
                    "minutes": String(targets.waitMinutes), "target": targets.waitTargetPercent.map(String.init) ?? "—",
                    "satisfaction": targets.satisfactionTargetPercent.map(String.init) ?? "—",
                ]),
            minutes: String(targets.waitMinutes),
            waitChart: Chart.bars(
                series.map { Chart.Bar(label: $0.month, value: $0.withinPercent) }, target: targets.waitTargetPercent.map(Double.init), ceiling: 100,
                unit: " %", format: page.decimal),
            satisfactionChart: Chart.bars(
                series.map { Chart.Bar(label: $0.month, value: $0.satisfactionPercent) }, target: targets.satisfactionTargetPercent.map(Double.init),
                ceiling: 100, unit: " %", format: page.decimal),
            rows: rows, link: page.link(service.centres.resultsPath))
    }
}

extension PageContext {
    static func insights(_ context: AppRequestContext, _ renderer: Renderer) -> PageContext {
        PageContext(context, localizer: renderer.localizer, keys: "insights")
    }

    /// A count as published: "< 5" for a group too small to show.
    func published(_ count: Int) -> String { Disclosure.count(count).map { number($0) } ?? t("suppressed") }

    /// A figure with at most one decimal, written as the language writes decimals (12,5 or 12.5).
    func decimal(_ value: Double) -> String {
        let text = Chart.number(value)
        return language == .fr ? text.replacingOccurrences(of: ".", with: ",") : text
    }

    func percent(_ value: Double?) -> String { value.map { "\(decimal($0)) %" } ?? "—" }

    func days(_ value: Double?) -> String { value.map { t("days", ["days": decimal($0)]) } ?? "—" }

    func minutes(_ value: Double?) -> String { value.map { t("minutes", ["minutes": decimal($0)]) } ?? "—" }

    func declared(_ days: MinMax?) -> String {
        guard let days else { return t("declared_none") }
        return days.min == days.max || days.min == 0
            ? t("days", ["days": String(days.max)]) : t("days_range", ["min": String(days.min), "max": String(days.max)])
    }
}

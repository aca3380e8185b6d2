// SPDX-License-Identifier: MPL-2.0
import Catalog
import Foundation
import GuichetCore
import Hummingbird

/// The analyst's ranking of the catalogue's procedures to digitalise first, with its weights in a form, its reasons,
/// a CSV export and the same ranking by sector. The features that measure procedures' use (tickets, applications) are
/// handed in as `measures` by the application, so this module depends on none of them.
package struct PrioritiesController: Sendable {
    let renderer: Renderer
    let needs: NeedRepository
    let catalog: CatalogRepository
    let measures: [any ProcedureMeasureSource]
    static let shownRows = 50
    /// Measured volumes and ratings are counted over this many days before now.
    static let measuredDays = 365

    package func addRoutes(to router: Router<AppRequestContext>) {
        router.get(EcosystemRoute.priorities, use: page)
        router.get(EcosystemRoute.prioritiesCSV, use: csv)
    }

    static func weights(_ request: Request) throws -> PriorityRanking.Weights {
        var weights = PriorityRanking.Weights.standard
        weights.volume = try EcosystemParameters.int(request, "w_volume", in: PriorityRanking.Weights.range) ?? weights.volume
        weights.burden = try EcosystemParameters.int(request, "w_burden", in: PriorityRanking.Weights.range) ?? weights.burden
        weights.needs = try EcosystemParameters.int(request, "w_needs", in: PriorityRanking.Weights.range) ?? weights.needs
        weights.readiness = try EcosystemParameters.int(request, "w_readiness", in: PriorityRanking.Weights.range) ?? weights.readiness
        weights.satisfaction = try EcosystemParameters.int(request, "w_satisfaction", in: PriorityRanking.Weights.range) ?? weights.satisfaction
        return weights
    }

    /// Every published procedure (of one country), with what the needs say about it and what each source measured over
    /// the last `measuredDays` days.
    func inputs(country: String?, now: Date = Date()) async throws -> [PriorityRanking.Input] {
        var ids: [String] = []
        var offset = 0
        while true {
            let page = try await catalog.procedureIds(.init(country: country), limit: 500, offset: offset)
            ids += page.items
            offset += page.items.count
            if page.items.isEmpty || offset >= page.total { break }
        }
        let totals = try await needs.totalsByProcedure()
        let confirmed = try await needs.proceduresWithConfirmedSolutions()
        let since = now.addingTimeInterval(-Double(Self.measuredDays) * 86_400)
        var measured: [(key: String, byProcedure: [String: ProcedureMeasure])] = []
        var ready = Set<String>()
        for source in measures {
            measured.append((source.measureKey, try await source.procedureMeasures(since: since)))
            ready.formUnion(try await source.proceduresReadyOnline())
        }
        return try await catalog.procedures(ids: ids).map { procedure in
            let found = measured.compactMap { source in source.byProcedure[procedure.id].map { (source.key, $0) } }
            return PriorityRanking.Input(
                procedure: procedure, declaredVolume: totals[procedure.id]?.volume ?? 0, needs: totals[procedure.id]?.needs ?? 0,
                confirmedSolution: confirmed.contains(procedure.id),
                measured: found.filter { $0.1.count > 0 }.map { PriorityRanking.Measured(key: $0.0, count: $0.1.count) },
                satisfied: found.map(\.1.satisfied).reduce(0, +), rated: found.map(\.1.rated).reduce(0, +), hasEForm: ready.contains(procedure.id))
        }
    }

    func country(_ request: Request) async throws -> String? {
        guard let raw = EcosystemParameters.optional(request, "country") else { return nil }
        let known = try await catalog.countries().map(\.code)
        guard known.contains(raw.uppercased()) else { throw AppError.badParameter("country", value: raw) }
        return raw.uppercased()
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.analyst)
        let p = PageContext(ecosystem: context, localizer: renderer.localizer)
        let weights = try Self.weights(request)
        let country = try await country(request)
        let inputs = try await self.inputs(country: country)
        let rows = PriorityRanking.rank(inputs, weights: weights)
        let neutral = PriorityRanking.neutralSatisfaction(inputs)
        let language = context.language.rawValue
        let categories = Dictionary(try await catalog.categories().map { ($0.id, $0.name.text(for: language).text) }, uniquingKeysWith: { a, _ in a })
        let countries = try await catalog.countries()
        var query: [(String, String)] = [
            ("w_volume", String(weights.volume)), ("w_burden", String(weights.burden)), ("w_needs", String(weights.needs)),
            ("w_readiness", String(weights.readiness)), ("w_satisfaction", String(weights.satisfaction)),
        ]
        if let country { query.append(("country", country)) }
        let model = PrioritiesPage(
            intro: p.t("priorities.intro"),
            weights: [
                WeightField(name: "w_volume", label: p.t("priorities.weight.volume"), value: weights.volume),
                WeightField(name: "w_burden", label: p.t("priorities.weight.burden"), value: weights.burden),
                WeightField(name: "w_needs", label: p.t("priorities.weight.needs"), value: weights.needs),
                WeightField(name: "w_readiness", label: p.t("priorities.weight.readiness"), value: weights.readiness),
                WeightField(name: "w_satisfaction", label: p.t("priorities.weight.satisfaction"), value: weights.satisfaction),
            ],
            countries: countries.map { FilterOption(value: $0.code, label: $0.name.text(for: language).text, selected: $0.code == country) },
            langParam: context.languageInQuery ? context.language.rawValue : nil,
            formula: p.t(
                "priorities.formula",
                [
                    "volume": String(weights.volume), "burden": String(weights.burden), "needs": String(weights.needs),
                    "readiness": String(weights.readiness), "satisfaction": String(weights.satisfaction),
                    "minimum": String(PriorityRanking.minimumRatings), "sources": measureNames(p),
                ]),
            csvHref: p.link(EcosystemRoute.prioritiesCSV.path(), query),
            count: p.t("priorities.count", ["shown": String(min(rows.count, Self.shownRows)), "count": String(rows.count)]),
            rows: rows.prefix(Self.shownRows).enumerated().map { index, row in
                PriorityRowView(
                    rank: index + 1, title: row.input.title, href: CatalogRoute.procedure.path(row.input.procedureId),
                    score: String(format: "%.1f", row.score),
                    reasons: Self.reasons(row, neutral: neutral, p))
            },
            sectors: PriorityRanking.bySector(rows).map { sector in
                SectorRowView(
                    name: categories[sector.category] ?? sector.category, procedures: sector.procedures,
                    mean: String(format: "%.1f", sector.meanScore),
                    best: sector.best.input.title)
            },
            empty: rows.isEmpty)
        return try renderer.page(
            "ecosystem-priorities", title: p.t("priorities.title"), page: model, request: request, context: context, figures: true)
    }

    /// What the sources count ("tickets, applications"), or "none" when no feature measures anything.
    func measureNames(_ p: PageContext) -> String {
        measures.isEmpty ? p.t("priorities.no_sources") : measures.map { p.localizer.text($0.measureKey, p.language) }.joined(separator: ", ")
    }

    static func reasons(_ row: PriorityRanking.Row, neutral: Double, _ p: PageContext) -> [String] {
        let input = row.input
        var reasons: [String] = [volumeReason(input, p)]
        if input.needs > 0 {
            reasons.append(p.t("priorities.reason.needs", ["needs": String(input.needs), "volume": p.number(input.declaredVolume)]))
        }
        reasons.append(
            p.t(
                "priorities.reason.burden",
                [
                    "steps": String(input.steps), "institutions": String(input.institutions), "documents": String(input.documents),
                    "days": String(input.days),
                ]) + (input.cost.map { " · " + p.t("priorities.reason.cost", ["cost": p.number($0.clampedInt(.towardZero))]) } ?? ""))
        if input.confirmedSolution { reasons.append(p.t("priorities.reason.solution")) }
        if input.online { reasons.append(p.t("priorities.reason.online")) }
        let neutralText = String(format: "%.2f", neutral)
        if let dissatisfaction = input.dissatisfaction {
            reasons.append(
                p.t(
                    "priorities.reason.satisfaction",
                    ["percent": String((100 * (1 - dissatisfaction)).clampedInt()), "rated": p.number(input.rated)]))
        } else if input.rated > 0 {
            reasons.append(
                p.t(
                    "priorities.reason.satisfaction_few",
                    ["rated": String(input.rated), "minimum": String(PriorityRanking.minimumRatings), "neutral": neutralText]))
        } else {
            reasons.append(p.t("priorities.reason.satisfaction_none", ["neutral": neutralText]))
        }
        reasons.append(
            p.t(
                "priorities.reason.parts",
                [
                    "volume": String(format: "%.2f", row.volume), "burden": String(format: "%.2f", row.burden),
                    "needs": String(format: "%.2f", row.needs),
                    "readiness": String(format: "%.2f", row.readiness), "satisfaction": String(format: "%.2f", row.satisfaction),
                ]))
        return reasons
    }

    /// Which yearly volume counts and where it comes from: "12 400 tickets in 12 months (measured)" or "… declared".
    static func volumeReason(_ input: PriorityRanking.Input, _ p: PageContext) -> String {
        let detail = input.measured.map { "\(p.number($0.count)) \(p.localizer.text($0.key, p.language))" }.joined(separator: " + ")
        switch input.volumeSource {
        case .measured:
            return p.t("priorities.reason.volume_measured", ["detail": detail])
                + (input.declaredVolume > 0 ? " · " + p.t("priorities.reason.also_declared", ["volume": p.number(input.declaredVolume)]) : "")
        case .declared:
            return p.t("priorities.reason.volume_declared", ["volume": p.number(input.declaredVolume)])
                + (input.measuredVolume > 0 ? " · " + p.t("priorities.reason.also_measured", ["detail": detail]) : "")
        case .none:
            return p.t("priorities.reason.volume_none")
        }
    }

    @Sendable func csv(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.analyst)
        let weights = try Self.weights(request)
        let rows = PriorityRanking.rank(try await inputs(country: try await country(request)), weights: weights)
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"priorities.csv\""
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: PriorityRanking.csv(rows, weights: weights))))
    }
}

struct WeightField {
    let name: String
    let label: String
    let value: Int
}

struct PriorityRowView {
    let rank: Int
    let title: String
    let href: String
    let score: String
    let reasons: [String]
}

struct SectorRowView {
    let name: String
    let procedures: Int
    let mean: String
    let best: String
}

struct PrioritiesPage {
    let intro: String
    let weights: [WeightField]
    let countries: [FilterOption]
    let langParam: String?
    let formula: String
    let csvHref: String
    let count: String
    let rows: [PriorityRowView]
    let sectors: [SectorRowView]
    let empty: Bool
}

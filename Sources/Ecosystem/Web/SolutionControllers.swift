// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import Hummingbird

enum SolutionParameters {
    static func filter(_ request: Request) throws -> SolutionRepository.Filter {
        var filter = SolutionRepository.Filter(
            country: EcosystemParameters.optional(request, "country"), sdg: try EcosystemParameters.int(request, "sdg", in: 1...17),
            thematicArea: EcosystemParameters.optional(request, "theme"))
        if let raw = EcosystemParameters.optional(request, "maturity") {
            guard let maturity = Maturity(rawValue: raw) else { throw AppError.badParameter("maturity", value: raw) }
            filter.maturity = maturity
        }
        if let raw = EcosystemParameters.optional(request, "channel") {
            guard let channel = Channel(rawValue: raw) else { throw AppError.badParameter("channel", value: raw) }
            filter.channel = channel
        }
        return filter
    }
}

/// The public directory of solutions and the page of one solution.
package struct SolutionPagesController: Sendable {
    let renderer: Renderer
    let repository: SolutionRepository
    let actors: ActorRepository
    static let pageSize = 25

    init(renderer: Renderer, solutions: SolutionRepository, actors: ActorRepository) {
        self.renderer = renderer
        self.repository = solutions
        self.actors = actors
    }

    package func addRoutes(to router: Router<AppRequestContext>) {
        router.get(EcosystemRoute.solutions, use: list)
        router.get(EcosystemRoute.solution, use: show)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let p = PageContext(ecosystem: context, localizer: renderer.localizer)
        let filter = try SolutionParameters.filter(request)
        let pageNumber = try EcosystemParameters.int(request, "page", in: 1...100_000) ?? 1
        let all = try await repository.list(filter)
        let facets = try await repository.facets()
        let items = all.dropFirst((pageNumber - 1) * Self.pageSize).prefix(Self.pageSize).map { solution in
            SolutionItem(
                href: p.link(EcosystemRoute.solution, solution.id), name: solution.name,
                meta: ([solution.countries.joined(separator: ", ")] + [solution.maturity.map { p.t("maturity.\($0.rawValue)") }].compactMap { $0 })
                    .filter { !$0.isEmpty }.joined(separator: " · "),
                channels: solution.channels.map { p.t("channel.\($0.rawValue)") })
        }
        // Hundreds of values used once or twice would make the page too heavy for 2G: the lists keep the most used ones.
        func options(_ kind: TermKind, selected: String?, keep: Int = 100, label: (String) -> String = { $0 }) -> [FilterOption] {
            let all = facets[kind] ?? []
            let kept = Set(all.sorted { $0.count > $1.count }.prefix(keep).map(\.value))
            return all.filter { kept.contains($0.value) || $0.value == selected }.map {
                FilterOption(value: $0.value, label: "\(label($0.value)) (\($0.count))", selected: $0.value == selected)
            }
        }
        var query: [(String, String)] = []
        if let country = filter.country { query.append(("country", country)) }
        if let sdg = filter.sdg { query.append(("sdg", String(sdg))) }
        if let theme = filter.thematicArea { query.append(("theme", theme)) }
        if let maturity = filter.maturity { query.append(("maturity", maturity.rawValue)) }
        if let channel = filter.channel { query.append(("channel", channel.rawValue)) }
        let pages = max(1, (all.count + Self.pageSize - 1) / Self.pageSize)
        let model = SolutionListPage(
            intro: p.t("solutions.intro"),
            countries: options(.country, selected: filter.country, keep: 25),
            sdgs: options(.sdg, selected: filter.sdg.map(String.init)) { value in Int(value).flatMap(SDG.init(number:)).map(p.sdg) ?? value },
            themes: options(.thematicArea, selected: filter.thematicArea, keep: 30),
            maturities: Maturity.allCases.map {
                FilterOption(value: $0.rawValue, label: p.t("maturity.\($0.rawValue)"), selected: $0 == filter.maturity)
            },
            channels: Channel.allCases.map {
                FilterOption(value: $0.rawValue, label: p.t("channel.\($0.rawValue)"), selected: $0 == filter.channel)
            },
            langParam: context.languageInQuery ? context.language.rawValue : nil,
            count: p.t(all.count == 1 ? "solutions.count_one" : "solutions.count", ["count": String(all.count)]),
            items: Array(items), empty: all.isEmpty, filtered: !query.isEmpty, clearHref: p.link(EcosystemRoute.solutions),
            pager: pages > 1
                ? Pager(
                    label: p.t("solutions.page_of", ["page": String(pageNumber), "pages": String(pages)]),
                    previous: pageNumber > 1 ? p.link(EcosystemRoute.solutions.path(), query + [("page", String(pageNumber - 1))]) : nil,
                    next: pageNumber < pages ? p.link(EcosystemRoute.solutions.path(), query + [("page", String(pageNumber + 1))]) : nil)
                : nil)
        return try renderer.page("ecosystem-solutions", title: p.t("solutions.title"), page: model, request: request, context: context)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.pathValue("id")
        guard let solution = try await repository.solution(id: id) else { throw AppError.notFound("solution_not_found") }
        let p = PageContext(ecosystem: context, localizer: renderer.localizer)
        func fact(_ key: String, _ values: [String], filter: String? = nil, raw: [String]? = nil) -> PlanFacet? {
            guard !values.isEmpty else { return nil }
            return PlanFacet(
                label: p.t("solutions.\(key)"),
                values: zip(values, raw ?? values).map { text, value in
                    FacetValue(text: text, href: filter.map { p.link(EcosystemRoute.solutions.path(), [($0, value)]) })
                })
        }
        let yesNo = { (value: Bool) in p.t(value ? "solutions.yes" : "solutions.no") }
        // An owner that is a mapped actor (same name or acronym, case, accents and apostrophes aside) links to its page.
        let actors = try await actors.all()
        func folded(_ text: String) -> String {
            text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).replacingOccurrences(of: "’", with: "'")
                .trimmingCharacters(in: .whitespaces)
        }
        var actorByName: [String: String] = [:]
        for actor in actors {
            actorByName[folded(actor.name)] = actor.id
            if let acronym = actor.acronym, !acronym.isEmpty { actorByName[folded(acronym)] = actor.id }
        }
        let owners =
            solution.owners.isEmpty
            ? nil
            : PlanFacet(
                label: p.t("solutions.owners"),
                values: solution.owners.map { owner in
                    FacetValue(text: owner, href: actorByName[folded(owner)].map { p.link(EcosystemRoute.actor, $0) })
                })
        let facts = [
            owners,
            fact("countries", solution.countries, filter: "country"),
            fact("places", solution.places),
            fact("sdgs", solution.sdgs.compactMap(SDG.init(number:)).map(p.sdg), filter: "sdg", raw: solution.sdgs.map(String.init)),
            fact("thematic_areas", solution.thematicAreas, filter: "theme"),
            fact("sectors", solution.sectors),
            fact(
                "maturity", solution.maturity.map { [p.t("maturity.\($0.rawValue)")] } ?? [], filter: "maturity",
                raw: solution.maturity.map { [$0.rawValue] }),
            fact("channels", solution.channels.map { p.t("channel.\($0.rawValue)") }, filter: "channel", raw: solution.channels.map(\.rawValue)),
            fact("open_source", solution.openSource.map { [yesNo($0)] } ?? []),
            fact("digital_public_good", solution.digitalPublicGood ? [yesNo(true)] : []),
            fact("year", solution.year.map { [String($0)] } ?? []),
        ].compactMap { $0 }
        let preferred = context.language == .fr ? solution.descriptionFr ?? solution.descriptionEn : solution.descriptionEn ?? solution.descriptionFr
        let descriptionLanguage = preferred == nil ? nil : (preferred == solution.descriptionFr ? "fr" : "en")
        let model = SolutionPage(
            name: solution.name, facts: facts,
            paragraphs: LearningPlanPagesController.paragraphs(preferred ?? ""),
            descriptionLang: descriptionLanguage == context.language.rawValue ? nil : descriptionLanguage,
            links: solution.links, source: p.t("solutions.source_\(solution.source.rawValue)"), backHref: p.link(EcosystemRoute.solutions))
        return try renderer.page("ecosystem-solution", title: solution.name, page: model, request: request, context: context)
    }
}

/// `/api/v1/ecosystem/solutions`: the same filters as the directory, pages of `per_page` (at most 100).
package struct SolutionAPIController: Sendable {
    let solutions: SolutionRepository

    /// (method, path as the OpenAPI document writes it).
    package static var routes: [(method: String, path: String)] {
        [EcosystemRoute.apiSolutions, EcosystemRoute.apiSolution].map { ("GET", EcosystemRoute.openAPIPath($0)) }
    }

    package func addRoutes(to router: Router<AppRequestContext>) {
        router.get(EcosystemRoute.apiSolutions, use: list)
        router.get(EcosystemRoute.apiSolution, use: show)
    }

    struct ListDTO: Encodable {
        let items: [Solution]
        let page: Int
        let perPage: Int
        let total: Int
        let next: String?
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let filter = try SolutionParameters.filter(request)
        let page = try EcosystemParameters.int(request, "page", in: 1...100_000) ?? 1
        let perPage = try EcosystemParameters.int(request, "per_page", in: 1...100) ?? 50
        let all = try await solutions.list(filter)
        let items = Array(all.dropFirst((page - 1) * perPage).prefix(perPage))
        var next: String?
        if page * perPage < all.count {
            let kept = request.form.items.filter { $0.name != "page" }.map { "\(FormQuery.encode($0.name))=\(FormQuery.encode($0.value))" }
            next = EcosystemRoute.apiSolutions.path() + "?" + (kept + ["page=\(page + 1)"]).joined(separator: "&")
        }
        var response = try JSONResponse.make(ListDTO(items: items, page: page, perPage: perPage, total: all.count, next: next))
        response.headers[.accessControlAllowOrigin] = "*"
        return response
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.pathValue("id")
        guard let solution = try await solutions.solution(id: id) else { throw AppError.notFound("solution_not_found") }
        var response = try JSONResponse.make(solution)
        response.headers[.accessControlAllowOrigin] = "*"
        return response
    }
}

struct SolutionItem {
    let href: String
    let name: String
    let meta: String
    let channels: [String]
}

struct Pager {
    let label: String
    let previous: String?
    let next: String?
}

struct SolutionListPage {
    let intro: String
    let countries: [FilterOption]
    let sdgs: [FilterOption]
    let themes: [FilterOption]
    let maturities: [FilterOption]
    let channels: [FilterOption]
    let langParam: String?
    let count: String
    let items: [SolutionItem]
    let empty: Bool
    let filtered: Bool
    let clearHref: String
    let pager: Pager?
}

struct SolutionPage {
    let name: String
    let facts: [PlanFacet]
    let paragraphs: [String]
    let descriptionLang: String?
    let links: [String]
    let source: String
    let backHref: String
}

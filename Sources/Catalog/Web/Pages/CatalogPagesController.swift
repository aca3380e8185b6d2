// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import Hummingbird

/// The public pages: home, lists, category, institution, procedure, search.
struct CatalogPagesController: Sendable {
    let renderer: Renderer
    let repository: CatalogRepository
    let reference: ReferenceData
    let views: ViewCounter
    let cache: ResponseCache
    let procedurePages: ProcedurePageBuilder
    /// Where the home page leads besides the catalogue (other features' public pages, given by the composition root).
    let destinations: [Destination]
    /// The time against which cached pages with live figures expire (tests set a `ManualClock`).
    var clock: any WallClock = SystemClock()
    static let pageSize = 25

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(CatalogRoute.home, use: home)
        router.get(CatalogRoute.procedures, use: list)
        router.get(CatalogRoute.procedure, use: procedure)
        router.get(CatalogRoute.category, use: category)
        router.get(CatalogRoute.institution, use: institution)
        router.get(CatalogRoute.search, use: search)
    }

    /// Pages depend only on the catalogue, the language, the person's country and the address: rendered once per
    /// catalogue change.
    func cached(_ request: Request, _ context: AppRequestContext, _ make: (Request) async throws -> Response) async throws -> Response {
        try await cache.response(
            request: request, language: context.language.rawValue, languageInQuery: context.languageInQuery, country: context.country,
            now: clock.now
        ) { request in
            try await refreshCountryNames()
            return try await make(request)
        }
    }

    /// The layout's country chooser names the countries of the catalogue as it is now.
    func refreshCountryNames() async throws {
        guard let switcher = renderer.countries else { return }
        let countries = try await reference.current(repository).countries
        var names: [String: [String: String]] = [:]
        for country in countries { names[country.code] = ["fr": country.name.fr, "en": country.name.en ?? country.name.fr] }
        switcher.update(names)
    }

    func format(_ context: AppRequestContext) -> CatalogFormatter {
        CatalogFormatter(PageContext(context, localizer: renderer.localizer, keys: "catalog"))
    }

    /// Cached like the other pages: it depends on the catalogue, the language and the person's country.
    @Sendable func home(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await cached(request, context) { request in try await renderHome(request, context: context) }
    }

    func renderHome(_ request: Request, context: AppRequestContext) async throws -> Response {
        let f = format(context)
        let page = f.page
        let counts = try await repository.procedureCounts()
        let snapshot = try await reference.current(repository)
        let categories = snapshot.categories.compactMap { category -> CategoryItem? in
            guard let count = counts.byCategory[category.id], count > 0, let name = f.text(category.name) else { return nil }
            return CategoryItem(
                href: page.link(CatalogRoute.category, category.id), name: name, icon: Icons.path(category.icon),
                count: page.count("procedures_count", count))
        }
        let mine = context.country.flatMap { snapshot.countriesByCode[$0] }
        // The person's country first, then the others.
        let ordered = snapshot.countries.filter { $0.code == mine?.code } + snapshot.countries.filter { $0.code != mine?.code }
        let countries = ordered.map { country in
            CountryItem(
                href: page.link(CatalogRoute.procedures.path(), [("country", country.code)]), name: f.plain(country.name),
                count: page.count("procedures_count", counts.byCountry[country.code] ?? 0), current: country.code == mine?.code)
        }
        let here = CatalogRoute.home.path()
        let choices =
            mine == nil
            ? snapshot.countries.map { country in
                CountryItem(
                    href: page.link(CatalogRoute.countryChoice.path(country.code), [("next", here)]), name: f.plain(country.name), count: nil,
                    current: false)
            } : []
        var featured: [FeaturedGroup] = []
        for country in (mine.map { [$0] } ?? snapshot.countries) {
            let procedures: [Procedure] = try await reference.procedures(country.featured ?? [], repository)
            guard !procedures.isEmpty else { continue }
            featured.append(
                FeaturedGroup(
                    heading: page.t(mine == nil ? "featured_in" : "featured_title", ["country": f.plain(country.name)]),
                    items: try await items(procedures, f), more: page.link(CatalogRoute.procedures.path(), [("country", country.code)]),
                    moreLabel: page.t("featured_more", ["country": f.plain(country.name)])))
        }
        let model = HomePage(
            choices: choices, countryNote: mine.map { Self.countryFirst($0, f) },
            changeCountry: mine.map { _ in page.link(CatalogRoute.country.path(), [("next", here)]) }, featured: featured,
            destinations: destinations.map { DestinationItem(destination: $0, page: page) }, categories: categories, countries: countries,
            searchQuery: page.t("home_search_example"))
        return try renderer.page(
            "catalog-home", title: page.t("home_title"), page: model, request: request, context: context, description: page.t("home_intro"))
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await cached(request, context) { request in
            let f = format(context)
            return try await listPage(
                request, context, f, heading: f.page.t("list_title"), intro: nil, filter: .init(), basePath: CatalogRoute.procedures.path())
        }
    }

    @Sendable func category(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await cached(request, context) { request in
            let id = try context.pathValue("id")
            guard let category = try await reference.current(repository).categoriesById[id] else { throw AppError.notFound("category_not_found") }
            let f = format(context)
            return try await listPage(
                request, context, f, heading: f.plain(category.name), intro: f.text(category.description), filter: .init(category: id),
                basePath: CatalogRoute.category.path(id))
        }
    }

    func listPage(
        _ request: Request, _ context: AppRequestContext, _ f: CatalogFormatter, heading: String, intro: TextView?,
        filter: CatalogRepository.ProcedureFilter, basePath: String
    ) async throws -> Response {
        let page = f.page
        let countries = try await reference.current(repository).countries
        var filter = filter
        filter.country = try RequestParameters.country(request, known: countries)
        let preferred = Self.preferredCountry(filtered: filter.country, countries, context)
        filter.preferredCountry = preferred?.code
        let pageNumber = try RequestParameters.positiveInt(request, "page", default: 1, max: 100_000)
        let ids = try await repository.procedureIds(filter, limit: Self.pageSize, offset: (pageNumber - 1) * Self.pageSize)
        let procedures = try await reference.procedures(ids, repository)
        let countryQuery = filter.country.map { [("country", $0)] } ?? []
        let model = ListPage(
            heading: heading, intro: intro, countries: Self.countryFilter(countries, current: filter.country, path: basePath, keep: [], f),
            items: try await items(procedures.items, f), count: page.count("procedures_count", procedures.total),
            pager: Self.pager(page: pageNumber, total: procedures.total, size: Self.pageSize, page) { number in
                page.link(basePath, countryQuery + [("page", String(number))])
            }, empty: procedures.items.isEmpty, fallback: f.usedFallback,
            countryFirst: preferred.map { Self.countryFirst($0, f) })
        return try renderer.page("catalog-list", title: heading, page: model, request: request, context: context)
    }

    @Sendable func institution(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await cached(request, context) { request in try await renderInstitution(request, context: context) }
    }

    func renderInstitution(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.pathValue("id")
        let snapshot = try await reference.current(repository)
        guard let institution = snapshot.institutions[id] else { throw AppError.notFound("institution_not_found") }
        let f = format(context)
        let page = f.page
        let pageNumber = try RequestParameters.positiveInt(request, "page", default: 1, max: 100_000)
        let ids = try await repository.procedureIds(.init(institution: id), limit: Self.pageSize, offset: (pageNumber - 1) * Self.pageSize)
        let procedures = try await reference.procedures(ids, repository)
        let parent = institution.parent.flatMap { snapshot.institutions[$0] }
        let name = f.text(institution.name) ?? TextView(text: institution.id, lang: nil)
        let model = InstitutionPage(
            contact: ContactView(institution: institution, name: name, format: f), acronym: institution.acronym,
            country: snapshot.countries.first { $0.code == institution.country }.map { f.plain($0.name) } ?? institution.country,
            parent: parent.flatMap { parent in
                f.text(parent.name).map { ProcedureLink(href: page.link(CatalogRoute.institution, parent.id), text: $0) }
            },
            procedures: try await items(procedures.items, f),
            pager: Self.pager(page: pageNumber, total: procedures.total, size: Self.pageSize, page) { number in
                page.link(CatalogRoute.institution, id, query: [("page", String(number))])
            }, fallback: f.usedFallback)
        return try renderer.page("catalog-institution", title: f.plain(institution.name), page: model, request: request, context: context)
    }

    @Sendable func procedure(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.pathValue("id")
        let response = try await cached(request, context) { request in try await renderProcedure(id: id, request, context: context) }
        views.record(id)
        return response
    }

    func renderProcedure(id: String, _ request: Request, context: AppRequestContext) async throws -> Response {
        guard let procedure = try await reference.procedure(id, repository) else { throw AppError.notFound("procedure_not_found") }
        let near = RequestParameters.optional(request, "region")
        guard (near?.count ?? 0) <= 80 else { throw AppError(.badRequest, code: "region_too_long", field: "region") }
        let model = try await procedurePages.page(
            procedure, format: format(context), near: near, allPlaces: RequestParameters.optional(request, "places") == "all")
        var response = try renderer.page(
            "catalog-procedure", title: model.title.text, page: model, request: request, context: context, description: model.summary?.text,
            figures: model.freshUntil != nil)
        // Live figures (waits, open now): the cached page is rebuilt once they are stale.
        if let freshUntil = model.freshUntil { response.headers[.xGuichetFreshUntil] = String(freshUntil.timeIntervalSince1970) }
        return response
    }

    @Sendable func search(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await cached(request, context) { request in try await renderSearch(request, context: context) }
    }

    func renderSearch(_ request: Request, context: AppRequestContext) async throws -> Response {
        let f = format(context)
        let page = f.page
        let query = RequestParameters.optional(request, "q") ?? ""
        guard query.count <= 200 else { throw AppError(.badRequest, code: "query_too_long", field: "q") }
        let countries = try await reference.current(repository).countries
        let country = try RequestParameters.country(request, known: countries)
        let pageNumber = try RequestParameters.positiveInt(request, "page", default: 1, max: 1000)
        guard !query.isEmpty else {
            let model = SearchPage(
                query: "", heading: page.t("search_title"), count: nil, items: [], pager: nil, noResults: false, prompt: true, countries: [],
                fallback: false)
            return try renderer.page("catalog-search", title: page.t("search_title"), page: model, request: request, context: context)
        }
        let preferred = Self.preferredCountry(filtered: country, countries, context)
        let found = try await repository.find(
            query, country: country, preferredCountry: preferred?.code, limit: Self.pageSize, offset: (pageNumber - 1) * Self.pageSize)
        let results = try await reference.procedures(found.hits, repository)
        let path = CatalogRoute.search.path()
        let countryItems = Self.countryFilter(countries, current: country, path: path, keep: [("q", query)], f)
        let heading = page.t("results_for", ["query": query])
        let model = SearchPage(
            query: query, heading: heading, count: page.count("results_count", results.total), items: try await items(results.items, f),
            pager: Self.pager(page: pageNumber, total: results.total, size: Self.pageSize, page) { number in
                page.link(path, [("q", query)] + (country.map { [("country", $0)] } ?? []) + [("page", String(number))])
            }, noResults: results.items.isEmpty, prompt: false, countries: countryItems, fallback: f.usedFallback,
            countryFirst: preferred.map { Self.countryFirst($0, f) },
            correction: found.correction.map { corrected in
                Link(
                    text: page.t("did_you_mean", ["query": corrected]),
                    href: page.link(path, [("q", corrected)] + (country.map { [("country", $0)] } ?? [])))
            })
        return try renderer.page("catalog-search", title: heading, page: model, request: request, context: context)
    }

    func items(_ procedures: [Procedure], _ f: CatalogFormatter) async throws -> [ProcedureItem] {
        let institutions = try await reference.current(repository).institutions
        return procedures.map { procedure in
            ProcedureItem(
                href: f.page.link(CatalogRoute.procedure, procedure.id), title: f.text(procedure.title) ?? TextView(text: procedure.id, lang: nil),
                summary: f.text(procedure.summary).map { TextView(text: Self.shorten($0.text), lang: $0.lang) }, country: procedure.country,
                institution: institutions[procedure.institution].map { f.plain($0.name) })
        }
    }

    /// Not filtered by country: the person's country comes first, and the page says so (`countryFirst`).
    static func preferredCountry(filtered: String?, _ countries: [Country], _ context: AppRequestContext) -> Country? {
        guard filtered == nil, let code = context.country else { return nil }
        return countries.first { $0.code == code }
    }

    static func countryFirst(_ country: Country, _ f: CatalogFormatter) -> String {
        f.page.t("country_first", ["country": f.plain(country.name)])
    }

    /// "All" then one link per country, keeping the other query items (`keep`).
    static func countryFilter(
        _ countries: [Country], current: String?, path: String, keep: [(String, String)], _ f: CatalogFormatter
    ) -> [CountryItem] {
        [CountryItem(href: f.page.link(path, keep), name: f.page.t("filter_all"), count: nil, current: current == nil)]
            + countries.map {
                CountryItem(href: f.page.link(path, keep + [("country", $0.code)]), name: f.plain($0.name), count: nil, current: current == $0.code)
            }
    }

    static func shorten(_ text: String, to length: Int = 180) -> String {
        guard text.count > length else { return text }
        let cut = text.prefix(length)
        return (cut.lastIndex(of: " ").map { String(cut[..<$0]) } ?? String(cut)) + "…"
    }

    static func pager(page number: Int, total: Int, size: Int, _ page: PageContext, href: (Int) -> String) -> Pager? {
        let pages = max(1, (total + size - 1) / size)
        guard pages > 1 else { return nil }
        return Pager(
            label: page.t("page_of", ["page": String(number), "pages": String(pages)]), previous: number > 1 ? href(number - 1) : nil,
            next: number < pages ? href(number + 1) : nil)
    }
}

import Foundation
import GuichetCore
import Hummingbird

/// The public pages: home, lists, category, institution, procedure, search.
package struct CatalogPagesController: Sendable {
    let database: DatabaseService
    let renderer: Renderer
    let views: ViewCounter
    let cache: ResponseCache
    let reference: ReferenceData
    static let pageSize = 25

    package init(database: DatabaseService, renderer: Renderer, views: ViewCounter, cache: ResponseCache, reference: ReferenceData) {
        self.database = database
        self.renderer = renderer
        self.views = views
        self.cache = cache
        self.reference = reference
    }

    package func addRoutes(to router: Router<AppRequestContext>) {
        router.get(RouterPath(CatalogPaths.home), use: home)
        router.get(RouterPath(CatalogPaths.procedures), use: list)
        router.get(RouterPath(CatalogPaths.procedurePattern), use: procedure)
        router.get(RouterPath(CatalogPaths.categoryPattern), use: category)
        router.get(RouterPath(CatalogPaths.institutionPattern), use: institution)
        router.get(RouterPath(CatalogPaths.search), use: search)
    }

    var repository: CatalogRepository { CatalogRepository(database: database.db, changes: cache.generation) }

    /// Pages depend only on the catalogue, the language and the address: rendered once per catalogue change.
    func cached(_ request: Request, _ context: AppRequestContext, _ make: (Request) async throws -> Response) async throws -> Response {
        try await cache.response(request: request, language: context.language.rawValue, languageInQuery: context.languageInQuery, make: make)
    }

    func presenter(_ context: AppRequestContext) -> Presenter {
        Presenter(language: context.language, localizer: renderer.localizer)
    }

    static func langQuery(_ context: AppRequestContext) -> String {
        context.languageInQuery ? "?lang=\(context.language.rawValue)" : ""
    }

    static func langAmp(_ context: AppRequestContext) -> String {
        context.languageInQuery ? "&lang=\(context.language.rawValue)" : ""
    }

    /// Not cached: its "most viewed" list moves with page views, which do not change the catalogue.
    @Sendable func home(_ request: Request, context: AppRequestContext) async throws -> Response {
        let repository = self.repository
        let p = presenter(context)
        let counts = try await repository.procedureCounts()
        let langQuery = Self.langQuery(context)
        let snapshot = try await reference.current(repository)
        let categories = snapshot.categories.compactMap { category -> CategoryItem? in
            guard let count = counts.byCategory[category.id], count > 0, let name = p.text(category.name) else { return nil }
            return CategoryItem(
                href: CatalogPaths.category(category.id) + langQuery, name: name, icon: Icons.path(category.icon),
                count: p.count("procedures_count", count))
        }
        let countries = snapshot.countries.map { country in
            CountryItem(
                href: "\(CatalogPaths.procedures)?country=\(country.code)\(Self.langAmp(context))", name: p.plain(country.name),
                count: p.count("procedures_count", counts.byCountry[country.code] ?? 0), current: false)
        }
        let popular = try await items(repository.mostViewed(limit: 8), p, context)
        let page = HomePage(categories: categories, countries: countries, popular: popular)
        return try renderer.page(
            "catalog-home", title: p.t("home_title"), page: page, request: request, context: context, description: p.t("home_intro"))
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await cached(request, context) { request in try await renderList(request, context: context) }
    }

    func renderList(_ request: Request, context: AppRequestContext) async throws -> Response {
        let p = presenter(context)
        return try await listPage(request, context, heading: p.t("list_title"), intro: nil, filter: .init(), basePath: CatalogPaths.procedures)
    }

    @Sendable func category(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await cached(request, context) { request in try await renderCategory(request, context: context) }
    }

    func renderCategory(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try RequestParameters.id(context)
        guard let category = try await reference.current(repository).categoriesById[id] else { throw AppError.notFound("category_not_found") }
        let p = presenter(context)
        return try await listPage(
            request, context, heading: p.plain(category.name), intro: p.text(category.description), filter: .init(category: id),
            basePath: CatalogPaths.category(id))
    }

    func listPage(
        _ request: Request, _ context: AppRequestContext, heading: String, intro: TextView?, filter: CatalogRepository.ProcedureFilter,
        basePath: String
    ) async throws -> Response {
        let repository = self.repository
        let p = presenter(context)
        let countries = try await reference.current(repository).countries
        var filter = filter
        filter.country = try RequestParameters.country(request, known: countries)
        let pageNumber = try RequestParameters.positiveInt(request, "page", default: 1, max: 100_000)
        let ids = try await repository.procedureIds(filter, limit: Self.pageSize, offset: (pageNumber - 1) * Self.pageSize)
        let page = try await reference.procedures(ids, repository)
        let countryQuery = filter.country.map { "country=\($0)" }
        let countryItems = Self.countryFilter(countries, current: filter.country, path: basePath, keep: [], p, context)
        let model = ListPage(
            heading: heading, intro: intro, countries: countryItems, items: try await items(page.items, p, context),
            count: p.count("procedures_count", page.total),
            pager: Self.pager(page: pageNumber, total: page.total, size: Self.pageSize, p: p) { number in
                basePath + Self.query([countryQuery, "page=\(number)"].compactMap { $0 }, context)
            }, empty: page.items.isEmpty, fallback: p.usedFallback)
        return try renderer.page("catalog-list", title: heading, page: model, request: request, context: context)
    }

    @Sendable func institution(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await cached(request, context) { request in try await renderInstitution(request, context: context) }
    }

    func renderInstitution(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try RequestParameters.id(context)
        let repository = self.repository
        let snapshot = try await reference.current(repository)
        guard let institution = snapshot.institutions[id] else { throw AppError.notFound("institution_not_found") }
        let p = presenter(context)
        let pageNumber = try RequestParameters.positiveInt(request, "page", default: 1, max: 100_000)
        let ids = try await repository.procedureIds(.init(institution: id), limit: Self.pageSize, offset: (pageNumber - 1) * Self.pageSize)
        let procedures = try await reference.procedures(ids, repository)
        let parent = institution.parent.flatMap { snapshot.institutions[$0] }
        let countries = snapshot.countries
        let name = p.text(institution.name) ?? TextView(text: institution.id, lang: nil)
        let contact = ContactView(institution: institution, name: name, presenter: p, langQuery: Self.langQuery(context))
        let model = InstitutionPage(
            contact: contact, acronym: institution.acronym,
            country: countries.first { $0.code == institution.country }.map { p.plain($0.name) } ?? institution.country,
            parent: parent.flatMap { parent in
                p.text(parent.name).map { ProcedureLink(href: CatalogPaths.institution(parent.id) + Self.langQuery(context), text: $0) }
            },
            procedures: try await items(procedures.items, p, context),
            pager: Self.pager(page: pageNumber, total: procedures.total, size: Self.pageSize, p: p) { number in
                CatalogPaths.institution(id) + Self.query(["page=\(number)"], context)
            }, fallback: p.usedFallback)
        return try renderer.page("catalog-institution", title: p.plain(institution.name), page: model, request: request, context: context)
    }

    @Sendable func procedure(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try RequestParameters.id(context)
        let response = try await cached(request, context) { request in try await renderProcedure(id: id, request, context: context) }
        views.record(id)
        return response
    }

    func renderProcedure(id: String, _ request: Request, context: AppRequestContext) async throws -> Response {
        let repository = self.repository
        guard let procedure = try await reference.procedure(id, repository) else { throw AppError.notFound("procedure_not_found") }
        let snapshot = try await reference.current(repository)
        let p = presenter(context)
        let model = ProcedurePage(
            procedure: procedure, institutions: snapshot.institutions, categories: snapshot.categoriesById, countries: snapshot.countriesByCode,
            presenter: p,
            langQuery: Self.langQuery(context))
        return try renderer.page(
            "catalog-procedure", title: model.title.text, page: model, request: request, context: context, description: model.summary?.text)
    }

    @Sendable func search(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await cached(request, context) { request in try await renderSearch(request, context: context) }
    }

    func renderSearch(_ request: Request, context: AppRequestContext) async throws -> Response {
        let p = presenter(context)
        let repository = self.repository
        let query = RequestParameters.optional(request, "q") ?? ""
        guard query.count <= 200 else { throw AppError(.badRequest, code: "query_too_long", field: "q") }
        let countries = try await reference.current(repository).countries
        let country = try RequestParameters.country(request, known: countries)
        let pageNumber = try RequestParameters.positiveInt(request, "page", default: 1, max: 1000)
        guard !query.isEmpty else {
            let model = SearchPage(
                query: "", heading: p.t("search_title"), count: nil, items: [], pager: nil, noResults: false, prompt: true, countries: [],
                fallback: false)
            return try renderer.page("catalog-search", title: p.t("search_title"), page: model, request: request, context: context)
        }
        let hits = try await repository.searchIds(query, country: country, limit: Self.pageSize, offset: (pageNumber - 1) * Self.pageSize)
        let results = try await reference.procedures(hits, repository)
        let encoded = FormQuery.encode(query)
        let countryItems = Self.countryFilter(countries, current: country, path: CatalogPaths.search, keep: ["q=\(encoded)"], p, context)
        let heading = p.t("results_for", ["query": query])
        let model = SearchPage(
            query: query, heading: heading, count: p.count("results_count", results.total),
            items: try await items(results.items, p, context),
            pager: Self.pager(page: pageNumber, total: results.total, size: Self.pageSize, p: p) { number in
                CatalogPaths.search + Self.query(["q=\(encoded)", country.map { "country=\($0)" }, "page=\(number)"].compactMap { $0 }, context)
            }, noResults: results.items.isEmpty, prompt: false, countries: countryItems, fallback: p.usedFallback)
        return try renderer.page("catalog-search", title: heading, page: model, request: request, context: context)
    }

    func items(_ procedures: [Procedure], _ p: Presenter, _ context: AppRequestContext) async throws -> [ProcedureItem] {
        let institutions = try await reference.current(repository).institutions
        return procedures.map { procedure in
            ProcedureItem(
                href: CatalogPaths.procedure(procedure.id) + Self.langQuery(context), title: p.text(procedure.title) ?? TextView(text: procedure.id, lang: nil),
                summary: p.text(procedure.summary).map { TextView(text: Self.shorten($0.text), lang: $0.lang) }, country: procedure.country,
                institution: institutions[procedure.institution].map { p.plain($0.name) })
        }
    }

    /// "All" then one link per country, keeping the other query items (`keep`).
    static func countryFilter(
        _ countries: [Country], current: String?, path: String, keep: [String], _ p: Presenter, _ context: AppRequestContext
    ) -> [CountryItem] {
        [CountryItem(href: path + query(keep, context), name: p.t("filter_all"), count: nil, current: current == nil)]
            + countries.map {
                CountryItem(
                    href: path + query(keep + ["country=\($0.code)"], context), name: p.plain($0.name), count: nil, current: current == $0.code)
            }
    }

    static func shorten(_ text: String, to length: Int = 180) -> String {
        guard text.count > length else { return text }
        let cut = text.prefix(length)
        return (cut.lastIndex(of: " ").map { String(cut[..<$0]) } ?? String(cut)) + "…"
    }

    static func query(_ items: [String], _ context: AppRequestContext) -> String {
        let all = items + (context.languageInQuery ? ["lang=\(context.language.rawValue)"] : [])
        return all.isEmpty ? "" : "?" + all.joined(separator: "&")
    }

    static func pager(page: Int, total: Int, size: Int, p: Presenter, href: (Int) -> String) -> Pager? {
        let pages = max(1, (total + size - 1) / size)
        guard pages > 1 else { return nil }
        return Pager(
            label: p.t("page_of", ["page": String(page), "pages": String(pages)]), previous: page > 1 ? href(page - 1) : nil,
            next: page < pages ? href(page + 1) : nil)
    }
}

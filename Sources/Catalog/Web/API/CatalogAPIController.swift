// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import Hummingbird

/// The read API under `/api/v1`. Every route is listed in `routes`, which both registers it and lets a test
/// check it against the OpenAPI document.
package struct CatalogAPIController: Sendable {
    let repository: CatalogRepository
    let reference: ReferenceData
    let cache: ResponseCache
    let maxPageSize: Int
    /// The OpenAPI document, with the other features' parts merged in.
    let openAPI: ByteBuffer

    typealias Handler = @Sendable (Request, AppRequestContext) async throws -> Response
    static let handlers: [(route: Route, handler: @Sendable (CatalogAPIController) -> Handler)] = [
        (CatalogRoute.apiOpenAPI, { $0.openAPIDocument }),
        (CatalogRoute.apiCountries, { $0.countries }),
        (CatalogRoute.apiCategories, { $0.categories }),
        (CatalogRoute.apiInstitutions, { $0.institutions }),
        (CatalogRoute.apiInstitution, { $0.institution }),
        (CatalogRoute.apiProcedures, { $0.procedures }),
        (CatalogRoute.apiProcedure, { $0.procedure }),
        (CatalogRoute.apiSearch, { $0.search }),
    ]

    /// (method, path as OpenAPI writes it).
    package static var routes: [(method: String, path: String)] { handlers.map { ("GET", $0.route.openAPIPath) } }

    func addRoutes(to router: Router<AppRequestContext>) {
        let cache = self.cache
        for (route, handler) in Self.handlers {
            let handler = handler(self)
            // Answers depend only on the catalogue and the address: built once per catalogue change.
            router.get(route) { request, context in
                try await cache.response(request: request, language: context.language.rawValue, languageInQuery: false) { request in
                    try await handler(request, context)
                }
            }
        }
    }

    @Sendable func openAPIDocument(_ request: Request, context: AppRequestContext) async throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.accessControlAllowOrigin] = "*"
        // The countries a `country` parameter accepts are the catalogue's: the document names them (cached per generation).
        let countries = try await reference.current(repository).countries.map(\.code)
        let document = OpenAPIDocument.declaringCountries(Data(buffer: openAPI), countries)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: document)))
    }

    @Sendable func countries(_ request: Request, context: AppRequestContext) async throws -> Response {
        let counts = try await repository.procedureCounts().byCountry
        let items = try await reference.current(repository).countries.map { CountryDTO(country: $0, procedures: counts[$0.code] ?? 0) }
        return try JSONResponse.make(ListDTO(items: items, page: 1, perPage: max(items.count, 1), total: items.count, next: nil))
    }

    @Sendable func categories(_ request: Request, context: AppRequestContext) async throws -> Response {
        let counts = try await repository.procedureCounts().byCategory
        let items = try await reference.current(repository).categories.map { CategoryDTO(category: $0, procedures: counts[$0.id] ?? 0) }
        return try JSONResponse.make(ListDTO(items: items, page: 1, perPage: max(items.count, 1), total: items.count, next: nil))
    }

    @Sendable func institutions(_ request: Request, context: AppRequestContext) async throws -> Response {
        let country = try RequestParameters.country(request, known: try await reference.current(repository).countries)
        let (page, perPage) = try paging(request)
        let result = try await repository.institutions(country: country, limit: perPage, offset: (page - 1) * perPage)
        return try JSONResponse.make(
            ListDTO(
                items: result.items.map(InstitutionDTO.init), page: page, perPage: perPage, total: result.total,
                next: nextLink(request, page: page, perPage: perPage, total: result.total)))
    }

    @Sendable func institution(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.pathValue("id")
        guard let institution = try await reference.current(repository).institutions[id] else {
            throw AppError.notFound("institution_not_found")
        }
        return try JSONResponse.make(InstitutionDTO(institution))
    }

    @Sendable func procedures(_ request: Request, context: AppRequestContext) async throws -> Response {
        let snapshot = try await reference.current(repository)
        let country = try RequestParameters.country(request, known: snapshot.countries)
        let category = RequestParameters.optional(request, "category")
        if let category, snapshot.categoriesById[category] == nil {
            throw AppError.badParameter("category", value: category)
        }
        let institution = RequestParameters.optional(request, "institution")
        if let institution, snapshot.institutions[institution] == nil {
            throw AppError.badParameter("institution", value: institution)
        }
        let (page, perPage) = try paging(request)
        let ids = try await repository.procedureIds(
            .init(country: country, category: category, institution: institution), limit: perPage, offset: (page - 1) * perPage)
        let result = try await reference.procedures(ids, repository)
        return try JSONResponse.make(
            ListDTO(
                items: result.items.map(ProcedureSummaryDTO.init), page: page, perPage: perPage, total: result.total,
                next: nextLink(request, page: page, perPage: perPage, total: result.total)))
    }

    @Sendable func procedure(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.pathValue("id")
        guard let procedure = try await reference.procedure(id, repository) else { throw AppError.notFound("procedure_not_found") }
        let institutionIds = Set([procedure.institution] + procedure.blocks.flatMap(\.steps).compactMap(\.institution))
        let known = try await reference.current(repository).institutions
        let institutions = institutionIds.compactMap { known[$0] }
        return try JSONResponse.make(
            ProcedureDetailDTO(
                procedure: procedure, totals: ProcedureTotals(procedure: procedure),
                institutions: institutions.sorted { $0.id < $1.id }.map(InstitutionDTO.init),
                url: CatalogRoute.procedure.path(procedure.id)))
    }

    @Sendable func search(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let query = RequestParameters.optional(request, "q") else { throw AppError(.badRequest, code: "query_missing", field: "q") }
        guard query.count <= 200 else { throw AppError(.badRequest, code: "query_too_long", field: "q") }
        let country = try RequestParameters.country(request, known: try await reference.current(repository).countries)
        let (page, perPage) = try paging(request)
        let found = try await repository.find(query, country: country, limit: perPage, offset: (page - 1) * perPage)
        let result = try await reference.procedures(found.hits, repository)
        return try JSONResponse.make(
            SearchListDTO(
                items: result.items.map(ProcedureSummaryDTO.init), page: page, perPage: perPage, total: result.total,
                next: nextLink(request, page: page, perPage: perPage, total: result.total), correction: found.correction))
    }

    func paging(_ request: Request) throws -> (page: Int, perPage: Int) {
        (
            try RequestParameters.positiveInt(request, "page", default: 1, max: 100_000),
            try RequestParameters.positiveInt(request, "per_page", default: min(20, maxPageSize), max: maxPageSize)
        )
    }

    func nextLink(_ request: Request, page: Int, perPage: Int, total: Int) -> String? {
        guard page * perPage < total else { return nil }
        var items = request.form.items.filter { $0.name != "page" }.map { "\($0.name)=\(FormQuery.encode($0.value))" }
        items.append("page=\(page + 1)")
        return request.uri.path + "?" + items.joined(separator: "&")
    }
}

import GuichetCore

/// Every path of the catalogue, named once: routes, links, redirects and tests use these.
package enum CatalogPaths {
    package static let home = "/"
    package static let search = "/search"
    package static let procedures = "/procedures"
    package static let procedurePattern = "/procedures/:id"
    package static let categoryPattern = "/categories/:id"
    package static let institutionPattern = "/institutions/:id"

    package static func procedure(_ id: String) -> String { "/procedures/\(id)" }
    package static func category(_ id: String) -> String { "/categories/\(id)" }
    package static func institution(_ id: String) -> String { "/institutions/\(id)" }

    package static let api = "/api/v1"
    package static let openAPI = "/api/v1/openapi.json"
    package static func apiProcedure(_ id: String) -> String { "/api/v1/procedures/\(id)" }

    /// The ecosystem's form recording a digitalisation need, started from this procedure (analysts; the ecosystem names
    /// the same path `EcosystemPaths.newNeed`, and a test checks they agree).
    package static let newNeed = "/admin/ecosystem/needs/new"
    /// In the path, not the query: a signed-out analyst comes back to it after signing in (the sign-in keeps paths only).
    package static func reportNeed(_ procedureId: String) -> String { "\(newNeed)/\(FormQuery.encode(procedureId))" }
}

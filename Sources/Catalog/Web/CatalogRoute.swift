// SPDX-License-Identifier: MPL-2.0
import GuichetCore

/// Every path of the catalogue — public pages, the API and the editor's back office — named once: routes, links,
/// redirects and tests use these. Another feature's paths never appear here: they come as `ProcedureAction`s.
package enum CatalogRoute {
    // MARK: Public pages
    package static let home = Route("/")
    package static let search = Route("/search")
    package static let procedures = Route("/procedures")
    package static let procedure = Route("/procedures/:id")
    package static let category = Route("/categories/:id")
    package static let institution = Route("/institutions/:id")
    /// Where the person says which country they are in (remembered in a cookie, offered on every page).
    package static let country = Route("/country")
    package static let countryChoice = Route("/country/:code")

    // MARK: Read API
    package static let api = Route("/api/v1")
    package static let apiOpenAPI = Route("/api/v1/openapi.json")
    package static let apiCountries = Route("/api/v1/countries")
    package static let apiCategories = Route("/api/v1/categories")
    package static let apiInstitutions = Route("/api/v1/institutions")
    package static let apiInstitution = Route("/api/v1/institutions/:id")
    package static let apiProcedures = Route("/api/v1/procedures")
    package static let apiProcedure = Route("/api/v1/procedures/:id")
    package static let apiSearch = Route("/api/v1/search")

    // MARK: Editing API (API tokens of catalogue editors)
    package static let apiDraft = Route("/api/v1/procedures/:id/draft")
    package static let apiPublish = Route("/api/v1/procedures/:id/publish")

    // MARK: The editor's back office
    package static let editorHome = Route("/admin/catalog")
    package static let editorNew = Route("/admin/catalog/new")
    package static let editorProcedure = Route("/admin/catalog/procedures/:id")
    package static let editorStep = Route("/admin/catalog/procedures/:id/steps/:block/:step")
    package static let editorNewStep = Route("/admin/catalog/procedures/:id/steps/new")
    /// `up`, `down`, `delete` a step, or `block` (add a block, with any block and step numbers).
    package static let editorStepAction = Route("/admin/catalog/procedures/:id/steps/:block/:step/:action")
    package static let editorPreview = Route("/admin/catalog/procedures/:id/preview")
    package static let editorPublish = Route("/admin/catalog/procedures/:id/publish")
    package static let editorDiscard = Route("/admin/catalog/procedures/:id/discard")
    package static let editorHistory = Route("/admin/catalog/procedures/:id/history")
    package static let editorDiff = Route("/admin/catalog/procedures/:id/diff")
    package static let editorInstitutions = Route("/admin/catalog/institutions")
    package static let editorInstitution = Route("/admin/catalog/institutions/:id")
    package static let editorCategories = Route("/admin/catalog/categories")
    package static let editorCategory = Route("/admin/catalog/categories/:id")

    /// The differences between two states of a procedure (`published`, `draft` or a version number).
    package static func editorDiffLink(_ id: String, from: String, to: String) -> String {
        editorDiff.path(id) + "?from=\(FormQuery.encode(from))&to=\(FormQuery.encode(to))"
    }

    /// The form adding a step to block `block` (0-based).
    package static func editorNewStepLink(_ id: String, block: Int) -> String {
        editorNewStep.path(id) + "?block=\(block)"
    }
}

extension Route {
    /// The path as OpenAPI writes it (`/api/v1/procedures/{id}`), to check the routes against the document.
    var openAPIPath: String {
        pattern.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.first == ":" ? "{\($0.dropFirst())}" : String($0) }
            .joined(separator: "/")
    }
}

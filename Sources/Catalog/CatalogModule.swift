// SPDX-License-Identifier: MPL-2.0
import FluentKit
import Foundation
import GuichetCore
import Hummingbird
import NIOCore

/// The catalogue, built once by the composition root: countries, institutions, categories and procedures, their
/// public pages and read API, and the editor's back office and write API.
///
/// Needs: the database, the renderer, the response cache (and its catalogue generation), the page-view counter, the
/// API's page size and the other features' OpenAPI parts, and what other features offer about a procedure
/// (`ProcedureActionSource`s, rendered on its page). Provides: `lookup` (`CatalogLookup`).
package struct CatalogModule: Sendable {
    package let repository: CatalogRepository
    package let editor: ProcedureEditor
    package let reference: ReferenceData
    /// Which ids name institutions or procedures of the catalogue, for features that do not depend on it.
    package let lookup: any CatalogLookup

    let pages: CatalogPagesController
    let countries: CountryController
    let api: CatalogAPIController
    let editorAPI: EditorAPIController
    let procedureEditor: ProcedureEditorController
    let stepEditor: StepEditorController
    let referenceEditor: ReferenceDataEditorController

    /// `openAPIFragments`: other features' parts of the OpenAPI document (`paths` and `components.schemas`), merged in.
    package init(
        database: DatabaseService, renderer: Renderer, cache: ResponseCache, views: ViewCounter, maxPageSize: Int, openAPIFragments: [URL] = [],
        actionSources: [any ProcedureActionSource] = [], destinations: [Destination] = [], secureCookies: Bool = false,
        clock: any WallClock = SystemClock()
    ) throws {
        let repository = CatalogRepository(service: database, changes: cache.generation)
        let editor = ProcedureEditor(repository: repository)
        let reference = ReferenceData(generation: cache.generation)
        self.repository = repository
        self.editor = editor
        self.reference = reference
        lookup = CatalogLookupService(repository: repository)
        let procedurePages = ProcedurePageBuilder(repository: repository, reference: reference, actionSources: actionSources)
        pages = CatalogPagesController(
            renderer: renderer, repository: repository, reference: reference, views: views, cache: cache, procedurePages: procedurePages,
            destinations: destinations + [
                Destination(
                    kind: "api", label: "catalog.destination.api", detail: "catalog.destination.api_detail", href: CatalogRoute.apiOpenAPI.path())
            ],
            clock: clock)
        countries = CountryController(renderer: renderer, repository: repository, reference: reference, secureCookies: secureCookies)
        let openAPI = try OpenAPIDocument.merged(base: Self.resources.appendingPathComponent("openapi.json"), fragments: openAPIFragments)
        api = CatalogAPIController(
            repository: repository, reference: reference, cache: cache, maxPageSize: maxPageSize, openAPI: ByteBuffer(bytes: openAPI))
        editorAPI = EditorAPIController(repository: repository, editor: editor)
        let support = EditorSupport(renderer: renderer, repository: repository, editor: editor, reference: reference)
        procedureEditor = ProcedureEditorController(support: support, procedurePages: procedurePages)
        stepEditor = StepEditorController(support: support, procedures: procedureEditor)
        referenceEditor = ReferenceDataEditorController(support: support)
    }

    package func addRoutes(to router: Router<AppRequestContext>) throws {
        pages.addRoutes(to: router)
        countries.addRoutes(to: router)
        api.addRoutes(to: router)
        editorAPI.addRoutes(to: router)
        procedureEditor.addRoutes(to: router)
        stepEditor.addRoutes(to: router)
        referenceEditor.addRoutes(to: router)
    }

    package static var migrations: [any Migration] {
        [CreateCatalogTables(), CreateCatalogState(), CreateEditingTables(), CreateSearchVocabulary(), AddProcedureReviewed()]
    }

    /// The back office's entries of the catalogue.
    package static var menu: [MenuEntry] {
        [
            MenuEntry(
                path: CatalogRoute.editorHome.path(), label: "editor.menu.catalog", description: "editor.menu.catalog_description",
                roles: [.catalogEditor]),
            MenuEntry(
                path: CatalogRoute.editorInstitutions.path(), label: "editor.menu.institutions", description: "editor.menu.institutions_description",
                roles: [.administrator]),
            MenuEntry(
                path: CatalogRoute.editorCategories.path(), label: "editor.menu.categories", description: "editor.menu.categories_description",
                roles: [.administrator]),
        ]
    }

    /// The `Resources` folder of this module (templates, locales, demo data, OpenAPI document).
    package static var resources: URL {
        Bundle.module.bundleURL.appendingPathComponent("Resources")
    }

    /// The demo catalogue: shared categories, then Senegal, Togo and Congo.
    package static var demoFiles: [URL] {
        ["common", "sn", "tg", "cg"].map { resources.appendingPathComponent("Demo/\($0).yaml") }
    }
}

/// The catalogue's resources under their former name (the shared test kit and the composition root read them).
package enum CatalogResources {
    package static var directory: URL { CatalogModule.resources }
    package static var demoFiles: [URL] { CatalogModule.demoFiles }
}

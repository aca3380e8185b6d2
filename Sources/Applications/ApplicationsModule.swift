// SPDX-License-Identifier: MPL-2.0
import Catalog
import FluentKit
import Foundation
import GuichetCore
import Hummingbird

/// The applications feature (e-forms, applications, uploads, tracking, casework, signed documents), built once by the
/// composition root: its stores and services are made here and handed to its controllers.
package struct ApplicationsModule: Sendable {
    /// The configuration values the feature reads.
    package struct Settings: Sendable {
        /// Where uploads and keys live (`<data>/uploads`, `<data>/keys`).
        package var dataDirectory: String
        package var maxFileBytes: Int
        package var maxApplicationBytes: Int
        package var secureCookies: Bool
        /// The site's address as people type it (`GUICHET_PUBLIC_URL`), printed on documents.
        package var publicURL: String

        package init(dataDirectory: String, maxFileBytes: Int, maxApplicationBytes: Int, secureCookies: Bool, publicURL: String) {
            self.dataDirectory = dataDirectory
            self.maxFileBytes = maxFileBytes
            self.maxApplicationBytes = maxApplicationBytes
            self.secureCookies = secureCookies
            self.publicURL = publicURL
        }
    }

    package let settings: Settings
    package let keys: ApplicationKeys
    package let store: ApplicationStore
    package let forms: FormStore
    package let files: FileStore
    package let catalog: CatalogRepository
    package let drafts: Drafts
    package let submissions: Submissions
    /// Documents uploaded before their application (the GovStack API's `POST /documents`).
    package let staged: StagedDocuments
    package let tracking: Tracking
    package let casework: Casework
    package let documents: Documents
    let renderer: Renderer
    /// The payments' books: fees charged with a submission or an approval, read back on the person's and agents' pages.
    package let fees: any FeeLedger

    /// `users`: Accounts' directory of back-office users (agents to assign work to, names in histories).
    package init(
        database: DatabaseService, keys: ApplicationKeys, renderer: Renderer, users: any UserDirectory, settings: Settings,
        clock: any WallClock = SystemClock(), contentChanges: any PublishedContentChanges = NoPublishedContentChanges(),
        notifier: any Notifier = NoNotifier(), fees: any FeeLedger = NoFeeLedger()
    ) {
        self.settings = settings
        self.keys = keys
        self.renderer = renderer
        self.fees = fees
        let store = ApplicationStore(database: database, clock: clock)
        let forms = FormStore(database: database, cache: FormCache(), changes: contentChanges)
        let files = FileStore(dataDirectory: settings.dataDirectory)
        let catalog = CatalogRepository(service: database)
        let documents = Documents(database: database, keys: keys, catalog: catalog)
        self.store = store
        self.forms = forms
        self.files = files
        self.catalog = catalog
        self.documents = documents
        drafts = Drafts(
            database: database, store: store, files: files, maxFileBytes: settings.maxFileBytes, maxApplicationBytes: settings.maxApplicationBytes,
            clock: clock)
        let staged = StagedDocuments(
            database: database, files: files, maxFileBytes: settings.maxFileBytes, maxApplicationBytes: settings.maxApplicationBytes, clock: clock)
        self.staged = staged
        submissions = Submissions(
            database: database, store: store, forms: forms, keys: keys, catalog: catalog, clock: clock, notifier: notifier, fees: fees,
            staged: staged)
        tracking = Tracking(database: database, store: store, keys: keys)
        casework = Casework(
            database: database, store: store, forms: forms, documents: documents, users: users, clock: clock, notifier: notifier, fees: fees,
            catalog: catalog)
    }

    /// Registers every page and API route of the feature. `verifiers`: other features' signed records, checked at
    /// `/verify/{code}` when no document has the code.
    package func addRoutes(to router: Router<AppRequestContext>, verifiers: [any RecordVerifier] = []) throws {
        let apply = ApplyController(module: self)
        var track = TrackController(module: self, apply: apply)
        track.verifiers = verifiers
        apply.addRoutes(to: router)
        track.addRoutes(to: router)
        InboxController(module: self, track: track).addRoutes(to: router)
        AssistedController(forms: forms, catalog: catalog, renderer: renderer).addRoutes(to: router)
        FormEditorController(forms: forms, catalog: catalog, renderer: renderer).addRoutes(to: router)
        ApplicationsAPIController(module: self).addRoutes(to: router)
    }

    package static var migrations: [any Migration] { ApplicationsMigrations.all }
    package static var menu: [MenuEntry] { ApplicationsMenu.entries }
    /// Where the home page leads for this feature.
    package static var destinations: [Destination] { ApplicationsDestinations.all }
    package static var resources: URL { ApplicationsResources.directory }
    /// The API's routes as the OpenAPI document writes them.
    package static var apiRoutes: [(method: String, path: String)] { ApplicationsAPIController.routes }

    /// For the centres' console: "file an application for this visitor".
    package var visitorActions: any VisitorActionSource { AssistedApplicationAction() }
    /// For the procedure page: "apply online" when a form is published, and "follow an application".
    package var procedureActions: any ProcedureActionSource { ApplyOnlineAction(forms: forms) }
    /// Applications filed per procedure, for the ecosystem's ranking.
    package var measures: any ProcedureMeasureSource { ApplicationMeasures(store: store, forms: forms) }
}

package enum ApplicationsResources {
    /// The `Resources` folder of this module (templates, locales, demo forms).
    package static var directory: URL {
        Bundle.module.bundleURL.appendingPathComponent("Resources")
    }

    /// The applications' part of the OpenAPI document (paths and schemas), merged into `/api/v1/openapi.json`.
    package static var openAPI: URL { directory.appendingPathComponent("openapi-applications.json") }

    package static var demoForms: URL { directory.appendingPathComponent("Demo/forms.yaml") }
}

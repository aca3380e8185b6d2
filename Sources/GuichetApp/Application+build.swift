import Accounts
import Applications
import Audit
import Catalog
import Crypto
import Centres
import Ecosystem
import FluentKit
import Foundation
import GuichetCore
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// Everything a running Guichet holds, built once at start.
package struct AppComponents: Sendable {
    package let configuration: AppConfiguration
    package let database: DatabaseService
    package let renderer: Renderer
    package let views: ViewCounter
    package let metrics: PrometheusCollectorRegistry
    package let stylesheet: Stylesheet
    package let adminStylesheet: Stylesheet
    package let cache: ResponseCache
    package let accounts: AccountService
    package let applications: ApplicationService
    /// Binds visitors' CSRF tokens to this site.
    package let siteSecret: SymmetricKey
    /// The demo accounts created at this start, with their passwords (printed once by `serve --demo`).
    package let demoCredentials: [DemoUsers.Credential]
}

package enum GuichetApplication {
    package static var resourceDirectories: [URL] {
        [CoreResources.directory, AccountsResources.directory, CatalogResources.directory, CentresResources.directory, EcosystemResources.directory, ApplicationsResources.directory]
    }

    /// The back office's menu: each feature's entries, in this order.
    package static var menu: [MenuEntry] { AccountsMenu.entries + EditorController.menu + ApplicationsMenu.entries + CentresMenu.entries + EcosystemMenu.entries }

    package static func migrations() -> [any Migration] {
        CoreMigrations.all + AuditLog.migrations + CatalogMigrations.all + AccountsMigrations.all + CentresMigrations.all + EcosystemMigrations.all + ApplicationsMigrations.all
    }

    /// Opens the database, runs pending migrations (unless told not to) and, for the demo, seeds an empty catalogue.
    package static func prepare(
        configuration: AppConfiguration, logger: Logger, metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        dropSchemaOnShutdown: Bool = false
    ) async throws -> AppComponents {
        let database = try await DatabaseService(configuration.database, logger: logger, dropSchemaOnShutdown: dropSchemaOnShutdown)
        do {
            database.add(migrations())
            if configuration.runMigrations || configuration.demo {
                try await database.migrate()
            }
            let accounts = AccountService(database: database.db, settings: AccountSettings(configuration), limiter: AttemptLimiter(database))
            let keys = try await ApplicationKeys.load(dataDirectory: configuration.dataDirectory, database: database.db)
            let applications = ApplicationService(
                database: database, keys: keys, files: FileStore(dataDirectory: configuration.dataDirectory), maxFileBytes: configuration.maxFileBytes,
                maxApplicationBytes: configuration.maxApplicationBytes)
            var demoCredentials: [DemoUsers.Credential] = []
            if configuration.demo {
                try await DemoSeeder.seedIfEmpty(database: database, servicePublicDirectory: configuration.servicePublicDirectory, logger: logger)
                demoCredentials = try await DemoUsers.createIfNone(accounts: accounts)
                try await ApplicationsDemo.seed(service: applications)
            }
            let siteSecret = try SiteSecret.load(dataDirectory: configuration.dataDirectory)
            try await recordLimits(configuration.limits, database: database)
            let localizer = try Localizer(resourceDirectories: resourceDirectories)
            let stylesheet = try Stylesheet(file: CoreResources.directory.appendingPathComponent("Public/guichet.css"))
            let adminStylesheet = try Stylesheet(file: CoreResources.directory.appendingPathComponent("Public/admin.css"), path: CorePaths.adminStylesheet)
            var renderer = try Renderer(
                resourceDirectories: resourceDirectories, localizer: localizer, stylesheetPath: stylesheet.versionedPath,
                adminStylesheetPath: adminStylesheet.versionedPath)
            renderer.menu = menu
            let generation = ContentGeneration()
            generation.update(to: try await CatalogRepository(database: database.db).generation())
            return AppComponents(
                configuration: configuration, database: database, renderer: renderer, views: ViewCounter(database: database), metrics: metrics,
                stylesheet: stylesheet, adminStylesheet: adminStylesheet, cache: ResponseCache(generation: generation, enabled: configuration.pageCache), accounts: accounts,
                applications: applications, siteSecret: siteSecret, demoCredentials: demoCredentials)
        } catch {
            await database.shutdown()
            throw error
        }
    }

    /// The public forms' limits are settings that change what people may do: a change (seen at start) is an audit event.
    static func recordLimits(_ limits: PublicLimits, database: DatabaseService) async throws {
        let last = try await AuditLog.search(.init(action: "settings.limits"), limit: 1, on: database.db).first
        // The documented defaults, never changed, need no event; any change from what was last in force does.
        guard last?.entry.summary ?? PublicLimits().summary != limits.summary else { return }
        _ = try await database.writeTransaction { db in
            try await AuditLog.append(AuditEntry(actor: "system", action: "settings.limits", entity: "settings", entityId: "limits", summary: limits.summary), on: db)
        }
    }

    package static func buildRouter(_ components: AppComponents) throws -> Router<AppRequestContext> {
        // HEAD is answered wherever GET is, with the same headers and no body.
        let router = Router(context: AppRequestContext.self, options: .autoGenerateHeadEndpoints)
        let routeTable = RouteTable()
        router.add(middleware: RequestIdMiddleware())
        router.add(middleware: RequestLogMiddleware())
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: GzipMiddleware())
        router.add(middleware: LanguageMiddleware(secureCookies: components.configuration.secureCookies))
        router.add(middleware: ErrorMiddleware(renderer: components.renderer))
        router.add(middleware: MethodNotAllowedMiddleware(routes: routeTable))
        router.add(
            middleware: AuthMiddleware(
                accounts: components.accounts, trustForwardedFor: components.configuration.trustForwardedFor, secureCookies: components.configuration.secureCookies))
        router.add(
            middleware: CSRFMiddleware(
                secureCookies: components.configuration.secureCookies, secret: components.siteSecret,
                maxMultipartSize: components.configuration.maxApplicationBytes + (1 << 20)))

        OperationsController(
            database: components.database, metrics: components.metrics, stylesheets: [components.stylesheet, components.adminStylesheet],
            metricsToken: components.configuration.metricsToken)
            .addRoutes(to: router)
        let reference = ReferenceData(generation: components.cache.generation)
        CatalogPagesController(
            database: components.database, renderer: components.renderer, views: components.views, cache: components.cache, reference: reference
        ).addRoutes(to: router)
        try CatalogAPIController(
            database: components.database, maxPageSize: components.configuration.maxPageSize, cache: components.cache, reference: reference,
            openAPIFragments: [ApplicationsResources.openAPI]
        ).addRoutes(to: router)
        AuthController(accounts: components.accounts, renderer: components.renderer, secureCookies: components.configuration.secureCookies)
            .addRoutes(to: router)
        AdminController(accounts: components.accounts, renderer: components.renderer, database: components.database.db).addRoutes(to: router)
        EditorAPIController(database: components.database, cache: components.cache).addRoutes(to: router)
        EditorController(database: components.database, renderer: components.renderer, cache: components.cache, reference: reference).addRoutes(to: router)
        let limits = components.configuration.limits
        try CentresPagesController(database: components.database, renderer: components.renderer, limits: limits).addRoutes(to: router)
        try AppointmentsController(database: components.database, renderer: components.renderer, limits: limits).addRoutes(to: router)
        ResultsController(database: components.database, renderer: components.renderer).addRoutes(to: router)
        ConsoleController(database: components.database, renderer: components.renderer).addRoutes(to: router)
        DashboardController(database: components.database, renderer: components.renderer).addRoutes(to: router)
        CommitmentsController(database: components.database, renderer: components.renderer).addRoutes(to: router)
        CentresAPIController(database: components.database, limits: limits).addRoutes(to: router)
        LearningPlanPagesController(database: components.database, renderer: components.renderer).addRoutes(to: router)
        SolutionPagesController(database: components.database, renderer: components.renderer).addRoutes(to: router)
        SolutionAPIController(database: components.database).addRoutes(to: router)
        ActorControllers(database: components.database, renderer: components.renderer).addRoutes(to: router)
        NeedsController(database: components.database, renderer: components.renderer).addRoutes(to: router)
        PrioritiesController(
            database: components.database, renderer: components.renderer, measures: [TicketMeasures(database: components.database.db), ApplicationMeasures(database: components.database)]
        ).addRoutes(to: router)
        SurveyControllers(database: components.database, renderer: components.renderer).addRoutes(to: router)
        PlanImportController(database: components.database, renderer: components.renderer).addRoutes(to: router)
        let secure = components.configuration.secureCookies
        ApplyController(service: components.applications, renderer: components.renderer, secureCookies: secure).addRoutes(to: router)
        let publicURL = components.configuration.publicURL
        TrackController(service: components.applications, renderer: components.renderer, secureCookies: secure, publicURL: publicURL).addRoutes(to: router)
        InboxController(service: components.applications, renderer: components.renderer, secureCookies: secure, publicURL: publicURL).addRoutes(to: router)
        FormEditorController(service: components.applications, renderer: components.renderer).addRoutes(to: router)
        ApplicationsAPIController(service: components.applications, localizer: components.renderer.localizer).addRoutes(to: router)
        // Unknown paths get the same 404 page or JSON error as unknown ids.
        router.get("**") { _, _ -> Response in throw AppError.notFound() }
        routeTable.record(router.routes.map { (path: $0.path.description, method: $0.method) })
        return router
    }

    /// `ownsDatabase`: the service group shuts the database down at the end (not in tests, which inspect it afterwards).
    package static func buildApplication(_ components: AppComponents, logger: Logger, ownsDatabase: Bool = true) throws
        -> some ApplicationProtocol
    {
        let router = try buildRouter(components)
        let responder = CanonicalPathResponder(inner: router.buildResponder(), localizer: components.renderer.localizer)
        let watcher = CatalogGenerationWatcher(database: components.database, generation: components.cache.generation)
        let services: [any Service] = [components.views, watcher] + (ownsDatabase ? [components.database] : [])
        return Application(
            responder: responder,
            configuration: .init(address: .hostname(components.configuration.host, port: components.configuration.port), serverName: "Guichet"),
            services: services,
            logger: logger)
    }
}

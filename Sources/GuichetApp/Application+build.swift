// SPDX-License-Identifier: MPL-2.0
import Accounts
import Applications
import Audit
import Catalog
import Centres
import Channels
import Crypto
import Ecosystem
import FluentKit
import Foundation
import GuichetCore
import Hummingbird
import Insights
import Logging
import Metrics
import Payments
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
    package let applications: ApplicationsModule
    /// The notifications outbox every feature writes its messages to.
    package let outbox: Outbox
    /// The institutions' webhooks, told of applications' events in the same transactions as the outbox.
    package let webhooks: Webhooks
    /// The payments' books the applications write their fees to.
    package let fees: PaymentBooks
    /// Binds visitors' CSRF tokens to this site.
    package let siteSecret: SymmetricKey
    /// The demo accounts created at this start, with their passwords (printed once by `serve --demo`).
    package let demoCredentials: [DemoUsers.Credential]
    /// The time where it matters (the centres' queues, opening hours and appointments); tests set a `ManualClock`.
    package var clock: any WallClock = SystemClock()
}

package enum GuichetApplication {
    package static var resourceDirectories: [URL] {
        [
            CoreResources.directory, AccountsModule.resources, CatalogModule.resources, CentresModule.resources, EcosystemModule.resources,
            ApplicationsModule.resources, ChannelsModule.resources, InsightsModule.resources, PaymentsModule.resources,
        ]
    }

    /// The back office's menu: each feature's entries, in this order.
    package static var menu: [MenuEntry] {
        AccountsModule.menu + CatalogModule.menu + ApplicationsModule.menu + CentresModule.menu + EcosystemModule.menu + ChannelsModule.menu
            + PaymentsModule.menu
    }

    package static func migrations() -> [any Migration] {
        CoreMigrations.all + AuditLog.migrations + CatalogModule.migrations + AccountsModule.migrations + CentresModule.migrations
            + EcosystemModule.migrations + ApplicationsModule.migrations + ChannelsModule.migrations + InsightsModule.migrations
            + PaymentsModule.migrations
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
            let accounts = AccountsModule.service(
                database: database, configuration: configuration, catalog: CatalogLookupService(database: database))
            let keys = try await ApplicationKeys.load(dataDirectory: configuration.dataDirectory, database: database.db)
            var demoCredentials: [DemoUsers.Credential] = []
            // The demo may run on a clock set to a weekday morning (`GUICHET_DEMO_CLOCK`), so that its centres are open.
            let clock: any WallClock =
                configuration.demo ? configuration.demoClock.map { ShiftedClock(startingAt: $0) } ?? SystemClock() : SystemClock()
            if configuration.demo {
                try await DemoSeeder.seedIfEmpty(database: database, servicePublicDirectory: configuration.servicePublicDirectory, logger: logger)
                let started = Date()
                let simulated = try await CentresSimulation.run(database: database, now: clock.now)
                if simulated.tickets > 0 {
                    logger.info(
                        "demo history simulated",
                        metadata: ["rows": "\(simulated)", "seconds": "\(Date().timeIntervalSince(started).clampedInt(.towardZero))"])
                }
                demoCredentials = try await DemoUsers.createIfNone(accounts: accounts)
            }
            let siteSecret = try SiteSecret.load(dataDirectory: configuration.dataDirectory)
            try await recordLimits(configuration.limits, database: database)
            let localizer = try Localizer(resourceDirectories: resourceDirectories)
            let stylesheet = try Stylesheet(file: CoreResources.directory.appendingPathComponent("Public/guichet.css"))
            let adminStylesheet = try Stylesheet(
                file: CoreResources.directory.appendingPathComponent("Public/admin.css"), path: CorePaths.adminStylesheet)
            var renderer = try Renderer(
                resourceDirectories: resourceDirectories, localizer: localizer, stylesheetPath: stylesheet.versionedPath,
                adminStylesheetPath: adminStylesheet.versionedPath)
            renderer.menu = menu
            // Every demo start writes (once) the simulated history of the centres and the applications.
            renderer.simulatedData = configuration.demo
            // The country chooser of every page; the catalogue keeps its names current.
            renderer.countries = CountrySwitcher(chooserPath: CatalogRoute.country.path())
            let generation = ContentGeneration()
            let outbox = ChannelsModule.outbox(
                database: database, localizer: localizer, siteSecret: siteSecret, settings: configuration.channels, clock: clock)
            let webhooks = ChannelsModule.webhooks(database: database, siteSecret: siteSecret, clock: clock)
            let fees = PaymentsModule.books(database: database, clock: clock)
            let applications = ApplicationsModule(
                database: database, keys: keys, renderer: renderer, users: AccountsUserDirectory(database: database.db),
                settings: .init(
                    dataDirectory: configuration.dataDirectory, maxFileBytes: configuration.maxFileBytes,
                    maxApplicationBytes: configuration.maxApplicationBytes,
                    secureCookies: configuration.secureCookies, publicURL: configuration.publicURL),
                contentChanges: CatalogContentChanges(database: database, generation: generation),
                notifier: Notifiers([outbox, webhooks]), fees: fees)
            if configuration.demo {
                try await ApplicationsDemo.seed(service: applications)
                let started = Date()
                let simulated = try await ApplicationsSimulation.run(service: applications, now: clock.now)
                if simulated.applications > 0 {
                    logger.info(
                        "demo applications simulated",
                        metadata: ["rows": "\(simulated)", "seconds": "\(Date().timeIntervalSince(started).clampedInt(.towardZero))"])
                }
            }
            generation.update(to: try await CatalogRepository(database: database.db).generation())
            var components = AppComponents(
                configuration: configuration, database: database, renderer: renderer, views: ViewCounter(database: database), metrics: metrics,
                stylesheet: stylesheet, adminStylesheet: adminStylesheet,
                cache: ResponseCache(generation: generation, enabled: configuration.pageCache), accounts: accounts,
                applications: applications, outbox: outbox, webhooks: webhooks, fees: fees, siteSecret: siteSecret, demoCredentials: demoCredentials)
            components.clock = clock
            return components
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
            try await AuditLog.append(
                AuditEntry(actor: "system", action: "settings.limits", entity: "settings", entityId: "limits", summary: limits.summary), on: db)
        }
    }

    package static func buildRouter(_ components: AppComponents) throws -> Router<AppRequestContext> {
        // HEAD is answered wherever GET is, with the same headers and no body.
        let router = Router(context: AppRequestContext.self, options: .autoGenerateHeadEndpoints)
        let routeTable = RouteTable()
        let accounts = AccountsModule(service: components.accounts, renderer: components.renderer, configuration: components.configuration)
        // One stack of fixed type rather than a layer each: every request then calls the next middleware directly,
        // not through one existential responder per layer.
        router.addMiddleware {
            // The request id and the security headers (one layer for both).
            ResponseHeadersMiddleware()
            RequestLogMiddleware()
            RequestMetricsMiddleware<AppRequestContext>(factory: PrometheusMetricsFactory(registry: components.metrics))
            GzipMiddleware<AppRequestContext>()
            LanguageMiddleware(secureCookies: components.configuration.secureCookies, defaultCountry: components.configuration.defaultCountry)
            ErrorMiddleware(renderer: components.renderer)
            MethodNotAllowedMiddleware(routes: routeTable)
            accounts.authMiddleware
            CSRFMiddleware(
                secureCookies: components.configuration.secureCookies, secret: components.siteSecret,
                uploads: UploadRoutes([
                    (ApplicationsRoute.page, components.configuration.maxApplicationBytes + (1 << 20)), (PaymentsModule.uploadRoute, 4 << 20),
                ]))
        }

        OperationsController(
            database: components.database, metrics: components.metrics, stylesheets: [components.stylesheet, components.adminStylesheet],
            metricsToken: components.configuration.metricsToken
        )
        .addRoutes(to: router)
        let centres = try CentresModule(
            database: components.database, renderer: components.renderer, limits: components.configuration.limits, clock: components.clock,
            catalog: CatalogLookupService(database: components.database), visitorActions: [components.applications.visitorActions],
            procedurePath: { CatalogRoute.procedure.path($0) }, procedureActions: [components.applications.procedureActions],
            contentChanges: CatalogContentChanges(database: components.database, generation: components.cache.generation),
            simulatedRows: SimulatedRows(included: components.configuration.demo), notifier: components.outbox)
        let ecosystem = EcosystemModule(
            database: components.database, renderer: components.renderer,
            measures: [
                centres.measures,
                ApplicationMeasures(database: components.database, simulated: SimulatedRows(included: components.configuration.demo)),
            ]
        )
        let catalog = try CatalogModule(
            database: components.database, renderer: components.renderer, cache: components.cache, views: components.views,
            maxPageSize: components.configuration.maxPageSize,
            openAPIFragments: [ApplicationsResources.openAPI, InsightsModule.openAPI, PaymentsModule.openAPI],
            actionSources: [components.applications.procedureActions, centres.whereToGo, ecosystem.procedureActions],
            destinations: ApplicationsModule.destinations + CentresModule.destinations + EcosystemModule.destinations
                + InsightsModule.destinations,
            secureCookies: components.configuration.secureCookies, clock: components.clock)
        try catalog.addRoutes(to: router)
        try accounts.addRoutes(to: router)
        try centres.addRoutes(to: router)
        try ecosystem.addRoutes(to: router)
        let payments = payments(components)
        payments.addRoutes(to: router)
        try components.applications.addRoutes(to: router, verifiers: [payments.verifier])
        ChannelsModule(
            settings: components.configuration.channels, outbox: components.outbox, webhooks: components.webhooks,
            transport: ChannelsModule.transport(components.configuration.channels, logger: Logger(label: "guichet.channels")),
            database: components.database,
            renderer: components.renderer, applications: components.applications, centres: centres,
            catalog: CatalogRepository(database: components.database.db), clock: components.clock
        ).addRoutes(to: router)
        try insights(components, ecosystem: ecosystem).addRoutes(to: router)
        // Unknown paths get the same 404 page or JSON error as unknown ids.
        router.get("**") { _, _ -> Response in throw AppError.notFound() }
        routeTable.record(router.routes.map { (path: $0.path.description, method: $0.method) })
        return router
    }

    /// The published results and the open data, reading the applications, the centres and the ecosystem through ports
    /// (also for `guichet opendata export`).
    package static func insights(_ components: AppComponents, ecosystem: EcosystemModule) -> InsightsModule {
        let simulated = SimulatedRows(included: components.configuration.demo)
        return InsightsModule(
            database: components.database, renderer: components.renderer,
            applications: ApplicationFiguresSource(database: components.database, simulated: simulated),
            centres: CentreFiguresSource(database: components.database, simulated: simulated), ecosystem: ecosystem.openData,
            forms: ElectronicFormsSource(database: components.database), files: RegistrationFilesSource(module: components.applications),
            clock: components.clock,
            publication: OpenDataPublication(baseURL: components.configuration.publicURL, license: components.configuration.openDataLicense),
            inboxPath: { procedure in ApplicationsRoute.inbox.path() + (procedure.map { "?procedure=" + FormQuery.encode($0) } ?? "") },
            payments: RevenueFigures(database: components.database))
    }

    /// Fees paid by mobile money or at a counter, on the applications' books.
    package static func payments(_ components: AppComponents) -> PaymentsModule {
        PaymentsModule(
            books: components.fees, database: components.database, renderer: components.renderer, settings: components.configuration.payments,
            applications: components.applications, clock: components.clock, logger: Logger(label: "guichet.payments"))
    }

    /// `ownsDatabase`: the service group shuts the database down at the end (not in tests, which inspect it afterwards).
    package static func buildApplication(_ components: AppComponents, logger: Logger, ownsDatabase: Bool = true) throws
        -> some ApplicationProtocol
    {
        let router = try buildRouter(components)
        let responder = CanonicalPathResponder(inner: router.buildResponder(), localizer: components.renderer.localizer)
        let watcher = CatalogGenerationWatcher(database: components.database, generation: components.cache.generation)
        let worker = ChannelsModule.worker(
            database: components.database, settings: components.configuration.channels,
            transport: ChannelsModule.transport(components.configuration.channels, logger: logger), clock: components.clock, logger: logger)
        let webhookWorker = ChannelsModule.webhookWorker(
            database: components.database, settings: components.configuration.channels, webhooks: components.webhooks, clock: components.clock,
            logger: logger)
        let paymentsWorker = payments(components).worker
        let chainer: [any Service] =
            components.database.dialect == .postgres
            ? [AuditChainWorker(database: components.database, interval: .milliseconds(500), logger: logger)] : []
        let workers: [any Service] =
            (worker.map { [$0] } ?? []) + (webhookWorker.map { [$0] } ?? []) + (paymentsWorker.map { [$0] } ?? []) + chainer
        // A service group stops its services in the reverse order: the workers first (the audit chainer's last round still
        // writes), the database last.
        let services: [any Service] = (ownsDatabase ? [components.database] : []) + [components.views, watcher] + workers
        return Application(
            responder: responder,
            configuration: .init(address: .hostname(components.configuration.host, port: components.configuration.port), serverName: "Guichet"),
            services: services,
            logger: logger)
    }
}

// SPDX-License-Identifier: MPL-2.0
import FluentKit
import Foundation
import GuichetCore
import Hummingbird
import Logging
import SQLKit

/// The service centres, built once by the composition root: the directory, the queues, appointments, feedback and
/// results, their pages, console and API. It asks the catalogue (`CatalogLookup`) whether the procedures and
/// institutions its directory names exist, and other features what an agent can do for a visitor (`VisitorActionSource`);
/// the catalogue's procedure pages it links to come from `procedurePath`. It gives the ecosystem its ticket figures
/// (`measures`).
package struct CentresModule: Sendable {
    package let directory: DirectoryRepository
    package let importer: DirectoryImporter
    package let queue: QueueService
    package let appointments: AppointmentService
    package let feedback: FeedbackService
    package let flood: FloodGuard
    package let estimator: WaitEstimator
    package let results: ResultsService
    package let dashboard: DashboardService
    package let commitments: CommitmentsService
    let renderer: Renderer
    let clock: any WallClock
    let visitorActions: [any VisitorActionSource]
    let procedurePath: @Sendable (String) -> String
    /// Other features' offers about a procedure (applying online), linked from the centre's page.
    let procedureActions: [any ProcedureActionSource]
    let screenStylesheet: ScreenStylesheet
    /// Whether the demo's simulated rows count (only in the demo).
    let simulatedRows: SimulatedRows
    /// Told when the directory changes; its version keeps "where to go" current.
    let contentChanges: any PublishedContentChanges
    let whereToGoMemo = WhereToGoMemo()

    package init(
        database: DatabaseService, renderer: Renderer, limits: PublicLimits = PublicLimits(), clock: any WallClock = SystemClock(),
        catalog: any CatalogLookup, visitorActions: [any VisitorActionSource] = [], procedurePath: @escaping @Sendable (String) -> String,
        procedureActions: [any ProcedureActionSource] = [], contentChanges: any PublishedContentChanges = NoPublishedContentChanges(),
        simulatedRows: SimulatedRows = .excluded, notifier: any Notifier = NoNotifier()
    ) throws {
        let directory = DirectoryRepository(database: database, changes: contentChanges)
        let queue = QueueService(database: database, directory: directory, clock: clock, notifier: notifier)
        self.directory = directory
        self.importer = DirectoryImporter(database: database, catalog: catalog, changes: contentChanges)
        self.queue = queue
        self.appointments = AppointmentService(database: database, directory: directory, queue: queue, clock: clock)
        self.feedback = FeedbackService(database: database, directory: directory, clock: clock)
        self.flood = FloodGuard(database: database, limits: limits, clock: clock)
        self.estimator = WaitEstimator(database: database, clock: clock, simulated: simulatedRows)
        self.results = ResultsService(database: database, simulated: simulatedRows)
        self.dashboard = DashboardService(database: database, simulated: simulatedRows)
        self.simulatedRows = simulatedRows
        self.contentChanges = contentChanges
        self.commitments = CommitmentsService(database: database, directory: directory, clock: clock)
        self.renderer = renderer
        self.clock = clock
        self.visitorActions = visitorActions
        self.procedurePath = procedurePath
        self.procedureActions = procedureActions
        self.screenStylesheet = try ScreenStylesheet(file: Self.resources.appendingPathComponent("Public/centres.css"))
    }

    /// The public pages, the kiosk and tablet screens, appointments, the console, the manager's pages and the API.
    package func addRoutes(to router: Router<AppRequestContext>) throws {
        let lines = ServiceLines(directory: directory, queue: queue, estimator: estimator, procedurePath: procedurePath)
        let tickets = TicketPagesController(
            renderer: renderer, directory: directory, queue: queue, estimator: estimator, feedback: feedback, flood: flood, serviceLines: lines,
            screenStylesheet: screenStylesheet, clock: clock)
        DirectoryPagesController(
            renderer: renderer, directory: directory, results: results, serviceLines: lines, screenStylesheet: screenStylesheet, clock: clock,
            procedureActions: procedureActions
        ).addRoutes(to: router)
        tickets.addRoutes(to: router)
        FeedbackPagesController(
            renderer: renderer, directory: directory, queue: queue, feedback: feedback, flood: flood, screenStylesheet: screenStylesheet
        ).addRoutes(to: router)
        AppointmentsController(renderer: renderer, directory: directory, appointments: appointments, flood: flood, tickets: tickets, clock: clock)
            .addRoutes(to: router)
        ResultsController(renderer: renderer, directory: directory, results: results, clock: clock).addRoutes(to: router)
        ConsoleController(renderer: renderer, directory: directory, queue: queue, visitorActions: visitorActions).addRoutes(to: router)
        DashboardController(renderer: renderer, directory: directory, dashboard: dashboard, clock: clock).addRoutes(to: router)
        CommitmentsController(renderer: renderer, directory: directory, commitments: commitments).addRoutes(to: router)
        CentresAPIController(directory: directory, queue: queue, estimator: estimator, flood: flood, clock: clock).addRoutes(to: router)
    }

    /// For the procedure page: the centres offering it, with hours, open now, today's wait and links for that service.
    package var whereToGo: any ProcedureActionSource {
        WhereToGoAction(
            directory: directory, queue: queue, estimator: estimator, localizer: renderer.localizer, clock: clock, memo: whereToGoMemo,
            changes: contentChanges)
    }

    /// What the centres measure of each catalogue procedure, for the ecosystem's ranking.
    package var measures: any ProcedureMeasureSource { TicketMeasures(sql: directory.sql, simulated: simulatedRows) }

    /// The API's routes as the OpenAPI document writes them (`CentresAPIController.routes` is the same list).
    package static var apiRoutes: [(method: String, path: String)] { CentresRoute.apiRoutes }

    package static var migrations: [any Migration] {
        [
            CreateCentresTables(), CreateAppointments(), AddCommitmentLabels(), AddCentresSimulatedFlags(), AddTicketIndex.counter,
            AddTicketIndex.called, AddTicketIndex.waiting, CreateWaitingCounts(),
        ]
    }

    /// Tables the database derives from others (by triggers): a copy of the data leaves them out and rebuilds them.
    package static var derivedTables: Set<String> { [CreateWaitingCounts.table] }

    /// Makes the derived tables again from the rows they count (after a copy).
    package static func rebuildDerivedTables(on sql: any SQLDatabase) async throws {
        try await CreateWaitingCounts.rebuild(on: sql)
    }

    /// Where the home page leads for this feature.
    package static var destinations: [Destination] { CentresDestinations.all }

    /// The console's and the commitments' places in the back office's menu.
    package static var menu: [MenuEntry] {
        [
            MenuEntry(
                path: CentresRoute.adminList.path(), label: "centres.menu.console", description: "centres.menu.console_description",
                roles: [.administrator, .centreAgent, .centreManager]),
            MenuEntry(
                path: CentresRoute.commitments.path(), label: "centres.menu.commitments", description: "centres.menu.commitments_description",
                roles: [.administrator, .centreManager]),
        ]
    }

    /// The `Resources` folder of this module (templates, locales, demo directory).
    package static var resources: URL {
        Bundle.module.bundleURL.appendingPathComponent("Resources")
    }

    // MARK: - The demo directory

    /// Senegal's Espaces Sénégal Services and service points in Togo and Congo (`Resources/Demo/*.yaml`, each centre
    /// citing its sources). Loaded after the demo catalogue, which it refers to.
    package static var demoFiles: [URL] {
        ["sn", "tg", "cg"].map { resources.appendingPathComponent("Demo/\($0).yaml") }
    }

    package static func demoDocument() throws -> CentresDocument {
        CentresDocument.merged(try demoFiles.map { try CentresDocument.decode(file: $0) })
    }

    package static func seedDemo(database: DatabaseService, catalog: any CatalogLookup, logger: Logger) async throws {
        let summary = try await DirectoryImporter(database: database, catalog: catalog).importDocument(demoDocument(), actor: "system:demo")
        logger.info("demo centres loaded", metadata: ["created": "\(summary.created)"])
    }
}

// SPDX-License-Identifier: MPL-2.0
import Applications
import Catalog
import FluentKit
import Foundation
import GuichetCore
import Hummingbird
import Logging
import ServiceLifecycle

/// Fees paid for applications: the books the applications write their fees to (`FeeLedger`), mobile money through an
/// operator's collection API, cash and card at a centre's counter with the day's till, signed receipts checked at
/// `/verify/{code}`, and the finance role's books and reconciliation. It sits on top of Applications, which knows it
/// only through the `FeeLedger` and `RecordVerifier` ports.
package struct PaymentsModule: Sendable {
    let books: PaymentBooks
    package let collections: Collections
    let tills: Tills
    let reconciliation: Reconciliation
    let renderer: Renderer
    let catalog: CatalogRepository
    let settings: PaymentSettings

    /// The books, built before the applications (which write to them): they need only the database.
    package static func books(database: DatabaseService, clock: any WallClock) -> PaymentBooks {
        PaymentBooks(database: database, clock: clock)
    }

    /// The operator the configuration names, or none (fees are then paid at a counter only).
    package static func provider(_ settings: PaymentSettings) -> (any PaymentProvider)? {
        settings.isOnline ? MoMoCollection(settings: settings) : nil
    }

    package init(
        books: PaymentBooks, database: DatabaseService, renderer: Renderer, settings: PaymentSettings, applications: ApplicationsModule,
        clock: any WallClock, logger: Logger, provider: (any PaymentProvider)? = nil
    ) {
        self.books = books
        self.collections = Collections(
            books: books, database: database, provider: provider ?? Self.provider(settings), settings: settings, keys: applications.keys,
            casework: applications.casework, clock: clock, logger: logger)
        self.tills = Tills(database: database, clock: clock)
        self.reconciliation = Reconciliation(database: database, clock: clock)
        self.renderer = renderer
        self.catalog = CatalogRepository(service: database)
        self.settings = settings
    }

    package func addRoutes(to router: Router<AppRequestContext>) {
        PayController(books: books, collections: collections, catalog: catalog, renderer: renderer, simulated: settings.simulated)
            .addRoutes(to: router)
        CallbackController(books: books, collections: collections, settings: settings).addRoutes(to: router)
        CounterController(books: books, collections: collections, tills: tills, renderer: renderer).addRoutes(to: router)
        FinanceController(
            database: books.database, reconciliation: reconciliation, renderer: renderer, catalog: catalog, clock: collections.clock
        )
        .addRoutes(to: router)
    }

    /// Receipts, for the verification page.
    package var verifier: any RecordVerifier { ReceiptVerifier(books: books, localizer: renderer.localizer, catalog: catalog) }

    /// The worker of a server process: polls requests without news, ends expired ones (none without an operator, or
    /// when the configuration leaves it to other processes).
    package var worker: PaymentsWorker? {
        guard settings.worker, collections.provider != nil else { return nil }
        return PaymentsWorker(collections: collections)
    }

    package static var migrations: [any Migration] { [CreatePaymentsTables()] }

    /// Requests to pay one order may start in an hour (each makes a handset ring).
    package static var maxRequestsPerHour: Int { Collections.maxRequestsPerHour }

    package static var menu: [MenuEntry] {
        [
            MenuEntry(
                path: PaymentsRoute.counter.path(), label: "payments.menu.counter", description: "payments.menu.counter_description",
                roles: [.centreAgent, .centreManager]),
            MenuEntry(
                path: PaymentsRoute.finance.path(), label: "payments.menu.finance", description: "payments.menu.finance_description",
                roles: [.finance]),
        ]
    }

    /// The routes of the JSON API, as the OpenAPI document writes them.
    package static var apiRoutes: [(method: String, path: String)] {
        [("GET", PaymentsRoute.apiReceipt.pattern.replacingOccurrences(of: ":code", with: "{code}"))]
    }

    package static var resources: URL { Bundle.module.bundleURL.appendingPathComponent("Resources") }
    package static var openAPI: URL { resources.appendingPathComponent("openapi-payments.json") }
    /// The statement upload's route, for the CSRF middleware's multipart allow-list.
    package static var uploadRoute: Route { PaymentsRoute.reconcile }
}

/// Status polls and expiries, every two seconds, until the server stops.
package struct PaymentsWorker: Service {
    let collections: Collections

    package func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await collections.sweep()
            } catch {
                collections.logger.warning("payments sweep failed", metadata: ["error": "\(String(describing: error).prefix(200))"])
            }
            try? await Task.sleep(for: .seconds(2))
        }
    }
}

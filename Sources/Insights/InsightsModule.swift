// SPDX-License-Identifier: MPL-2.0
import Catalog
import FluentKit
import Foundation
import GuichetCore
import Hummingbird

/// The published results (`/resultats`) and the open data (`/opendata`), built once by the composition root. It reads
/// the catalogue directly and the other features through ports: the applications (`ApplicationFigures`), the centres
/// (`CentreFigures`), the e-forms (`ElectronicForms`) and the ecosystem (`EcosystemOpenData`). It also serves the
/// GovStack Registration building block's public operations.
package struct InsightsModule: Sendable {
    package let performance: PerformanceService
    package let openData: OpenDataService
    let govStack: GovStackController
    let govStackOperator: GovStackOperatorController
    let renderer: Renderer
    /// The back office's list of applications (of one procedure), for the drill-down of a signed-in agent.
    let inboxPath: @Sendable (String?) -> String
    let payments: any PaymentFigures
    /// Counts the GovStack API's uploads per client (`GovStackDocuments`).
    let uploads: AttemptLimiter

    package init(
        database: DatabaseService, renderer: Renderer, applications: any ApplicationFigures, centres: any CentreFigures,
        ecosystem: any EcosystemOpenData, forms: any ElectronicForms, files: any RegistrationFiles, clock: any WallClock = SystemClock(),
        publication: OpenDataPublication, inboxPath: @escaping @Sendable (_ procedure: String?) -> String = { _ in "" },
        payments: any PaymentFigures = NoPaymentFigures()
    ) {
        self.payments = payments
        let catalog = CatalogRepository(service: database)
        uploads = AttemptLimiter(database)
        self.renderer = renderer
        self.inboxPath = inboxPath
        govStack = GovStackController(catalog: catalog, forms: forms, applications: applications, clock: clock)
        govStackOperator = GovStackOperatorController(services: govStack, files: files)
        performance = PerformanceService(applications: applications, centres: centres, catalog: catalog, clock: clock)
        openData = OpenDataService(performance: performance, ecosystem: ecosystem, publication: publication, localizer: renderer.localizer)
    }

    package func addRoutes(to router: Router<AppRequestContext>) throws {
        ResultsPagesController(renderer: renderer, service: performance, inboxPath: inboxPath, payments: payments).addRoutes(to: router)
        OpenDataController(renderer: renderer, service: openData).addRoutes(to: router)
        govStack.addRoutes(to: router)
        govStackOperator.addRoutes(to: router)
        GovStackSubmission(services: govStack, files: govStackOperator.files).addRoutes(to: router)
        GovStackDocuments(files: govStackOperator.files, limiter: uploads).addRoutes(to: router)
    }

    /// The GovStack API's routes as the OpenAPI document writes them.
    package static var apiRoutes: [(method: String, path: String)] {
        GovStackController.routes + GovStackOperatorController.routes + [("POST", InsightsRoute.govStackDocuments.pattern)] + [
            ("GET", InsightsRoute.catalogJSONLD.pattern), ("GET", InsightsRoute.file.pattern.replacingOccurrences(of: ":name", with: "{name}")),
        ]
    }
    /// The GovStack reads that need a back-office token (answers 401 without one).
    package static var tokenReads: [String] { GovStackOperatorController.tokenReads }
    /// The GovStack API's part of the OpenAPI document, merged into `/api/v1/openapi.json`.
    package static var openAPI: URL { resources.appendingPathComponent("openapi-govstack.json") }

    package static var migrations: [any Migration] { [] }
    package static var destinations: [Destination] { InsightsDestinations.all }
    package static var resources: URL { Bundle.module.bundleURL.appendingPathComponent("Resources") }
}

import Catalog
import FluentKit
import Foundation
import GuichetCore
import Hummingbird

/// The published results (`/resultats`) and the open data (`/opendata`), built once by the composition root. It reads
/// the catalogue directly and the other features through ports: the applications (`ApplicationFigures`), the centres
/// (`CentreFigures`) and the ecosystem (`EcosystemOpenData`).
package struct InsightsModule: Sendable {
    package let performance: PerformanceService
    package let openData: OpenDataService
    let renderer: Renderer

    package init(
        database: DatabaseService, renderer: Renderer, applications: any ApplicationFigures, centres: any CentreFigures,
        ecosystem: any EcosystemOpenData, clock: any WallClock = SystemClock(), publication: OpenDataPublication
    ) {
        let catalog = CatalogRepository(database: database.db)
        self.renderer = renderer
        performance = PerformanceService(applications: applications, centres: centres, catalog: catalog, clock: clock)
        openData = OpenDataService(performance: performance, ecosystem: ecosystem, publication: publication, localizer: renderer.localizer)
    }

    package func addRoutes(to router: Router<AppRequestContext>) throws {
        ResultsPagesController(renderer: renderer, service: performance).addRoutes(to: router)
        OpenDataController(renderer: renderer, service: openData).addRoutes(to: router)
    }

    package static var migrations: [any Migration] { [] }
    package static var destinations: [Destination] { InsightsDestinations.all }
    package static var resources: URL { Bundle.module.bundleURL.appendingPathComponent("Resources") }
}

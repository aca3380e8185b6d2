import Catalog
import Foundation
import GuichetCore

/// The published results: the applications' facts (through `ApplicationFigures`) and the centres' monthly results
/// (through `CentreFigures`) over the last months, grouped by country, institution or procedure.
package struct PerformanceService: Sendable {
    let applications: any ApplicationFigures
    let centres: any CentreFigures
    let catalog: CatalogRepository
    let clock: any WallClock
    /// Months shown and published.
    static let months = 6

    package init(applications: any ApplicationFigures, centres: any CentreFigures, catalog: CatalogRepository, clock: any WallClock) {
        self.applications = applications
        self.centres = centres
        self.catalog = catalog
        self.clock = clock
    }

    /// The months counted (UTC), oldest first, the current one last.
    func months() -> [String] { Months.ending(at: clock.now, count: Self.months) }

    /// The facts of `months` (their decisions known until now).
    func facts(months: [String]) async throws -> [ApplicationFact] {
        guard let first = months.first, let start = Months.start(first) else { return [] }
        return try await applications.applications(from: start, until: clock.now)
    }

    /// The declared time of a procedure in days (its steps' waits, as the catalogue adds them up); nil when not stated.
    static func declaredDays(_ procedure: Procedure) -> MinMax? {
        guard let days = ProcedureTotals(procedure: procedure).days, days.max > 0 else { return nil }
        return days
    }

    /// The centres' months added up over the network (or one country's centres).
    func centreSeries(months: [String], country: String? = nil) async throws -> (series: [CentreMonth], targets: CentreCommitmentTargets) {
        var figures = try await centres.monthly(months: months)
        if let country {
            let ids = Set(try await centres.centres().filter { $0.country == country }.map(\.id))
            figures = figures.filter { ids.contains($0.centreId) }
        }
        return (CentreMonth.series(figures, months: months), try await centres.commitments())
    }
}

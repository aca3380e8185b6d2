// SPDX-License-Identifier: MPL-2.0
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
    let centreMemo = CentreFiguresMemo()

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

    /// Every centre's months (kept a few minutes).
    func centreMonths(_ months: [String]) async throws -> [CentreMonthFigures] {
        try await centreMemo.figures(months: months, now: clock.now) { try await centres.monthly(months: months) }
    }

    /// The centres' months added up over the network (or one country's centres).
    func centreSeries(months: [String], country: String? = nil) async throws -> (series: [CentreMonth], targets: CentreCommitmentTargets) {
        var figures = try await centreMonths(months)
        if let country {
            let ids = Set(try await centres.centres().filter { $0.country == country }.map(\.id))
            figures = figures.filter { ids.contains($0.centreId) }
        }
        return (CentreMonth.series(figures, months: months), try await centres.commitments())
    }
}

/// The centres' monthly results, kept a few minutes per set of months: computing them reads every ticket of the months
/// (about two seconds for the demo's 33 000 tickets in a debug build), and they change slowly. Each process keeps its own.
actor CentreFiguresMemo {
    static let lifetime: TimeInterval = 300
    private var kept: [String: (at: Date, figures: [CentreMonthFigures])] = [:]

    func figures(months: [String], now: Date, compute: () async throws -> [CentreMonthFigures]) async throws -> [CentreMonthFigures] {
        let key = months.joined(separator: ",")
        if let entry = kept[key], now.timeIntervalSince(entry.at) < Self.lifetime, now >= entry.at { return entry.figures }
        let figures = try await compute()
        kept = [key: (now, figures)]
        return figures
    }
}

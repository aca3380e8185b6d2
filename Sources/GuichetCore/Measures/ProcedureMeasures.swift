// SPDX-License-Identifier: MPL-2.0
import Foundation

/// What one feature measured about a procedure over a period: how many times it was used (tickets served for it,
/// applications filed) and, where people rated it, how many were satisfied out of how many ratings.
package struct ProcedureMeasure: Sendable, Equatable {
    package var count: Int
    package var satisfied: Int
    package var rated: Int

    package init(count: Int = 0, satisfied: Int = 0, rated: Int = 0) {
        self.count = count
        self.satisfied = satisfied
        self.rated = rated
    }

    package static func + (a: ProcedureMeasure, b: ProcedureMeasure) -> ProcedureMeasure {
        ProcedureMeasure(count: a.count + b.count, satisfied: a.satisfied + b.satisfied, rated: a.rated + b.rated)
    }
}

/// A feature that measures procedures' use (the service centres' tickets, the applications). The ecosystem's ranking
/// of what to digitalise reads every source the application registers, so no feature depends on another.
package protocol ProcedureMeasureSource: Sendable {
    /// The locale key naming what is counted (e.g. `measures.tickets`), shown in the ranking's reasons.
    var measureKey: String { get }
    /// Per procedure id, what was measured from `since` until now.
    func procedureMeasures(since: Date) async throws -> [String: ProcedureMeasure]
    /// Procedures this feature already lets people complete online (for the ranking's readiness).
    func proceduresReadyOnline() async throws -> Set<String>
}

extension ProcedureMeasureSource {
    /// Procedures this feature already lets people complete online (an e-form); none by default.
    package func proceduresReadyOnline() async throws -> Set<String> { [] }
}

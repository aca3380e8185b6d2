// SPDX-License-Identifier: MPL-2.0
import SQLKit

/// Whether figures count the rows the demo's simulations wrote (flagged `simulated`): only in the demo, so that nothing
/// simulated reaches the real figures of a deployment (nor anything published from them).
package struct SimulatedRows: Sendable, Equatable {
    package var included: Bool

    package init(included: Bool) {
        self.included = included
    }

    package static let excluded = SimulatedRows(included: false)

    /// The condition to add to a raw query on one of the flagged tables (a constant: nothing from input).
    package var andExcluded: SQLQueryString { included ? "" : " AND simulated = FALSE" }
}

extension SQLPredicateBuilder {
    /// Leaves out the simulated rows unless `rows` includes them.
    package func filtering(_ rows: SimulatedRows) -> Self {
        rows.included ? self : self.where("simulated", .equal, SQLLiteral.boolean(false))
    }
}

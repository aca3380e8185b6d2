// SPDX-License-Identifier: MPL-2.0
import FluentKit
import SQLKit

/// A flag on every row the demo's simulation writes (tickets, feedback, appointments): the figures of a deployment that
/// is not the demo leave those rows out (`SimulatedRows`). One column per statement: SQLite alters a table one change at a time.
struct AddCentresSimulatedFlags: AsyncMigration {
    var name: String { "2026-12-03-01-AddCentresSimulatedFlags" }
    static let tables = ["centre_tickets", "centre_feedback", "centre_appointments"]

    func prepare(on database: any Database) async throws {
        for table in Self.tables {
            try await database.schema(table).field(
                "simulated", .bool, .required, .custom(SQLColumnConstraintAlgorithm.default(SQLLiteral.boolean(false)))
            ).update()
        }
    }

    func revert(on database: any Database) async throws {
        for table in Self.tables.reversed() {
            try await database.schema(table).deleteField("simulated").update()
        }
    }
}

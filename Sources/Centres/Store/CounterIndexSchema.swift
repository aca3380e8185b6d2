// SPDX-License-Identifier: MPL-2.0
import FluentKit
import SQLKit

/// Call-next first asks whether the counter still holds a ticket (`counter_id`, `status`): without an index that is a
/// scan of every ticket the centres ever issued, in the one writer's transaction.
struct AddCounterTicketIndex: AsyncMigration {
    var name: String { "2026-12-06-01-AddCounterTicketIndex" }

    func prepare(on database: any Database) async throws {
        try await database.sql.create(index: "centre_tickets_counter").on("centre_tickets").column("counter_id").column("status").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "centre_tickets_counter").run()
    }
}

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

/// A service's recent calls (`service_id`, `called_at`): the wait shown on a ticket's page, on the board and in the API's
/// answer when no counter serves the service read every ticket the service ever issued without it.
struct AddCalledTicketIndex: AsyncMigration {
    var name: String { "2026-12-07-01-AddCalledTicketIndex" }

    func prepare(on database: any Database) async throws {
        try await database.sql.create(index: "centre_tickets_called").on("centre_tickets").column("service_id").column("called_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "centre_tickets_called").run()
    }
}

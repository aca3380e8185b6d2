// SPDX-License-Identifier: MPL-2.0
import FluentKit
import SQLKit

/// An index on the tickets added after the tables were made, by one migration each.
struct AddTicketIndex: AsyncMigration {
    let name: String
    let index: String
    let columns: [String]

    /// Call-next first asks whether the counter still holds a ticket (`counter_id`, `status`): without an index that is
    /// a scan of every ticket the centres ever issued, in the one writer's transaction.
    static let counter = AddTicketIndex(
        name: "2026-12-06-01-AddCounterTicketIndex", index: "centre_tickets_counter", columns: ["counter_id", "status"])

    /// A service's recent calls (`service_id`, `called_at`): the wait shown on a ticket's page, on the board and in the
    /// API's answer when no counter serves the service read every ticket the service ever issued without it.
    static let called = AddTicketIndex(
        name: "2026-12-07-01-AddCalledTicketIndex", index: "centre_tickets_called", columns: ["service_id", "called_at"])

    /// A ticket's place in its service's queue (`service_id`, `status`, `rank_at`): the count of the waiting tickets ranked
    /// before it, on the ticket's page and in the API's answer. Without it the count read every ticket the service ever
    /// issued, called and served ones too (tens of thousands in a busy month).
    static let waiting = AddTicketIndex(
        name: "2026-12-07-02-AddWaitingTicketIndex", index: "centre_tickets_waiting", columns: ["service_id", "status", "rank_at"])

    func prepare(on database: any Database) async throws {
        try await columns.reduce(database.sql.create(index: index).on("centre_tickets")) { $0.column($1) }.run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: index).run()
    }
}

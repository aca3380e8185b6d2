// SPDX-License-Identifier: MPL-2.0
import FluentKit
import SQLKit

/// Appointments: a booking per person and slot, and each slot's running count (what keeps capacity under concurrency).
struct CreateAppointments: AsyncMigration {
    var name: String { "2026-12-01-02-CreateAppointments" }

    func prepare(on database: any Database) async throws {
        try await database.schema("centre_appointments")
            .field("id", .string, .identifier(auto: false))
            .field("code", .string, .required)
            .field("centre_id", .string, .required, .references("centres", "id"))
            .field("service_id", .string, .required)
            .field("slot_start", .string, .required)
            .field("status", .string, .required)
            .field("ticket_id", .string)
            .field("created_at", .string, .required)
            .field("request_token", .string)
            .unique(on: "code")
            .unique(on: "centre_id", "request_token")
            .create()
        try await database.schema("centre_slot_counts")
            .field("service_id", .string, .required)
            .field("slot_start", .string, .required)
            .field("booked", .int, .required)
            .unique(on: "service_id", "slot_start")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("centre_slot_counts").delete()
        try await database.schema("centre_appointments").delete()
    }
}

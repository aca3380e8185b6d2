import FluentKit
import GuichetCore
import SQLKit

package enum CentresMigrations {
    package static var all: [any Migration] { [CreateCentresTables(), CreateAppointments(), AddCommitmentLabels()] }
}

/// The directory (centres, hours, closures, services, counters), the queues (tickets and their daily numbering),
/// feedback and the network's commitments. Every time is a UTC ISO 8601 string (`AuditLog.timestamp`).
struct CreateCentresTables: AsyncMigration {
    var name: String { "2026-12-01-01-CreateCentresTables" }

    func prepare(on database: any Database) async throws {
        try await database.schema("centres")
            .field("id", .string, .identifier(auto: false))
            .field("country", .string, .required)
            .field("region", .string, .required)
            .field("department", .string, .required)
            .field("status", .string, .required)
            .field("time_zone", .string, .required)
            .field("latitude", .double, .required)
            .field("longitude", .double, .required)
            .field("position", .int, .required)
            .field("data", .string, .required)
            .create()
        try await database.schema("centre_hours")
            .field("id", .int, .identifier(auto: true))
            .field("centre_id", .string, .required, .references("centres", "id", onDelete: .cascade))
            .field("weekday", .int, .required)
            .field("opens", .int, .required)
            .field("closes", .int, .required)
            .create()
        try await database.schema("centre_closures")
            .field("id", .int, .identifier(auto: true))
            .field("centre_id", .string, .required, .references("centres", "id", onDelete: .cascade))
            .field("day", .string, .required)
            .field("reason_fr", .string, .required)
            .field("reason_en", .string, .required)
            .unique(on: "centre_id", "day")
            .create()
        try await database.schema("centre_services")
            .field("id", .string, .identifier(auto: false))
            .field("centre_id", .string, .required, .references("centres", "id", onDelete: .cascade))
            .field("letter", .string, .required)
            .field("position", .int, .required)
            .field("name_fr", .string, .required)
            .field("name_en", .string, .required)
            .field("institution_id", .string)
            .field("procedure_ids", .string, .required)
            .create()
        try await database.schema("centre_counters")
            .field("id", .string, .identifier(auto: false))
            .field("centre_id", .string, .required, .references("centres", "id", onDelete: .cascade))
            .field("label", .string, .required)
            .field("position", .int, .required)
            .field("is_open", .bool, .required)
            .field("agent", .string)
            .field("service_ids", .string, .required)
            .field("opened_at", .string)
            .create()
        try await database.schema("centre_queue_days")
            .field("service_id", .string, .required)
            .field("day", .string, .required)
            .field("last_number", .int, .required)
            .unique(on: "service_id", "day")
            .create()
        try await database.schema("centre_tickets")
            .field("id", .string, .identifier(auto: false))
            .field("code", .string, .required)
            .field("centre_id", .string, .required, .references("centres", "id"))
            .field("service_id", .string, .required)
            .field("day", .string, .required)
            .field("number", .int, .required)
            .field("label", .string, .required)
            .field("priority", .string, .required)
            .field("channel", .string, .required)
            .field("phone", .string)
            .field("status", .string, .required)
            .field("issued_at", .string, .required)
            .field("rank_at", .string, .required)
            .field("called_at", .string)
            .field("started_at", .string)
            .field("finished_at", .string)
            .field("announced_at", .string)
            .field("counter_id", .string)
            .field("agent", .string)
            .field("recalls", .int, .required)
            .field("request_token", .string)
            .unique(on: "code")
            .unique(on: "centre_id", "request_token")
            .create()
        try await database.schema("centre_feedback")
            .field("id", .string, .identifier(auto: false))
            .field("centre_id", .string, .required, .references("centres", "id"))
            .field("service_id", .string)
            .field("ticket_id", .string)
            .field("rating", .int, .required)
            .field("reason", .string)
            .field("comment", .string)
            .field("source", .string, .required)
            .field("created_at", .string, .required)
            .unique(on: "ticket_id")
            .create()
        try await database.schema("centre_commitments")
            .field("id", .string, .identifier(auto: false))
            .field("kind", .string, .required)
            .field("threshold_minutes", .int)
            .field("target_percent", .int, .required)
            .field("position", .int, .required)
            .create()
        let sql = database.sql
        try await sql.create(index: "centre_tickets_queue").on("centre_tickets").column("centre_id").column("status").column("rank_at").run()
        try await sql.create(index: "centre_tickets_service").on("centre_tickets").column("service_id").column("finished_at").run()
        try await sql.create(index: "centre_tickets_month").on("centre_tickets").column("centre_id").column("issued_at").run()
        try await sql.create(index: "centre_feedback_centre").on("centre_feedback").column("centre_id").column("created_at").run()
    }

    func revert(on database: any Database) async throws {
        for table in [
            "centre_commitments", "centre_feedback", "centre_tickets", "centre_queue_days", "centre_counters", "centre_services",
            "centre_closures", "centre_hours", "centres",
        ] {
            try await database.schema(table).delete()
        }
    }
}

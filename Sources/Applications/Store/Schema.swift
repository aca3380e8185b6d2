// SPDX-License-Identifier: MPL-2.0
import FluentKit
import GuichetCore
import SQLKit

package enum ApplicationsMigrations {
    package static var all: [any Migration] { [CreateApplicationsTables(), AddApplicationsSimulatedFlag(), AddStagedDocuments()] }
}

/// Forms (immutable numbered versions), applications with their history and files, issued documents and the
/// public keys that verify them, and the tracking page's failed-PIN counter. Times are UTC ISO 8601 strings.
struct CreateApplicationsTables: AsyncMigration {
    var name: String { "2026-12-02-01-CreateApplicationsTables" }

    func prepare(on database: any Database) async throws {
        try await database.schema("application_forms")
            .field("id", .int, .identifier(auto: true))
            .field("procedure_id", .string, .required)
            .field("number", .int, .required)
            .field("procedure_version", .int, .required)
            .field("data", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .string, .required)
            .unique(on: "procedure_id", "number")
            .create()
        try await database.schema("applications")
            .field("id", .string, .identifier(auto: false))
            .field("reference", .string)
            .field("procedure_id", .string, .required)
            .field("form_id", .int, .required, .references("application_forms", "id"))
            .field("institution_id", .string, .required)
            .field("country", .string, .required)
            .field("status", .string, .required)
            .field("channel", .string, .required)
            .field("centre_id", .string)
            .field("ticket_id", .string)
            .field("filed_by", .string)
            .field("owner_hash", .string)
            .field("answers", .string, .required)
            .field("revision", .int, .required)
            .field("assigned_to", .string)
            .field("requested", .string)
            .field("submit_token", .string)
            .field("idempotency_scope", .string)
            .field("idempotency_key", .string)
            .field("request_hash", .string)
            .field("created_at", .string, .required)
            .field("updated_at", .string, .required)
            .field("submitted_at", .string)
            .field("due_at", .string)
            .field("decided_at", .string)
            .unique(on: "reference")
            .unique(on: "idempotency_scope", "idempotency_key")
            .create()
        let sql = database.sql
        try await sql.create(index: "applications_inbox").on("applications").column("institution_id").column("status").run()
        try await sql.create(index: "applications_owner").on("applications").column("owner_hash").run()
        try await database.schema("application_events")
            .field("id", .int, .identifier(auto: true))
            .field("application_id", .string, .required, .references("applications", "id"))
            .field("at", .string, .required)
            .field("actor", .string, .required)
            .field("action", .string, .required)
            .field("from_status", .string)
            .field("to_status", .string, .required)
            .field("note", .string)
            .field("fields", .string)
            .create()
        try await sql.create(index: "application_events_application").on("application_events").column("application_id").run()
        try await database.schema("application_files")
            .field("id", .int, .identifier(auto: true))
            .field("application_id", .string, .required, .references("applications", "id"))
            .field("field", .string, .required)
            .field("name", .string, .required)
            .field("media_type", .string, .required)
            .field("size", .int, .required)
            .field("sha256", .string, .required)
            .field("uploaded_at", .string, .required)
            .unique(on: "application_id", "field")
            .create()
        try await database.schema("issued_documents")
            .field("code", .string, .identifier(auto: false))
            .field("application_id", .string, .required, .references("applications", "id"))
            .field("payload", .string, .required)
            .field("signature", .string, .required)
            .field("key_id", .string, .required)
            .field("issued_at", .string, .required)
            .field("revoked_at", .string)
            .field("revoked_reason", .string)
            .unique(on: "application_id")
            .create()
        try await database.schema("document_keys")
            .field("key_id", .string, .identifier(auto: false))
            .field("public_key", .string, .required)
            .field("created_at", .string, .required)
            .field("retired_at", .string)
            .create()
        try await database.schema("tracking_failures")
            .field("id", .int, .identifier(auto: true))
            .field("subject", .string, .required)
            .field("at", .string, .required)
            .create()
        try await sql.create(index: "tracking_failures_subject").on("tracking_failures").column("subject").column("at").run()
    }

    func revert(on database: any Database) async throws {
        for table in [
            "tracking_failures", "document_keys", "issued_documents", "application_files", "application_events", "applications", "application_forms",
        ] {
            try await database.schema(table).delete()
        }
    }
}

// SPDX-License-Identifier: MPL-2.0
import FluentKit
import SQLKit

/// The institutions' webhooks: the URLs an administrator registered (`webhook_endpoints`; the signing secret is never
/// stored, it is derived from the site secret) and every delivery to them with its tries (`webhook_deliveries`, the log).
struct CreateWebhookTables: AsyncMigration {
    var name: String { "2026-12-07-01-CreateWebhookTables" }

    func prepare(on database: any Database) async throws {
        try await database.schema("webhook_endpoints")
            .field("id", .string, .identifier(auto: false))
            .field("institution_id", .string, .required)
            .field("url", .string, .required)
            .field("events", .string, .required)
            .field("active", .bool, .required)
            .field("secret_version", .int, .required)
            .field("created_by", .string, .required)
            .field("created_at", .string, .required)
            .field("updated_at", .string, .required)
            .create()
        try await database.sql.raw("CREATE INDEX webhook_endpoints_institution ON webhook_endpoints (institution_id)").run()
        try await database.schema("webhook_deliveries")
            .field("id", .string, .identifier(auto: false))
            .field("endpoint_id", .string, .required)
            .field("dedupe_key", .string, .required)
            .field("event", .string, .required)
            .field("body", .string, .required)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .string, .required)
            .field("claimed_by", .string)
            .field("claimed_until", .string)
            .field("last_status", .int)
            .field("last_error", .string)
            .field("created_at", .string, .required)
            .field("delivered_at", .string)
            .unique(on: "dedupe_key")
            .create()
        try await database.sql.raw("CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at)").run()
        try await database.sql.raw("CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("webhook_deliveries").delete()
        try await database.schema("webhook_endpoints").delete()
    }
}

// SPDX-License-Identifier: MPL-2.0
import FluentKit
import SQLKit

/// The channels' tables: who is told about what (`channel_subscriptions`), the messages to send (`channel_outbox`), the
/// numbers that sent STOP (`channel_optouts`, hashes only), inbound messages already answered (`channel_inbound`), USSD
/// sessions (`channel_ussd_sessions`) and the centres' "turn near" switches (`channel_centre_settings`).
struct CreateChannelsTables: AsyncMigration {
    var name: String { "2026-12-06-01-CreateChannelsTables" }

    func prepare(on database: any Database) async throws {
        try await database.schema("channel_subscriptions")
            .field("subject", .string, .identifier(auto: false))
            .field("phone", .string, .required)
            .field("phone_hash", .string, .required)
            .field("language", .string, .required)
            .field("created_at", .string, .required)
            .create()
        try await database.schema("channel_outbox")
            .field("id", .string, .identifier(auto: false))
            .field("dedupe_key", .string, .required)
            .field("subject", .string)
            .field("event", .string, .required)
            .field("language", .string, .required)
            .field("phone", .string)
            .field("phone_hash", .string, .required)
            .field("body", .string, .required)
            .field("encoding", .string, .required)
            .field("segments", .int, .required)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .string, .required)
            .field("claimed_by", .string)
            .field("claimed_until", .string)
            .field("provider_id", .string)
            .field("last_error", .string)
            .field("created_at", .string, .required)
            .field("sent_at", .string)
            .field("reported_at", .string)
            .unique(on: "dedupe_key")
            .create()
        try await database.sql.raw("CREATE INDEX channel_outbox_due ON channel_outbox (status, next_attempt_at)").run()
        try await database.sql.raw("CREATE INDEX channel_outbox_provider ON channel_outbox (provider_id)").run()
        try await database.sql.raw("CREATE INDEX channel_outbox_subject ON channel_outbox (subject)").run()
        try await database.schema("channel_optouts")
            .field("phone_hash", .string, .identifier(auto: false))
            .field("at", .string, .required)
            .create()
        try await database.schema("channel_inbound")
            .field("provider_id", .string, .identifier(auto: false))
            .field("phone_hash", .string, .required)
            .field("command", .string, .required)
            .field("received_at", .string, .required)
            .create()
        try await database.schema("channel_ussd_sessions")
            .field("session_id", .string, .identifier(auto: false))
            .field("phone_hash", .string, .required)
            .field("state", .string, .required)
            .field("inputs", .int, .required)
            .field("screen", .string, .required)
            .field("updated_at", .string, .required)
            .create()
        try await database.schema("channel_centre_settings")
            .field("centre_id", .string, .identifier(auto: false))
            .field("near_enabled", .bool, .required)
            .field("near_threshold", .int, .required)
            .field("updated_at", .string, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        for table in [
            "channel_centre_settings", "channel_ussd_sessions", "channel_inbound", "channel_optouts", "channel_outbox", "channel_subscriptions",
        ] {
            try await database.schema(table).delete()
        }
    }
}

/// Delivery reports that came before the write recording their message's provider id (`Delivery.report`); each waits
/// until that write closes its message, a day at most.
struct CreateChannelEarlyReports: AsyncMigration {
    var name: String { "2026-12-06-02-CreateChannelEarlyReports" }

    func prepare(on database: any Database) async throws {
        try await database.schema("channel_early_reports")
            .field("provider_id", .string, .identifier(auto: false))
            .field("status", .string, .required)
            .field("reason", .string)
            .field("received_at", .string, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("channel_early_reports").delete()
    }
}

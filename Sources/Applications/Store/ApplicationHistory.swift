// SPDX-License-Identifier: MPL-2.0
import Foundation
import SQLKit

/// The writes every service shares: an application's history event (inside the caller's transaction), and values
/// stored as JSON text.
enum ApplicationHistory {
    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(value)) ?? Data("{}".utf8), as: UTF8.self)
    }

    static func insertEvent(
        _ sql: any SQLDatabase, application: String, actor: String, action: String, from: ApplicationStatus?, to: ApplicationStatus,
        note: String? = nil, fields: [String]? = nil, at: String
    ) async throws {
        try await sql.insert(into: "application_events").columns(
            "application_id", "at", "actor", "action", "from_status", "to_status", "note", "fields"
        )
        .values(
            SQLBind(application), SQLBind(at), SQLBind(actor), SQLBind(action), SQLBind(from?.rawValue), SQLBind(to.rawValue), SQLBind(note),
            SQLBind(fields.map { json($0) })
        ).run()
    }
}

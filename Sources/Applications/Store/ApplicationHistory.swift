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
        // Raw SQL: every change of an application writes one, in the one writer's transaction.
        try await sql.raw(
            """
            INSERT INTO application_events (application_id, at, actor, action, from_status, to_status, note, fields) \
            VALUES (\(bind: application), \(bind: at), \(bind: actor), \(bind: action), \(bind: from?.rawValue), \(bind: to.rawValue), \
            \(bind: note), \(bind: fields.map { json($0) }))
            """
        ).run()
    }
}

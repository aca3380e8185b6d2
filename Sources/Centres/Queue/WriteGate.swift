import FluentKit
import GuichetCore

/// The queue's writes go through the core's write queue (one writer at a time on SQLite; side by side on PostgreSQL,
/// where call-next claims its row with `FOR UPDATE SKIP LOCKED`).
enum WriteGate {
    static func transaction<T: Sendable>(_ database: DatabaseService, _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await database.writeTransaction(body)
    }
}

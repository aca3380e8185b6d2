import FluentKit
import GuichetCore

/// One writer at a time for the queue on SQLite. SQLite takes one writer per file anyway; queuing writers here, in
/// order, keeps a deferred transaction from failing when it upgrades to a write (SQLITE_BUSY_SNAPSHOT in WAL mode).
/// On PostgreSQL writers run side by side: call-next claims its row with `FOR UPDATE SKIP LOCKED`.
actor WriteGate {
    static let shared = WriteGate()
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty {
            busy = false
        } else {
            waiters.removeFirst().resume()
        }
    }

    /// Runs `body` in one transaction, behind the gate on SQLite.
    static func transaction<T: Sendable>(_ database: DatabaseService, _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        guard database.dialect == .sqlite else { return try await database.db.transaction(body) }
        await shared.acquire()
        do {
            let result = try await database.db.transaction(body)
            await shared.release()
            return result
        } catch {
            await shared.release()
            throw error
        }
    }
}

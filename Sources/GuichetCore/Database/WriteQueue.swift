import FluentKit
import Foundation

/// One writer at a time on SQLite. SQLite takes one writer per file anyway; queuing writers here, in order, keeps a
/// deferred transaction from failing when it upgrades to a write (SQLITE_BUSY_SNAPSHOT in WAL mode).
/// On PostgreSQL writers run side by side.
package actor WriteQueue {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    package init() {}

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
}

extension DatabaseService {
    /// Runs `body` in one transaction; on SQLite, behind this database's write queue.
    package func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        guard dialect == .sqlite else { return try await db.transaction(body) }
        await writeQueue.acquire()
        do {
            let result = try await db.transaction(body)
            await writeQueue.release()
            return result
        } catch {
            await writeQueue.release()
            throw error
        }
    }
}

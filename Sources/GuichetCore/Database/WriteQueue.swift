// SPDX-License-Identifier: MPL-2.0
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

extension WriteQueue {
    /// Runs `body` in one transaction on `database`, once every writer queued before it is done.
    package func transaction<T: Sendable>(on database: any Database, _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        await acquire()
        do {
            let result = try await database.transaction(body)
            release()
            return result
        } catch {
            release()
            throw error
        }
    }
}

extension DatabaseService {
    /// Runs `body` in one transaction; on SQLite, behind this database's write queue.
    package func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        guard dialect == .sqlite else { return try await db.transaction(body) }
        return try await writeQueue.transaction(on: db, body)
    }
}

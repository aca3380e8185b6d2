// SPDX-License-Identifier: MPL-2.0
import Audit
import GuichetCore
import Logging
import ServiceLifecycle

/// On PostgreSQL, gives the events written by each transaction their place in the audit chain (`AuditLog.chainPending`)
/// shortly after they commit. Every server process runs one; they take turns on an advisory lock, and one that finds
/// another at work gives way. A last round at shutdown leaves nothing waiting that this process wrote.
struct AuditChainWorker: Service {
    let database: DatabaseService
    let interval: Duration
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await AuditLog.chainPending(on: database.db, wait: false)
                } catch {
                    logger.warning("audit chain: pending events not chained yet", metadata: ["error": "\(String(reflecting: error))"])
                }
                try await Task.sleep(for: interval)
            }
        }
        _ = try? await AuditLog.chainPending(on: database.db, wait: true)
    }
}

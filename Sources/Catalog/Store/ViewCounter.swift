// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import Logging
import ServiceLifecycle

/// Counts procedure page views in memory and adds them to the database every few seconds, so that a page view
/// costs no write; "most viewed" is at most one flush behind.
package final class ViewCounter: Service, @unchecked Sendable {
    private let lock = NSLock()
    private var pending: [String: Int] = [:]
    private let repository: CatalogRepository
    private let logger: Logger
    private let interval: Duration

    package init(database: DatabaseService, interval: Duration = .seconds(15)) {
        self.repository = CatalogRepository(service: database)
        self.logger = database.logger
        self.interval = interval
    }

    func record(_ procedureId: String) {
        lock.withLock { pending[procedureId, default: 0] += 1 }
    }

    package func flush() async {
        let counts = lock.withLock {
            defer { pending = [:] }
            return pending
        }
        guard !counts.isEmpty else { return }
        do {
            try await repository.addViews(counts)
        } catch {
            logger.warning("could not store page views", metadata: ["error": "\(error)"])
        }
    }

    package func run() async throws {
        let interval = self.interval
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                await self.flush()
            }
        }
        await flush()
    }
}

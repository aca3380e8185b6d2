// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import ServiceLifecycle

/// Learns, within a second, that another process (an import, an editor) changed the catalogue.
package struct CatalogGenerationWatcher: Service {
    let repository: CatalogRepository
    let generation: ContentGeneration
    let interval: Duration

    package init(database: DatabaseService, generation: ContentGeneration, interval: Duration = .seconds(1)) {
        self.repository = CatalogRepository(service: database)
        self.generation = generation
        self.interval = interval
    }

    package func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                if let value = try? await repository.generation() { generation.update(to: value) }
                try await Task.sleep(for: interval)
            }
        }
    }
}

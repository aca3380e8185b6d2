import Foundation
import GuichetCore
import ServiceLifecycle

/// Learns, within a second, that another process (an import, an editor) changed the catalogue.
package struct CatalogGenerationWatcher: Service {
    let database: DatabaseService
    let generation: ContentGeneration
    let interval: Duration

    package init(database: DatabaseService, generation: ContentGeneration, interval: Duration = .seconds(1)) {
        self.database = database
        self.generation = generation
        self.interval = interval
    }

    package func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                if let value = try? await CatalogRepository(database: database.db).generation() { generation.update(to: value) }
                try await Task.sleep(for: interval)
            }
        }
    }
}

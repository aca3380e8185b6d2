// SPDX-License-Identifier: MPL-2.0
import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// Another feature's published content changed (a form, a centre): the catalogue's generation goes up in the writer's
/// transaction, so that every process rebuilds its cached pages (this one at once, the others within the watcher's
/// second).
package struct CatalogContentChanges: PublishedContentChanges {
    let database: DatabaseService
    let generation: ContentGeneration

    package init(database: DatabaseService, generation: ContentGeneration) {
        self.database = database
        self.generation = generation
    }

    package func markChanged(on database: any Database) async throws {
        try await CatalogRepository.raiseGeneration(on: database)
    }

    package var version: Int { generation.current }

    package func refresh() async {
        guard let value = try? await CatalogRepository(service: database).generation(), value > generation.current else { return }
        generation.update(to: value)
    }
}

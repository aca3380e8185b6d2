import Foundation
import GuichetCore
import NIOConcurrencyHelpers

/// Countries, categories and institutions — a few hundred rows that every page names — read once per change
/// of the catalogue instead of on every request.
package final class ReferenceData: Sendable {
    struct Snapshot: Sendable {
        let generation: Int
        let countries: [Country]
        let categories: [Category]
        let institutions: [String: Institution]

        var countriesByCode: [String: Country] { Dictionary(uniqueKeysWithValues: countries.map { ($0.code, $0) }) }
        var categoriesById: [String: Category] { Dictionary(uniqueKeysWithValues: categories.map { ($0.id, $0) }) }
    }

    private let generation: ContentGeneration
    private let snapshot = NIOLockedValueBox<Snapshot?>(nil)

    package init(generation: ContentGeneration) {
        self.generation = generation
    }

    func current(_ repository: CatalogRepository) async throws -> Snapshot {
        let wanted = generation.current
        if let snapshot = snapshot.withLockedValue({ $0 }), snapshot.generation == wanted { return snapshot }
        let fresh = Snapshot(
            generation: wanted, countries: try await repository.countries(), categories: try await repository.categories(),
            institutions: try await repository.allInstitutions())
        snapshot.withLockedValue { $0 = fresh }
        return fresh
    }
}

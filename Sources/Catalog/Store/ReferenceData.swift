// SPDX-License-Identifier: MPL-2.0
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

        /// Made once per snapshot, not by every page that names them.
        let countriesByCode: [String: Country]
        let categoriesById: [String: Category]

        init(generation: Int, countries: [Country], categories: [Category], institutions: [String: Institution]) {
            self.generation = generation
            self.countries = countries
            self.categories = categories
            self.institutions = institutions
            countriesByCode = Dictionary(countries.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
            categoriesById = Dictionary(categories.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }

    private let generation: ContentGeneration
    private let snapshot = NIOLockedValueBox<Snapshot?>(nil)
    /// Published procedures already decoded in this generation: lists and search show 25 at a time.
    private let procedures = NIOLockedValueBox<(generation: Int, byId: [String: Procedure])>((-1, [:]))
    private let procedureCapacity = 5000

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

    /// The published procedures of `ids`, in that order, decoding only those not seen since the last change.
    func procedures(_ ids: [String], _ repository: CatalogRepository) async throws -> [Procedure] {
        let wanted = generation.current
        var found = procedures.withLockedValue { memo in memo.generation == wanted ? memo.byId : [:] }
        let missing = ids.filter { found[$0] == nil }
        if !missing.isEmpty {
            let loaded = try await repository.procedures(ids: missing)
            for procedure in loaded { found[procedure.id] = procedure }
            procedures.withLockedValue { memo in
                if memo.generation != wanted || memo.byId.count + loaded.count > procedureCapacity { memo = (wanted, [:]) }
                for procedure in loaded { memo.byId[procedure.id] = procedure }
            }
        }
        return ids.compactMap { found[$0] }
    }

    /// A page of ids turned into a page of procedures.
    func procedures(_ page: CatalogRepository.Page<String>, _ repository: CatalogRepository) async throws -> CatalogRepository.Page<Procedure> {
        CatalogRepository.Page(items: try await procedures(page.items, repository), total: page.total, offset: page.offset, limit: page.limit)
    }

    func procedure(_ id: String, _ repository: CatalogRepository) async throws -> Procedure? {
        try await procedures([id], repository).first
    }
}

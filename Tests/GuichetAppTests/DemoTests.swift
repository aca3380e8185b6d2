// SPDX-License-Identifier: MPL-2.0
import Catalog
import Foundation
import GuichetApp
import GuichetCore
import GuichetTesting
import Testing

@Suite struct DemoTests {
    static var servicePublicDirectory: String? {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return AppConfiguration.servicePublicDirectory(
            flag: nil, environment: ProcessInfo.processInfo.environment, workingDirectory: root.path)
    }

    /// What `serve --demo` does on an empty database, twice: the second start changes nothing.
    @Test func demoSeedingLoadsEverythingOnceOnly() async throws {
        let directory = Self.servicePublicDirectory
        if directory == nil { print("skipped: servicepublic-sn dataset not found; seeding the project's demo files only") }
        try await TestApp.withComponents { components in
            try await DemoSeeder.seedIfEmpty(database: components.database, servicePublicDirectory: directory, logger: TestApp.logger)
            let repository = CatalogRepository(database: components.database.db)
            let first = try await repository.procedures(.init(), limit: 1, offset: 0).total
            #expect(first >= 26)
            if directory != nil { #expect(first >= 600) }
            try await DemoSeeder.seedIfEmpty(database: components.database, servicePublicDirectory: directory, logger: TestApp.logger)
            #expect(try await repository.procedures(.init(), limit: 1, offset: 0).total == first)
            for country in ["SN", "TG", "CG"] {
                #expect(try await repository.procedures(.init(country: country), limit: 1, offset: 0).total > 0)
            }
        }
    }

    /// Views are counted for the ranking of what to show first (the home page lists each country's configured most
    /// requested procedures until measured use ranks them).
    @Test func pageViewsFeedMostViewed() async throws {
        try await TestApp.withClient(seed: .demo) { client, components in
            let repository = CatalogRepository(database: components.database.db)
            let candidates = try await repository.procedures(.init(country: "CG"), limit: 50, offset: 0).items
            let before = try await repository.mostViewed(limit: 1).first?.id
            let target = try #require(candidates.last { $0.id != before })
            for _ in 0..<3 {
                try await client.execute(uri: "/procedures/\(target.id)", method: .get) { #expect($0.status == .ok) }
            }
            await components.views.flush()
            #expect(try await repository.mostViewed(limit: 1).first?.id == target.id)
        }
    }
}

// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetTesting
import HummingbirdTesting
import Testing

@testable import Ecosystem

/// Every key the ecosystem's JSON API writes is declared in the OpenAPI document, and every declared required key is written.
@Suite struct EcosystemAPIDocumentTests {
    func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    @Test func solutionsAndActorsMatchTheirSchemas() async throws {
        try await TestApp.withClient(seed: .demo) { client, components in
            // The demo: sample plans and solutions, the actors and the synthetic survey (no shared folder).
            await EcosystemSeeder.seedIfEmpty(database: components.database.db, shared: nil, logger: TestApp.logger)
            let document = try await client.execute(uri: "/api/v1/openapi.json", method: .get) { try json($0) }
            let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
            var checked = 0
            func check(_ object: [String: Any], _ schema: String) {
                let properties = schemas[schema]?["properties"] as? [String: Any] ?? [:]
                #expect(!properties.isEmpty, "no schema \(schema)")
                #expect(Set(object.keys).isSubset(of: Set(properties.keys)), "\(schema): \(Set(object.keys).subtracting(properties.keys))")
                for required in schemas[schema]?["required"] as? [String] ?? [] { #expect(object[required] != nil, "\(schema).\(required)") }
                checked += 1
            }
            let solutions = try await client.execute(uri: EcosystemRoute.apiSolutions.path() + "?per_page=100", method: .get) { try json($0) }
            let items = try #require(solutions["items"] as? [[String: Any]])
            #expect(!items.isEmpty)
            for item in items { check(item, "Solution") }
            let id = try #require(items.first?["id"] as? String)
            check(try await client.execute(uri: EcosystemRoute.apiSolution.path(id), method: .get) { try json($0) }, "Solution")
            let actors = try #require(
                try await client.execute(uri: EcosystemRoute.apiActors.path(), method: .get) { try json($0) }["items"] as? [[String: Any]])
            #expect(actors.count >= 12)
            for actor in actors {
                check(actor, "Actor")
                for relation in actor["relations"] as? [[String: Any]] ?? [] { check(relation, "ActorRelation") }
            }
            #expect(actors.contains { ($0["relations"] as? [Any])?.isEmpty == false }, "relations are checked too")
            #expect(checked > items.count + actors.count)
        }
    }
}

// SPDX-License-Identifier: MPL-2.0
import Applications
import Catalog
import Foundation
import GuichetApp
import GuichetTesting
import HummingbirdTesting
import Testing

@Suite struct APITests {
    func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    @Test func proceduresPaginateUpToTheMaximumPageSize() async throws {
        try await TestApp.withClient(seed: .demo, maxPageSize: 10) { client, _ in
            let first = try await client.execute(uri: "/api/v1/procedures?per_page=10", method: .get) { try json($0) }
            let total = try #require(first["total"] as? Int)
            #expect(total >= 26)
            #expect((first["items"] as? [Any])?.count == 10)
            #expect(first["next"] as? String == "/api/v1/procedures?per_page=10&page=2")
            let last = try await client.execute(uri: "/api/v1/procedures?per_page=10&page=\((total + 9) / 10)", method: .get) { try json($0) }
            #expect(last["next"] == nil || last["next"] is NSNull)
            try await client.execute(uri: "/api/v1/procedures?per_page=11", method: .get) { response in
                #expect(response.status == .badRequest)
                let error = try json(response)["error"] as? [String: Any]
                #expect(error?["code"] as? String == "bad_parameter")
                #expect(error?["field"] as? String == "per_page")
            }
            let senegal = try await client.execute(uri: "/api/v1/procedures?country=SN&per_page=10", method: .get) { try json($0) }
            #expect((senegal["items"] as? [[String: Any]])?.allSatisfy { $0["country"] as? String == "SN" } == true)
            let births = try await client.execute(uri: "/api/v1/procedures?category=naissance&per_page=10", method: .get) { try json($0) }
            #expect((births["total"] as? Int ?? 0) >= 3)
        }
    }

    @Test func procedureDetailHasStepsAndTotals() async throws {
        try await TestApp.withClient(seed: .demo) { client, _ in
            let search = try await client.execute(uri: "/api/v1/search?q=casier&country=SN", method: .get) { try json($0) }
            let id = try #require((search["items"] as? [[String: Any]])?.first?["id"] as? String)
            let detail = try await client.execute(uri: "/api/v1/procedures/\(id)", method: .get) { response in
                #expect(response.status == .ok)
                return try json(response)
            }
            let procedure = try #require(detail["procedure"] as? [String: Any])
            #expect((procedure["blocks"] as? [Any])?.isEmpty == false)
            let totals = try #require(detail["totals"] as? [String: Any])
            #expect((totals["steps"] as? Int ?? 0) >= 1)
            #expect((detail["institutions"] as? [Any])?.isEmpty == false)
        }
    }

    @Test(
        arguments: [
            ("/api/v1/procedures/nope", 404, "procedure_not_found", nil),
            ("/api/v1/institutions/nope", 404, "institution_not_found", nil),
            ("/api/v1/procedures?page=0", 400, "bad_parameter", "page"),
            ("/api/v1/procedures?page=-1", 400, "bad_parameter", "page"),
            ("/api/v1/procedures?per_page=x", 400, "bad_parameter", "per_page"),
            ("/api/v1/procedures?country=ZZ", 400, "bad_parameter", "country"),
            ("/api/v1/procedures?category=nope", 400, "bad_parameter", "category"),
            ("/api/v1/procedures?institution=nope", 400, "bad_parameter", "institution"),
            ("/api/v1/institutions?page=99999999999999999999", 400, "bad_parameter", "page"),
            ("/api/v1/search", 400, "query_missing", "q"),
            ("/api/v1/search?q=", 400, "query_missing", "q"),
            ("/api/v1/nothing-here", 404, "not_found", nil),
        ] as [(String, Int, String, String?)])
    func errorsAreJSONWithTheRightStatus(uri: String, status: Int, code: String, field: String?) async throws {
        try await TestApp.withClient(seed: .demo) { client, _ in
            try await client.execute(uri: uri, method: .get) { response in
                #expect(Int(response.status.code) == status)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                let error = try #require(try json(response)["error"] as? [String: Any])
                #expect(error["code"] as? String == code)
                #expect((error["message"] as? String)?.isEmpty == false)
                #expect(error["field"] as? String == field)
            }
        }
    }

    @Test func errorMessagesFollowTheLanguage() async throws {
        try await TestApp.withClient(seed: .demo) { client, _ in
            try await client.execute(uri: "/api/v1/procedures/nope", method: .get, headers: [.acceptLanguage: "en"]) { response in
                let error = try #require(try json(response)["error"] as? [String: Any])
                #expect(error["message"] as? String == "This procedure does not exist or is not published.")
            }
        }
    }

    /// The document says what the server checks: the public GeoJSON and open data are in it, every operation declares
    /// its 400, the `country` filters name the catalogue's countries (any case), and the other constraints the server
    /// enforces (reference, PIN, `Idempotency-Key`, `If-Match`) are declared.
    @Test func openAPIDeclaresWhatTheServerChecks() async throws {
        try await TestApp.withClient(seed: .demo) { client, _ in
            let document = try await client.execute(uri: "/api/v1/openapi.json", method: .get) { try json($0) }
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            for path in ["/centres.geojson", "/opendata/catalog.jsonld", "/opendata/files/{name}"] { #expect(paths[path]?["get"] != nil, "\(path)") }
            for (path, operations) in paths {
                for (method, operation) in operations {
                    let responses = (operation as? [String: Any])?["responses"] as? [String: Any] ?? [:]
                    #expect(responses["400"] != nil, "\(method) \(path) declares no 400")
                }
            }
            func parameter(_ path: String, _ method: String, _ name: String) -> [String: Any]? {
                let operation = paths[path]?[method] as? [String: Any]
                return (operation?["parameters"] as? [[String: Any]])?.first { $0["name"] as? String == name }?["schema"] as? [String: Any]
            }
            let country = try #require(parameter("/api/v1/procedures", "get", "country")?["pattern"] as? String)
            let regex = try Regex(country)
            for accepted in ["SN", "sn", "Tg", "CG", ""] { #expect(accepted.wholeMatch(of: regex) != nil, "\(accepted)") }
            for refused in ["AA", "SNN", "00"] { #expect(refused.wholeMatch(of: regex) == nil, "\(refused)") }
            #expect(try await client.execute(uri: "/api/v1/procedures?country=sn&per_page=1", method: .get) { $0.status } == .ok)
            #expect(try await client.execute(uri: "/api/v1/procedures?country=AA", method: .get) { $0.status } == .badRequest)
            #expect(parameter("/api/v1/applications/{reference}/submit", "post", "reference")?["pattern"] != nil)
            #expect(parameter("/api/v1/applications/{reference}/submit", "post", "X-Tracking-Pin")?["pattern"] as? String == "^[0-9]{6}$")
            #expect(parameter("/api/v1/applications", "post", "Idempotency-Key")?["minLength"] as? Int == 16)
            #expect(parameter("/api/v1/procedures/{id}/publish", "post", "If-Match")?["pattern"] != nil)
            // A missing PIN is a 400 before any try is counted; a 405 names the methods allowed.
            let noPin = try await client.execute(uri: "/api/v1/applications/SN-26-7H3K-9Q/submit", method: .post) { $0.status }
            #expect(noPin == .badRequest)
            try await client.execute(uri: "/centres.geojson", method: .delete) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow]?.contains("GET") == true)
            }
        }
    }

    /// The OpenAPI document lists exactly the routes the server answers, with the schemas it returns.
    @Test func openAPIMatchesTheRoutes() async throws {
        try await TestApp.withClient(seed: .demo) { client, _ in
            let document = try await client.execute(uri: "/api/v1/openapi.json", method: .get) { try json($0) }
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let documented = Set(paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })
            let served = Set(GuichetApplication.apiRoutes.map { "\($0.method) \($0.path)" })
            #expect(documented == served, "only documented: \(documented.subtracting(served)); only served: \(served.subtracting(documented))")
            let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
            // Every public read answers (the editor's and the back office's need a token).
            let editorPaths = Set(
                EditorAPIController.routes.map(\.path) + ApplicationsAPIController.tokenReads + GuichetApplication.insightsTokenReads)
            for path in GuichetApplication.apiRoutes.filter({ $0.method == "GET" && !editorPaths.contains($0.path) }).map(\.path) {
                let uri =
                    path.replacingOccurrences(of: "{id}", with: "nope").replacingOccurrences(of: "{code}", with: "nope")
                    + (path.hasSuffix("/search") ? "?q=naissance" : "")
                try await client.execute(uri: uri, method: .get) { response in
                    #expect([200, 404].contains(Int(response.status.code)), "\(path) answered \(response.status)")
                    #expect(response.status != .notFound || path.contains("{"), "\(path) is documented but not served")
                }
            }
            // Every key the API writes is declared in its schema.
            let detail = try await client.execute(uri: "/api/v1/search?q=naissance&per_page=1", method: .get) { try json($0) }
            let id = try #require((detail["items"] as? [[String: Any]])?.first?["id"] as? String)
            let procedure = try await client.execute(uri: "/api/v1/procedures/\(id)", method: .get) { try json($0) }
            try checkKeys(procedure, schema: "ProcedureDetail", schemas: schemas)
            try checkKeys(detail, schema: nil, schemas: schemas, listOf: "ProcedureSummary")
            // The list wrapper (items, page, perPage, total, next) is declared too.
            let operation = (paths["/api/v1/search"]?["get"] as? [String: Any])?["responses"] as? [String: Any]
            let content = ((operation?["200"] as? [String: Any])?["content"] as? [String: Any])?["application/json"] as? [String: Any]
            let wrapper = try #require((content?["schema"] as? [String: Any])?["properties"] as? [String: Any])
            #expect(Set(detail.keys).isSubset(of: Set(wrapper.keys)), "undeclared keys: \(Set(detail.keys).subtracting(wrapper.keys))")
        }
    }

    func checkKeys(_ object: [String: Any], schema: String?, schemas: [String: Any], listOf: String? = nil) throws {
        if let listOf {
            for item in object["items"] as? [[String: Any]] ?? [] { try checkKeys(item, schema: listOf, schemas: schemas) }
            return
        }
        let definition = try #require(schemas[schema!] as? [String: Any], "no schema \(schema!)")
        let properties = definition["properties"] as? [String: [String: Any]] ?? [:]
        for (key, value) in object {
            let property = try #require(properties[key], "\(schema!).\(key) is not in the OpenAPI document")
            let reference = (property["$ref"] as? String) ?? ((property["items"] as? [String: Any])?["$ref"] as? String)
            guard let name = reference?.split(separator: "/").last.map(String.init), name != "LocalizedText" else { continue }
            if let nested = value as? [String: Any] { try checkKeys(nested, schema: name, schemas: schemas) }
            if let list = value as? [[String: Any]] { for item in list { try checkKeys(item, schema: name, schemas: schemas) } }
        }
        for required in definition["required"] as? [String] ?? [] {
            #expect(object[required] != nil, "\(schema!).\(required) is required but missing")
        }
    }
}

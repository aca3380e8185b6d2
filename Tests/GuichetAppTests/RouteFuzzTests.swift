// SPDX-License-Identifier: MPL-2.0
import Accounts
import Applications
import Catalog
import Centres
import Ecosystem
import Foundation
import GuichetApp
import GuichetCore
import GuichetTesting
import HTTPTypes
import HummingbirdTesting
import NIOCore
import PropertyBased
import Testing

/// Every registered route (but the catch-all) gets hostile input in each path parameter, query field, form or JSON
/// field and header, and whole malformed bodies; none may answer a server error, and the server still answers after.
@Suite struct RouteFuzzTests {
    @Test func publicPagesAnswerHostileInputWithoutAServerError() async throws {
        try await RouteFuzzer.run { !$0.isAPI && !$0.isAdmin }
    }

    @Test func backOfficeAnswersHostileInputWithoutAServerError() async throws {
        try await RouteFuzzer.run { $0.isAdmin }
    }

    @Test func apiAnswersHostileInputWithoutAServerError() async throws {
        try await RouteFuzzer.run { $0.isAPI }
    }
}

/// Drives one application through the routes it is given, one route after the other.
final class RouteFuzzer: @unchecked Sendable {
    /// The names a page's form or an API's body commonly uses, sent to every route beside the ones its form shows.
    static let commonFields = [
        "q", "page", "offset", "limit", "per_page", "day", "from", "to", "month", "year", "revision", "id", "service", "slot", "priority",
        "phone", "rating", "reference", "pin", "email", "password", "amount", "title_fr", "block", "step", "lang", "next", "code",
        "answers", "country", "category", "status", "procedure", "counter", "ticket", "date", "time", "name", "role", "return",
    ]
    static let hostileHeaders: [HTTPField.Name] = [.acceptLanguage, .ifMatch, .xForwardedFor, .idempotencyKey, .xTrackingPin, .xFileName]

    let client: any TestClientProtocol
    let components: AppComponents
    let map: DemoMap
    let openAPI: [String: Any]
    let bearer: String
    /// The tracking PIN of an API draft, sent to the API unless a test replaces it.
    let pin: HTTPFields
    let visitor: TestSession
    /// One line per server error: method, path, what was sent, status.
    var failures: [String] = []
    var sent = 0

    init(
        client: any TestClientProtocol, components: AppComponents, map: DemoMap, openAPI: [String: Any], bearer: String, pin: HTTPFields,
        visitor: TestSession
    ) {
        self.pin = pin
        self.client = client
        self.components = components
        self.map = map
        self.openAPI = openAPI
        self.bearer = bearer
        self.visitor = visitor
    }

    static func run(routes select: @escaping @Sendable (FuzzRoute) -> Bool) async throws {
        let started = ContinuousClock.now
        try await TestApp.withClient(seed: .demo) { client, components in
            // What `serve --demo` adds to the demo catalogue: centres, the ecosystem, the forms (`seedForms`) and a few applications.
            try await CentresModule.seedDemo(
                database: components.database, catalog: CatalogLookupService(database: components.database), logger: TestApp.logger)
            await EcosystemSeeder.seedIfEmpty(database: components.database.db, shared: nil, logger: TestApp.logger)
            try await ApplicationsDemo.seed(service: components.applications)
            let routes = try GuichetApplication.buildRouter(components).routes
                .filter { $0.path.description != "/**" && $0.method != .head }
                .map { FuzzRoute(method: $0.method, pattern: $0.path.description) }
            let fuzzer = try await prepare(client, components, routes: routes)
            for route in routes where select(route) { try await fuzzer.fuzz(route) }
            let health = try await client.executeRequest(uri: CorePaths.health, method: .get, headers: [:], body: nil)
            #expect(health.status == .ok, "/healthz after \(fuzzer.sent) hostile requests")
            #expect(fuzzer.failures.isEmpty, "\(fuzzer.failures.count) server errors:\n\(fuzzer.failures.prefix(60).joined(separator: "\n"))")
            print("route fuzz: \(routes.filter(select).count) routes, \(fuzzer.sent) requests, \(ContinuousClock.now - started)")
        }
    }

    /// A visitor with an application started, a signed-in administrator reading the back office, a token; the demo's ids.
    static func prepare(_ client: any TestClientProtocol, _ components: AppComponents, routes: [FuzzRoute]) async throws -> RouteFuzzer {
        let visitor = TestSession(client: client)
        visitor.address = "198.51.100.1"
        let apply = "/procedures/sn-extrait-acte-naissance/apply"
        try await visitor.get(apply)
        let started = try await visitor.post(apply, form: [])
        let applicationPage = started.headers[.location] ?? apply
        let (_, bearer) = try await components.accounts.createToken(
            name: "fuzz", role: .administrator, institution: nil, origin: .init(actor: "test"))
        let admin = try await TestApp.signedIn(client, components, role: .administrator)
        var map = DemoMap()
        try await map.crawl(visitor, seeds: ["/", "/centres", "/ecosystem", "/track", "/verify", applicationPage, apply], routes: routes, limit: 80)
        try await map.crawl(
            admin, seeds: ["/admin", "/admin/applications", "/admin/catalog", "/admin/centres", "/admin/users", "/admin/tokens", "/admin/forms"],
            routes: routes, limit: 120)
        let document = try await client.executeRequest(uri: CatalogRoute.apiOpenAPI.path(), method: .get, headers: [:], body: nil)
        let openAPI = try JSONSerialization.jsonObject(with: Data(buffer: document.body)) as? [String: Any] ?? [:]
        // An API draft: its reference and PIN let the file and submit routes go past the PIN check.
        let created = try await client.executeRequest(
            uri: ApplicationsRoute.api.path(), method: .post, headers: [.contentType: "application/json"],
            body: ByteBuffer(string: #"{"procedure":"sn-extrait-acte-naissance","answers":{},"submit":false}"#))
        let draft = try JSONSerialization.jsonObject(with: Data(buffer: created.body)) as? [String: Any] ?? [:]
        var pin = HTTPFields()
        if let reference = draft["reference"] as? String, let value = draft["pin"] as? String {
            pin[.xTrackingPin] = value
            for route in routes where route.parameters.first == "reference" {
                map.values[route.pattern] = [reference] + map.validValues(route).dropFirst()
            }
        }
        return RouteFuzzer(client: client, components: components, map: map, openAPI: openAPI, bearer: bearer, pin: pin, visitor: visitor)
    }

    // MARK: One route

    func fuzz(_ route: FuzzRoute) async throws {
        let session = route.isAdmin ? try await TestApp.signedIn(client, components, role: .administrator) : visitor
        session.address = "203.0.113.\(sent % 250 + 1)"
        let valid = map.validValues(route)
        let fields = fieldNames(route)
        let writes = route.method != .get

        // Each path parameter hostile, the others as the demo has them.
        for index in route.parameters.indices {
            for value in Hostile.values {
                for form in Hostile.uriForms(value) {
                    var values = valid
                    values[index] = form
                    let path = route.path(values)
                    if route.isAPI {
                        await send(route, path, body: writes ? .json(jsonBody(route, leaf: .string("x"))) : nil, auth: .valid, session, note: "param")
                    } else {
                        await send(route, path, body: writes ? .form([]) : nil, session, note: "param")
                    }
                }
            }
        }

        // Every field (query string or body) and header hostile.
        let path = route.path(valid)
        // An overlong value goes in three fields, the route's own first: in all forty it costs half a second a request.
        let schemaFields = route.isAPI ? Self.properties(schema(route), in: openAPI).map(\.0) : []
        let ownFields = Set(map.fields[route.pattern] ?? []).union(schemaFields).sorted()
        let longFields = Array((ownFields + ["q", "id", "page"]).prefix(3))
        for value in Hostile.values {
            let pairs = (Hostile.overlongValues.contains(value) ? longFields : fields).map { ($0, value) }
            var headers = HTTPFields(Self.hostileHeaders.map { HTTPField(name: $0, value: value) })
            headers[.cookie] = "lang=\(value); \(value)"
            if route.isAPI {
                let body: Body? = writes ? .json(jsonBody(route, leaf: .string(value))) : nil
                let uri = writes ? path : path + query(pairs)
                await send(route, uri, body: body, auth: .valid, headers: headers, session, note: "fields=\(value.prefix(60))")
                await send(route, uri, body: body, auth: .hostile(value), session, note: "fields=\(value.prefix(60))")
                if writes {
                    // The same with the demo's ids where a field names one, so that the other fields are read too.
                    let anchored = jsonBody(route, leaf: .string(value), anchors: anchors)
                    await send(route, uri, body: .json(anchored), auth: .valid, session, note: "anchored fields=\(value.prefix(60))")
                }
            } else {
                let uri = writes ? path : path + query(pairs)
                await send(route, uri, body: writes ? .form(pairs) : nil, headers: headers, session, note: "fields=\(value.prefix(60))")
            }
        }
        // Broken escapes as they are, not encoded again.
        for value in ["%00", "%ZZ", "%ED%A0%80", "a&b=c=d"] where !writes {
            let raw = path + "?" + fields.map { "\($0)=\(value)" }.joined(separator: "&")
            await send(route, raw, body: nil, auth: route.isAPI ? .valid : .none, session, note: "raw query")
        }

        // Whole bodies: literals where JSON wants strings, malformed JSON, invalid bytes, broken multipart.
        if writes && route.isAPI {
            for literal in Hostile.jsonLiterals {
                await send(route, path, body: .json(jsonBody(route, leaf: .literal(literal))), auth: .valid, session, note: "literal \(literal)")
            }
            for bytes in Hostile.jsonBodies {
                await send(route, path, body: .raw(bytes, "application/json"), auth: .valid, session, note: "json bytes \(bytes.prefix(24))")
            }
            for type in ["application/pdf", "image/png", "text/plain", "application/x-www-form-urlencoded"] {
                await send(route, path, body: .raw(Array("%PDF-1.4\u{0}\u{FF}".utf8) + [0xFF, 0xD8], type), auth: .valid, session, note: type)
            }
        } else if writes {
            for bytes in Hostile.formBodies(csrf: session.csrf ?? "") {
                await send(route, path, body: .raw(bytes, "application/x-www-form-urlencoded"), session, note: "form bytes \(bytes.prefix(24))")
            }
            await send(route, path, body: .multipart(fields.map { ($0, Hostile.overlong) }, boundary: "b"), session, note: "multipart")
            let unterminated = Array("--b\r\nContent-Disposition: form-data; name=\"\u{FF}".utf8)
            await send(route, path, body: .raw(unterminated, "multipart/form-data; boundary=b"), session, note: "bad multipart")
            await send(route, path, body: .raw([], "multipart/form-data"), session, note: "multipart without boundary")
        }

        // Generated values everywhere at once (a new seed each run; a failure names its seed).
        let generator = Hostile.generated.array(of: route.parameters.count + fields.count)
        await propertyCheck(count: 5, input: generator) { generated in
            let path = route.path(generated.prefix(route.parameters.count).map(Hostile.encoded))
            let pairs = Array(zip(fields, generated.dropFirst(route.parameters.count)))
            let body: Body? = !writes ? nil : route.isAPI ? .json(.object(pairs.map { ($0.0, .string($0.1)) })) : .form(pairs)
            let status = await send(route, writes ? path : path + query(pairs), body: body, auth: .valid, session, note: "generated \(generated)")
            #expect(status < 500, "\(route.method) \(path.prefix(200)): \(status)")
        }
    }

    /// Fields that name a demo entity, with one that exists.
    var anchors: [String: String] {
        var anchors: [String: String] = [:]
        for (field, context) in [("procedure", "procedures"), ("centre", "centres"), ("institution", "institutions"), ("category", "categories")] {
            anchors[field] = map.byContext[context]
        }
        return anchors
    }

    func fieldNames(_ route: FuzzRoute) -> [String] {
        var names = Set(Self.commonFields).union(map.fields[route.pattern] ?? [])
        if route.isAPI { names.formUnion(Self.properties(schema(route), in: openAPI).map(\.0)) }
        return names.sorted()
    }

    func query(_ pairs: [(String, String)]) -> String {
        "?" + pairs.map { Hostile.encoded($0.0) + "=" + Hostile.encoded($0.1) }.joined(separator: "&")
    }

    // MARK: Requests

    enum Body {
        case form([(String, String)])
        case json(JSONText)
        case multipart([(String, String)], boundary: String)
        case raw([UInt8], String)
    }

    enum Auth {
        case none, valid
        case hostile(String)
    }

    /// Sends one request; a status ≥ 500 (or a thrown error) is recorded with what was sent.
    @discardableResult
    func send(
        _ route: FuzzRoute, _ uri: String, body: Body?, auth: Auth = .none, headers extra: HTTPFields = [:], _ session: TestSession, note: String
    ) async -> Int {
        var headers = extra
        var bytes: [UInt8]?
        if route.isAPI {
            for field in pin where headers[field.name] == nil { headers.append(field) }
        } else {
            let cookies = session.cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } + (headers[.cookie].map { [$0] } ?? [])
            if !cookies.isEmpty { headers[.cookie] = cookies.joined(separator: "; ") }
            if headers[.xForwardedFor] == nil { headers[.xForwardedFor] = session.address }
        }
        switch auth {
        case .none: break
        case .valid: headers[.authorization] = "Bearer \(bearer)"
        case .hostile(let value): headers[.authorization] = "Bearer \(value)"
        }
        switch body {
        case nil: break
        case .form(let pairs):
            headers[.contentType] = "application/x-www-form-urlencoded"
            let all = pairs + [("_csrf", session.csrf ?? "")]
            bytes = Array(all.map { Hostile.encoded($0.0) + "=" + Hostile.encoded($0.1) }.joined(separator: "&").utf8)
        case .json(let document):
            headers[.contentType] = "application/json"
            bytes = Array(document.text.utf8)
        case .multipart(let pairs, let boundary):
            headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
            var text = ""
            for (name, value) in pairs + [("_csrf", session.csrf ?? "")] {
                text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
            }
            text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../\u{202E}fdp\u{0}.exe\"\r\n"
            text += "Content-Type: application/pdf\r\n\r\n%PDF-\u{0}\r\n--\(boundary)--\r\n"
            bytes = Array(text.utf8)
        case .raw(let raw, let type):
            headers[.contentType] = type
            bytes = raw
        }
        sent += 1
        let status: Int
        do {
            let response = try await client.executeRequest(
                uri: uri, method: route.method, headers: headers, body: bytes.map { ByteBuffer(bytes: $0) })
            status = Int(response.status.code)
            if status >= 500 {
                failures.append("\(route.method) \(uri.prefix(300)) [\(note.prefix(200))] → \(status): \(response.text.prefix(200))")
            }
        } catch {
            status = 599
            failures.append("\(route.method) \(uri.prefix(300)) [\(note.prefix(200))] → threw \(error)")
        }
        return status
    }

    // MARK: The OpenAPI document

    /// The JSON schema of the route's request body, as the OpenAPI document gives it.
    func schema(_ route: FuzzRoute) -> [String: Any]? {
        let shape = { (path: String) in path.replacing(/\{[^}]*\}/, with: "{}") }
        let paths = openAPI["paths"] as? [String: Any] ?? [:]
        guard let operations = paths.first(where: { shape($0.key) == shape(route.pattern) })?.value as? [String: Any],
            let operation = operations[route.method.rawValue.lowercased()] as? [String: Any],
            let content = (operation["requestBody"] as? [String: Any])?["content"] as? [String: Any],
            let json = content["application/json"] as? [String: Any]
        else { return nil }
        return json["schema"] as? [String: Any]
    }

    /// A schema's properties (following `$ref`, `allOf`, `oneOf`, `anyOf`), each with its own schema.
    static func properties(_ schema: [String: Any]?, in document: [String: Any], depth: Int = 0) -> [(String, [String: Any])] {
        guard var schema, depth < 8 else { return [] }
        if let ref = schema["$ref"] as? String, let name = ref.split(separator: "/").last {
            let schemas = (document["components"] as? [String: Any])?["schemas"] as? [String: Any]
            schema = schemas?[String(name)] as? [String: Any] ?? [:]
        }
        var found = (schema["properties"] as? [String: Any] ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value as? [String: Any] ?? [:]) }
        for key in ["allOf", "oneOf", "anyOf"] {
            for part in schema[key] as? [[String: Any]] ?? [] { found += properties(part, in: document, depth: depth + 1) }
        }
        return found
    }

    /// The route's body with `leaf` in every field its schema names (nested objects and arrays followed) and in the
    /// common fields; `answers` holds the common fields too. A string leaf goes where the schema wants text, and a
    /// value of the right type elsewhere, so that a boolean refused first does not hide every other field. With
    /// `anchors`, fields naming a demo entity hold one that exists, and enumerations their first value.
    func jsonBody(_ route: FuzzRoute, leaf: JSONText, anchors: [String: String] = [:]) -> JSONText {
        func typed(_ schema: [String: Any]?) -> JSONText {
            guard case .string = leaf else { return leaf }
            if !anchors.isEmpty, let first = (schema?["enum"] as? [Any])?.first as? String { return .string(first) }
            let types = (schema?["type"] as? String).map { [$0] } ?? schema?["type"] as? [String] ?? ["string"]
            if types.contains("string") { return leaf }
            if types.contains("boolean") { return .literal("false") }
            if types.contains("integer") || types.contains("number") { return .literal("1") }
            return leaf
        }
        func build(_ schema: [String: Any]?, depth: Int) -> JSONText {
            let members = Self.properties(schema, in: openAPI)
            guard !members.isEmpty, depth < 8 else {
                if schema?["additionalProperties"] != nil { return .object(Self.commonFields.map { ($0, leaf) }) }
                if let items = schema?["items"] as? [String: Any] { return .array([build(items, depth: depth + 1)]) }
                return typed(schema)
            }
            return .object(members.map { ($0.0, build($0.1, depth: depth + 1)) })
        }
        var members: [(String, JSONText)] = []
        if case .object(let described) = build(schema(route), depth: 0) { members = described }
        members = members.map { name, value in (name, anchors[name].map { .string($0) } ?? value) }
        let named = Set(members.map(\.0))
        members += Self.commonFields.filter { !named.contains($0) && $0 != "answers" }.map { ($0, leaf) }
        if !named.contains("answers") { members.append(("answers", .object(Self.commonFields.map { ($0, leaf) }))) }
        return .object(members)
    }
}

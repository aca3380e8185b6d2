// SPDX-License-Identifier: MPL-2.0
import Catalog
import Foundation
import GuichetApp
import GuichetCore
import GuichetTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import Testing

@testable import Centres

/// Two small centres: Dakar (UTC+0, open Monday to Saturday 08:00–18:00, eight counters, two services) and
/// Brazzaville (UTC+1, open Monday to Friday 08:00–16:00 local time, with one exceptional closure). Pages are served at
/// `openTime`, when both are open, by a clock that moves only when a test moves it.
enum CentresFixtures {
    static let yaml = """
        format: guichet-centres/1
        commitments:
        - {kind: wait, minutes: 20, target: 80}
        - {kind: satisfaction, target: 80}
        centres:
        - id: test-dakar
          country: SN
          region: Dakar
          department: Dakar
          name: {fr: Centre test de Dakar, en: Dakar test centre}
          status: open
          latitude: 14.69
          longitude: -17.45
          timezone: Africa/Dakar
          hoursConfirmed: true
          hours:
          - {days: [1, 2, 3, 4, 5, 6], opens: "08:00", closes: "18:00"}
          counters: ["1", "2", "3", "4", "5", "6", "7", "8"]
          services:
          - {key: etat-civil, letter: A, name: {fr: État civil, en: Civil registration}}
          - {key: identite, letter: B, name: {fr: Carte d'identité, en: Identity card}}
          sources:
          - {title: Test source, url: "https://example.org/dakar"}
        - id: test-brazzaville
          country: CG
          region: Brazzaville
          department: Brazzaville
          name: {fr: Centre test de Brazzaville}
          status: planned
          latitude: -4.27
          longitude: 15.28
          timezone: Africa/Brazzaville
          hours:
          - {days: [1, 2, 3, 4, 5], opens: "08:00", closes: "16:00"}
          closures:
          - {day: "2026-08-14", reason: {fr: Fermeture de test, en: Test closure}}
          - {day: "2099-01-05", reason: {fr: Inventaire lointain, en: Far-off stocktaking}}
          counters: ["1", "2"]
          services:
          - {key: casier, letter: C, name: {fr: Casier judiciaire, en: Criminal record}}
          sources:
          - {title: Test source, url: "https://example.org/brazzaville"}
        """

    static let dakar = "test-dakar"
    static let civil = "test-dakar.etat-civil"
    static let identity = "test-dakar.identite"
    static let brazzaville = "test-brazzaville"
    static let record = "test-brazzaville.casier"

    static func counter(_ number: Int, _ centre: String = dakar) -> String { "\(centre).\(number)" }

    /// Monday 7 September 2026, 10:00 in Dakar and 11:00 in Brazzaville: both centres are open, the August closure is past.
    static let openTime = date("2026-09-07T10:00:00Z")

    /// The importer the composition root builds, asking the catalogue about the procedures and institutions named.
    static func importer(_ components: AppComponents) -> DirectoryImporter {
        DirectoryImporter(
            database: components.database, catalog: CatalogLookupService(database: components.database.db),
            changes: CatalogContentChanges(database: components.database, generation: components.cache.generation))
    }

    static func load(_ components: AppComponents) async throws {
        _ = try await importer(components).importDocument(try CentresDocument.decode(yaml: yaml), actor: "test")
    }

    /// The test's clock, the one the application's pages read (set by `withClient`).
    static func clock(_ components: AppComponents) throws -> ManualClock {
        try #require(components.clock as? ManualClock)
    }

    /// The queue on the application's clock, for a test acting beside the pages (an agent at a counter).
    static func queue(_ components: AppComponents) -> QueueService {
        QueueService(database: components.database, clock: components.clock)
    }

    /// Components with the fixture directory loaded.
    static func withCentres<T: Sendable>(_ body: @Sendable (AppComponents) async throws -> T) async throws -> T {
        try await TestApp.withComponents { components in
            try await load(components)
            return try await body(components)
        }
    }

    /// The whole application over the fixture directory, its clock standing at `now` until the test moves it.
    static func withClient<T: Sendable>(
        at now: Date = openTime, seed: TestApp.Seed = .none, _ body: @Sendable (any TestClientProtocol, AppComponents) async throws -> T
    ) async throws -> T {
        try await TestApp.withComponents(seed: seed) { prepared in
            var clocked = prepared
            clocked.clock = ManualClock(now)
            let components = clocked
            try await load(components)
            let app = try GuichetApplication.buildApplication(components, logger: TestApp.logger, ownsDatabase: false)
            return try await app.test(.router) { client in try await body(client, components) }
        }
    }

    static func date(_ text: String) -> Date {
        try! Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: false))
    }

    static func count(_ components: AppComponents, _ table: String, where column: String? = nil, _ value: String? = nil) async throws -> Int {
        struct Row: Decodable { let n: Int }
        var query = components.database.sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(table)
        if let column, let value { query = query.where(SQLIdentifier(column), .equal, value) }
        return try await query.first(decoding: Row.self)?.n ?? 0
    }
}

/// A visitor's browser: keeps the CSRF cookie of the form it was given and sends the token back.
struct FormSession {
    var cookie = ""
    var token = ""

    mutating func read(_ response: TestResponse) {
        if let set = response.headers[.setCookie], let value = set.firstMatch(of: /guichet_csrf=([A-Za-z0-9_-]+)/) {
            cookie = "guichet_csrf=\(value.1)"
        }
        if let field = response.text.firstMatch(of: /name="_csrf" value="([A-Za-z0-9_-]+)"/) { token = String(field.1) }
    }

    func post(_ client: any TestClientProtocol, _ uri: String, _ fields: [(String, String)]) async throws -> TestResponse {
        let body = ([("_csrf", token)] + fields).map { "\(FormQuery.encode($0.0))=\(FormQuery.encode($0.1))" }.joined(separator: "&")
        return try await client.execute(
            uri: uri, method: .post, headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
            body: ByteBuffer(string: body)
        ) { $0 }
    }
}

extension String {
    func field(_ name: String) -> String? {
        firstMatch(of: try! Regex("name=\"\(name)\" value=\"([^\"]+)\"")).map { String($0.output[1].substring ?? "") }
    }
}

/// The code of the `AppError` the body throws, nil when it succeeds.
func errorCode(_ body: () async throws -> Void) async -> String? {
    do {
        try await body()
        return nil
    } catch let error as AppError {
        return error.code
    } catch {
        return "\(error)"
    }
}

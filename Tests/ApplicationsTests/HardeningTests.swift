// SPDX-License-Identifier: MPL-2.0
import Accounts
import Audit
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

@testable import Applications

/// The exact requests that once stopped the server or slipped past a limit: each now gets a clean 4xx, and the
/// server keeps answering afterwards.
@Suite struct HardeningTests {
    static let editable = "sn-declaration-naissance"

    static func alive(_ client: any TestClientProtocol) async throws {
        #expect(try await client.execute(uri: "/healthz", method: .get) { $0.status } == .ok)
    }

    /// Overlong and non-ASCII digits in a date answer, through the API and through the web form.
    @Test func datesThatOnceCrashedTheServer() async throws {
        try await Apply.withApp { client, _ in
            for (index, bad) in ["2020-99999999999999999999-01", "٢٠٢٠-٠١-٠١", "２０２０-01-01", "2026-02-30", "+2020-01-01"].enumerated() {
                let body: [String: Any] = [
                    "procedure": Apply.extract, "answers": APIFlowTests.answers.merging(["birth_date": bad]) { $1 }, "submit": true,
                ]
                let response = try await APIFlowTests.create(client, key: "hardening-date-\(index)-0000", body: body)
                #expect(response.status == .unprocessableContent, "\(bad): \(response.status)")
            }
            let browser = TestSession(client: client)
            let id = try await Apply.start(browser)
            _ = try await browser.post(ApplicationsRoute.page.path(id, "requester"), form: Apply.answers["requester"] ?? [])
            let record = (Apply.answers["record"] ?? []).map { $0.0 == "birth_date" ? ($0.0, "٢٠٢٠-٠١-٠١") : $0 }
            let page = try await browser.post(ApplicationsRoute.page.path(id, "record"), form: record)
            #expect(page.status == .unprocessableContent)
            try await Self.alive(client)
        }
    }

    @Test func signedInRequestsThatOnceCrashedTheServer() async throws {
        try await Apply.withApp { client, components in
            let agent = try await TestApp.signedIn(client, components, role: .backOfficeAgent, institutions: ["sn-centre-etat-civil"])
            #expect(try await agent.get(ApplicationsRoute.inbox.path() + "?offset=9223372036854775807").status == .badRequest)
            #expect(try await agent.get(ApplicationsRoute.inbox.path() + "?offset=-1").status == .badRequest)
            let (_, token) = try await components.accounts.createToken(
                name: "api", role: .backOfficeAgent, institution: "sn-centre-etat-civil", origin: .init(actor: "test"))
            let list = try await client.execute(
                uri: ApplicationsRoute.api.path() + "?offset=9223372036854775807", method: .get, headers: [.authorization: "Bearer \(token)"]
            ) { $0 }
            #expect(list.status == .badRequest)

            let (_, editorToken) = try await components.accounts.createToken(
                name: "editor", role: .catalogEditor, institution: "sn-centre-etat-civil", origin: .init(actor: "test"))
            let base = "/api/v1/procedures/\(Self.editable)/draft"
            func put(_ procedure: Procedure, ifMatch: String) async throws -> TestResponse {
                try await client.executeRequest(
                    uri: base, method: .put, headers: [.authorization: "Bearer \(editorToken)", .contentType: "application/json", .ifMatch: ifMatch],
                    body: ByteBuffer(data: try JSONEncoder().encode(procedure)))
            }
            let published = try #require(try await ProcedureEditor(database: components.database.db).published(Self.editable))
            #expect(try await put(published, ifMatch: "9223372036854775807").status == .badRequest)
            var untitled = published
            untitled.title = LocalizedText(fr: "")
            let refused = try await put(untitled, ifMatch: "0")
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("\"field\":\"procedure.title.fr\""))
            var costly = published
            if var step = costly.blocks.first?.steps.first {
                step.costs = [try JSONDecoder().decode(Cost.self, from: Data(#"{"kind":"amount","amount":1e19,"currency":"XOF"}"#.utf8))]
                costly.blocks[0].steps[0] = step
            }
            #expect(try await put(costly, ifMatch: "0").status == .unprocessableContent)
            // Nothing was stored: the preview and the step page still open.
            let editor = try await TestApp.signedIn(client, components, role: .catalogEditor, institutions: ["sn-centre-etat-civil"])
            #expect(try await editor.get("/admin/catalog/procedures/\(Self.editable)/preview").status == .ok)
            #expect(try await editor.get("/admin/catalog/procedures/\(Self.editable)/steps/0/0").status == .ok)
            try await Self.alive(client)
        }
    }

    @Test func pathTricksAreNormalisedBeforeAnyMiddlewareDecides() async throws {
        try await Apply.withApp { client, components in
            // A page link to another host, from a path that starts with two slashes: not any more.
            let evil = try await client.execute(uri: "//evil.example", method: .get) { $0 }
            #expect(evil.status == .notFound)
            #expect(!evil.text.contains("//evil.example"))
            // Encoded slashes, backslashes and climbing above the root: 400.
            for path in ["/procedures/%2F..%2Fadmin", "/..//admin", "/admin\\users", "/api/v1/procedures/a%2fb", "/static/%2e%2e/x"] {
                #expect(try await client.execute(uri: path, method: .get) { $0.status } == .badRequest, "\(path)")
            }
            // `//admin/…` is the back office, so a signed-out visitor is sent to sign in.
            let signedOut = try await client.execute(uri: "//admin/applications", method: .get) { $0 }
            #expect(signedOut.status == .seeOther)
            #expect(signedOut.headers[.location]?.hasPrefix("/admin/sign-in") == true)
            // A user who must change a temporary password gets the password form, whatever the slashes.
            let user = try await TestApp.createUser(components, role: .backOfficeAgent, institutions: ["sn-centre-etat-civil"])
            let temporary = try await components.accounts.resetPassword(userId: user.id, origin: .init(actor: "test"))
            let browser = TestSession(client: client)
            #expect(try await browser.signIn(email: user.email, password: temporary).status == .seeOther)
            let forced = try await browser.get("//admin/applications")
            #expect(forced.status == .seeOther && forced.headers[.location] == AccountsRoute.password.path())
            // The API takes no cookie, whatever the slashes.
            let api = try await browser.get("//api/v1/applications")
            #expect(api.status == .unauthorized)
            // Sign-in sends back only to a same-origin back-office path that survives normalisation.
            let other = try await TestApp.createUser(components, role: .analyst)
            let visitor = TestSession(client: client)
            try await visitor.get("/admin/sign-in?next=/admin/..//evil.example")
            let next = try await visitor.post(
                "/admin/sign-in", form: [("email", other.email), ("password", other.password), ("next", "/admin/..//evil.example")])
            #expect(next.status == .seeOther && next.headers[.location] == AccountsRoute.home.path())
            try await Self.alive(client)
        }
    }

    @Test func methodsHeadAndBodySizesGetTheirStatus() async throws {
        try await Apply.withApp { client, _ in
            let wrongMethod = try await client.execute(uri: "/procedures", method: .post) { $0 }
            #expect(wrongMethod.status == .methodNotAllowed || wrongMethod.status == .forbidden)
            let deleteAPI = try await client.execute(uri: "/api/v1/procedures", method: .delete) { $0 }
            #expect(deleteAPI.status == .methodNotAllowed)
            #expect(deleteAPI.headers[.allow]?.contains("GET") == true)
            #expect(deleteAPI.headers[.contentType]?.hasPrefix("application/json") == true)
            let head = try await client.execute(uri: "/procedures", method: .head) { $0 }
            #expect(head.status == .ok && head.body.readableBytes == 0)
            // A body over the limit: 413, in JSON under /api/.
            let big = ByteBuffer(repeating: UInt8(ascii: "a"), count: 2 << 20)
            let tooLarge = try await client.execute(
                uri: ApplicationsRoute.api.path(), method: .post,
                headers: [.contentType: "application/json", .idempotencyKey: "hardening-big-body-0001"], body: big
            ) { $0 }
            #expect(tooLarge.status == .contentTooLarge)
            let form = try await client.execute(
                uri: ApplicationsRoute.track.path(), method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: big
            ) { $0 }
            #expect(form.status == .contentTooLarge)
            // JSON errors name the field in plain words, never Swift's decoder internals.
            let wrongType = try await APIFlowTests.create(client, key: "hardening-json-0000001", body: ["procedure": 5])
            #expect(wrongType.status == .badRequest)
            #expect(wrongType.text.contains("\"field\":\"procedure\""))
            let internals = ["CodingKeys", "DecodingError", "typeMismatch", "Swift."]
            #expect(internals.allSatisfy { !wrongType.text.contains($0) }, "\(wrongType.text)")
            try await Self.alive(client)
        }
    }

    @Test func cacheBustingParametersShareOneEntry() async throws {
        try await Apply.withApp { client, components in
            for n in 0..<40 { #expect(try await client.execute(uri: "/procedures?z=\(n)", method: .get) { $0.status } == .ok) }
            #expect(components.cache.count == 1)
            let page = try await client.execute(uri: "/procedures?z=secret-value&country=SN", method: .get) { $0 }
            #expect(!page.text.contains("secret-value"))
        }
    }

    /// 50 wrong passwords at once for one account: at most the limit of them are checked (401), the rest wait (429).
    @Test func signInLimitHoldsUnderConcurrency() async throws {
        try await Apply.withApp { client, components in
            let user = try await TestApp.createUser(components, role: .analyst)
            let page = TestSession(client: client)
            try await page.get("/admin/sign-in")
            let cookies = page.cookieHeader
            let token = page.csrf ?? ""
            let codes = try await withThrowingTaskGroup(of: Int.self) { group in
                for n in 0..<50 {
                    group.addTask {
                        let body = "_csrf=\(token)&email=\(FormQuery.encode(user.email))&password=wrong-\(n)"
                        return try await client.execute(
                            uri: "/admin/sign-in", method: .post,
                            headers: [.contentType: "application/x-www-form-urlencoded", .cookie: cookies, .xForwardedFor: "198.51.100.\(n % 200)"],
                            body: ByteBuffer(string: body)
                        ) { Int($0.status.code) }
                    }
                }
                var codes: [Int] = []
                for try await code in group { codes.append(code) }
                return codes
            }
            let checked = codes.filter { $0 != 429 }.count
            #expect(checked <= components.accounts.settings.maxFailures, "\(codes)")
            #expect(codes.contains(429))
            let failed = try await AuditLog.records(on: components.database.db).filter { $0.entry.action == "auth.sign_in_failed" }.count
            #expect(failed <= components.accounts.settings.maxFailures)
        }
    }

    /// 50 tracking tries at once on one reference: at most 5 PINs are compared.
    @Test func trackingLimitHoldsUnderConcurrency() async throws {
        try await Apply.withApp { client, _ in
            let created = try Apply.json(
                try await APIFlowTests.create(
                    client, key: "hardening-track-00001", body: ["procedure": Apply.extract, "answers": APIFlowTests.answers, "submit": false]))
            let reference = try #require(created["reference"] as? String)
            let pin = try #require(created["pin"] as? String)
            let wrong = pin == "111111" ? "222222" : "111111"
            let codes = try await withThrowingTaskGroup(of: Int.self) { group in
                for n in 0..<50 {
                    group.addTask {
                        try await client.execute(
                            uri: ApplicationsRoute.apiTrack.path(), method: .post,
                            headers: [.contentType: "application/json", .xForwardedFor: "203.0.113.\(n)"],
                            body: try Apply.jsonBody(["reference": reference, "pin": wrong])
                        ) { Int($0.status.code) }
                    }
                }
                var codes: [Int] = []
                for try await code in group { codes.append(code) }
                return codes
            }
            #expect(codes.filter { $0 == 422 }.count <= Tracking.failuresPerReference, "\(codes)")
            #expect(codes.filter { $0 == 429 }.count >= 50 - Tracking.failuresPerReference, "\(codes)")
            try await Self.alive(client)
        }
    }

    /// A visitor's CSRF cookie chosen by the client is worth nothing: the token must be the server's HMAC of it.
    @Test func aClientChosenCSRFCookieIsRefused() async throws {
        try await Apply.withApp { client, _ in
            let chosen = String(repeating: "A", count: 43)
            let response = try await client.execute(
                uri: ApplicationsRoute.track.path(), method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "guichet_csrf=\(chosen)"],
                body: ByteBuffer(string: "_csrf=\(chosen)&reference=SN-26-AAAA-AA&pin=123456")
            ) { $0 }
            #expect(response.status == .forbidden)
        }
    }

    /// The verification address on documents comes from the configuration, never from the request's Host.
    @Test func documentsNeverPrintTheRequestsHost() async throws {
        try await Apply.withApp { client, components in
            let track = TrackController(module: components.applications, publicURL: "https://guichet.example.sn")
            let request = Request(
                head: HTTPRequest(method: .get, scheme: "http", authority: "evil.example", path: "/x"), body: .init(buffer: ByteBuffer()))
            #expect(track.host(request) == "https://guichet.example.sn")
            #expect(components.configuration.publicURL.hasPrefix("http://"))
        }
    }

    /// Over HTTPS every cookie that guards something is a `__Host-` cookie, `Secure`, for the whole site.
    @Test func cookiesOverHTTPSAreHostCookies() async throws {
        let https: @Sendable (inout AppConfiguration) -> Void = { $0.secureCookies = true }
        try await TestApp.withClient(seed: .demo, configure: https) { client, _ in
            let page = try await client.execute(uri: ApplicationsRoute.track.path(), method: .get) { $0 }
            let cookie = try #require(page.headers[.setCookie])
            #expect(cookie.hasPrefix("__Host-guichet_csrf=") && cookie.contains("Secure") && cookie.contains("Path=/"), "\(cookie)")
            let token = try #require(TestSession.csrfToken(in: page.text))
            let id = String(cookie.dropFirst("__Host-guichet_csrf=".count).prefix { $0 != ";" })
            // The token works with its own cookie, and the same cookie without the prefix counts for nothing.
            let good = try await client.execute(
                uri: ApplicationsRoute.track.path(), method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "__Host-guichet_csrf=\(id)"],
                body: ByteBuffer(string: "_csrf=\(token)&reference=SN-26-AAAA-AA&pin=123456")
            ) { $0 }
            #expect(good.status != .forbidden)
            let plain = try await client.execute(
                uri: ApplicationsRoute.track.path(), method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "guichet_csrf=\(id)"],
                body: ByteBuffer(string: "_csrf=\(token)&reference=SN-26-AAAA-AA&pin=123456")
            ) { $0 }
            #expect(plain.status == .forbidden)
        }
    }
}

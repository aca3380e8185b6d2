// SPDX-License-Identifier: MPL-2.0
import Accounts
import Catalog
import Foundation
import GuichetApp
import GuichetCore
import GuichetTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Every back-office route and every API write × every kind of caller → the status each must get.
/// Writes are sent with harmless content (invalid forms, stale revisions): a caller who may act gets the validation
/// or conflict answer, one who may not gets 403 (401 or the sign-in redirect when signed out), and nothing changes.
@Suite struct AuthorizationTableTests {
    enum Caller: String, CaseIterable, CustomStringConvertible {
        case signedOut, administrator, editorOwn, editorOther, backOfficeAgent, centreAgent, centreManager, analyst
        var description: String { rawValue }

        var role: Role? {
            switch self {
            case .signedOut: return nil
            case .administrator: return .administrator
            case .editorOwn, .editorOther: return .catalogEditor
            case .backOfficeAgent: return .backOfficeAgent
            case .centreAgent: return .centreAgent
            case .centreManager: return .centreManager
            case .analyst: return .analyst
            }
        }

        var institutions: [String] {
            switch self {
            case .editorOwn, .backOfficeAgent: return ["sn-centre-etat-civil"]
            case .editorOther: return ["sn-dgpn"]
            default: return []
            }
        }
    }

    /// Who may: everyone signed in, administrators only, catalogue editors (any institution), editors of the procedure's institution.
    enum Rule { case anyone, admin, editors, ownEditors }

    struct Route {
        let method: HTTPRequest.Method
        let path: String
        let form: [(String, String)]
        let rule: Rule
        /// What an allowed caller gets for this harmless request.
        let allowed: HTTPResponse.Status
    }

    static let procedure = "/admin/catalog/procedures/sn-declaration-naissance"

    static func pageRoutes(userId: String, tokenId: String) -> [Route] {
        [
            Route(method: .get, path: "/admin", form: [], rule: .anyone, allowed: .ok),
            Route(method: .get, path: "/admin/account/password", form: [], rule: .anyone, allowed: .ok),
            Route(method: .post, path: "/admin/account/password", form: [("current", "")], rule: .anyone, allowed: .unprocessableContent),
            Route(method: .get, path: "/admin/users", form: [], rule: .admin, allowed: .ok),
            Route(method: .get, path: "/admin/users/new", form: [], rule: .admin, allowed: .ok),
            Route(
                method: .post, path: "/admin/users", form: [("email", ""), ("name", ""), ("role", "analyst")], rule: .admin,
                allowed: .unprocessableContent),
            Route(method: .get, path: "/admin/users/\(userId)", form: [], rule: .admin, allowed: .ok),
            Route(
                method: .post, path: "/admin/users/\(userId)", form: [("name", ""), ("role", "analyst")], rule: .admin, allowed: .unprocessableContent
            ),
            Route(method: .get, path: "/admin/tokens", form: [], rule: .admin, allowed: .ok),
            Route(method: .post, path: "/admin/tokens", form: [("name", ""), ("role", "analyst")], rule: .admin, allowed: .unprocessableContent),
            Route(method: .post, path: "/admin/tokens/\(tokenId)x/revoke", form: [], rule: .admin, allowed: .notFound),
            Route(method: .get, path: "/admin/audit", form: [], rule: .admin, allowed: .ok),
            Route(method: .get, path: "/admin/webhooks", form: [], rule: .admin, allowed: .ok),
            Route(
                method: .post, path: "/admin/webhooks", form: [("institution", "sn-centre-etat-civil"), ("url", "")], rule: .admin,
                allowed: .unprocessableContent),
            Route(method: .post, path: "/admin/webhooks/none/state", form: [("active", "0")], rule: .admin, allowed: .notFound),
            Route(method: .post, path: "/admin/webhooks/none/secret", form: [], rule: .admin, allowed: .notFound),
            Route(method: .post, path: "/admin/webhooks/none/delete", form: [], rule: .admin, allowed: .notFound),
            Route(method: .post, path: "/admin/webhooks/deliveries/none/retry", form: [], rule: .admin, allowed: .notFound),
            Route(method: .get, path: "/admin/audit/export.jsonl", form: [], rule: .admin, allowed: .ok),
            Route(method: .get, path: "/admin/catalog/institutions", form: [], rule: .admin, allowed: .ok),
            Route(method: .get, path: "/admin/catalog/institutions/sn-mairie", form: [], rule: .admin, allowed: .ok),
            Route(
                method: .post, path: "/admin/catalog/institutions/sn-mairie", form: [("name_fr", "")], rule: .admin, allowed: .unprocessableContent),
            Route(method: .get, path: "/admin/catalog/categories", form: [], rule: .admin, allowed: .ok),
            Route(method: .get, path: "/admin/catalog/categories/naissance", form: [], rule: .admin, allowed: .ok),
            Route(method: .post, path: "/admin/catalog/categories/naissance", form: [("name_fr", "")], rule: .admin, allowed: .unprocessableContent),
            Route(method: .get, path: "/admin/catalog", form: [], rule: .editors, allowed: .ok),
            Route(method: .get, path: "/admin/catalog/new", form: [], rule: .editors, allowed: .ok),
            Route(method: .post, path: "/admin/catalog/new", form: [("id", ""), ("title_fr", "")], rule: .editors, allowed: .unprocessableContent),
            Route(method: .get, path: procedure, form: [], rule: .ownEditors, allowed: .ok),
            Route(method: .post, path: procedure, form: [("revision", "0"), ("title_fr", "")], rule: .ownEditors, allowed: .unprocessableContent),
            Route(method: .get, path: procedure + "/steps/0/0", form: [], rule: .ownEditors, allowed: .ok),
            Route(
                method: .post, path: procedure + "/steps/0/0", form: [("revision", "0"), ("title_fr", "")], rule: .ownEditors,
                allowed: .unprocessableContent),
            Route(method: .get, path: procedure + "/steps/new?block=0", form: [], rule: .ownEditors, allowed: .ok),
            Route(method: .post, path: procedure + "/steps/0/0/up", form: [("revision", "0")], rule: .ownEditors, allowed: .badRequest),
            Route(method: .get, path: procedure + "/preview", form: [], rule: .ownEditors, allowed: .ok),
            Route(method: .post, path: procedure + "/publish", form: [("revision", "0")], rule: .ownEditors, allowed: .conflict),
            Route(method: .post, path: procedure + "/discard", form: [("revision", "0")], rule: .ownEditors, allowed: .notFound),
            Route(method: .get, path: procedure + "/history", form: [], rule: .ownEditors, allowed: .ok),
            Route(method: .get, path: procedure + "/diff?from=1&to=1", form: [], rule: .ownEditors, allowed: .ok),
        ]
    }

    static func expected(_ route: Route, _ caller: Caller, api: Bool) -> HTTPResponse.Status {
        guard caller != .signedOut else { return api ? .unauthorized : .seeOther }
        let allowed: Bool
        switch route.rule {
        case .anyone: allowed = true
        case .admin: allowed = caller == .administrator
        case .editors: allowed = [.administrator, .editorOwn, .editorOther].contains(caller)
        case .ownEditors: allowed = [.administrator, .editorOwn].contains(caller)
        }
        return allowed ? route.allowed : .forbidden
    }

    @Test func everyBackOfficeRouteForEveryCaller() async throws {
        try await TestApp.withClient(seed: .demo) { client, components in
            let target = try await TestApp.createUser(components, role: .analyst)
            let (token, _) = try await components.accounts.createToken(name: "table", role: .analyst, institution: nil, origin: .init(actor: "test"))
            let routes = Self.pageRoutes(userId: target.id, tokenId: token.id)
            var failures: [String] = []
            for caller in Caller.allCases {
                let browser: TestSession
                if let role = caller.role {
                    browser = try await TestApp.signedIn(client, components, role: role, institutions: caller.institutions)
                } else {
                    browser = TestSession(client: client)
                    try await browser.get(AccountsRoute.signIn.path())
                }
                for route in routes {
                    if route.method == .post { try await browser.get(route.method == .post ? "/admin/account/password" : route.path) }
                    let response = route.method == .get ? try await browser.get(route.path) : try await browser.post(route.path, form: route.form)
                    let want = Self.expected(route, caller, api: false)
                    if response.status != want {
                        failures.append("\(route.method) \(route.path) as \(caller): \(response.status.code), expected \(want.code)")
                    }
                    if caller == .signedOut, response.status == .seeOther {
                        #expect(response.headers[.location]?.hasPrefix(AccountsRoute.signIn.path()) == true)
                    }
                }
            }
            #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
            // Nothing of the refused or invalid writes changed the catalogue or the users.
            #expect(try await ProcedureEditor(database: components.database.db).drafts().isEmpty)
        }
    }

    @Test func everyAPIWriteForEveryToken() async throws {
        try await TestApp.withClient(seed: .demo) { client, components in
            let published = try await client.executeRequest(uri: "/api/v1/procedures/sn-declaration-naissance", method: .get, headers: [:], body: nil)
            // The detail adds computed fields; the writable procedure is what the draft endpoint gives.
            _ = published
            let editor = ProcedureEditor(database: components.database.db)
            let procedure = try #require(try await editor.published("sn-declaration-naissance"))
            let body = ByteBuffer(data: try JSONEncoder().encode(procedure))
            struct Call {
                let method: HTTPRequest.Method
                let path: String
                let body: ByteBuffer?
                let ifMatch: String?
                let allowed: HTTPResponse.Status
            }
            let base = "/api/v1/procedures/sn-declaration-naissance"
            let calls = [
                Call(method: .get, path: base + "/draft", body: nil, ifMatch: nil, allowed: .ok),
                Call(method: .put, path: base + "/draft", body: body, ifMatch: "\"999\"", allowed: .conflict),
                Call(method: .delete, path: base + "/draft", body: nil, ifMatch: "\"0\"", allowed: .notFound),
                Call(method: .post, path: base + "/publish", body: nil, ifMatch: nil, allowed: .conflict),
            ]
            var failures: [String] = []
            for caller in Caller.allCases {
                var secret: String?
                if let role = caller.role {
                    let (_, value) = try await components.accounts.createToken(
                        name: caller.rawValue, role: role, institution: caller.institutions.first, origin: .init(actor: "test"))
                    secret = value
                }
                for call in calls {
                    var headers: HTTPFields = [.contentType: "application/json"]
                    if let secret { headers[.authorization] = "Bearer \(secret)" }
                    if let ifMatch = call.ifMatch { headers[.ifMatch] = ifMatch }
                    let response = try await client.executeRequest(uri: call.path, method: call.method, headers: headers, body: call.body)
                    let rule: Rule = .ownEditors
                    let want = Self.expected(
                        Route(method: call.method, path: call.path, form: [], rule: rule, allowed: call.allowed), caller, api: true)
                    if response.status != want {
                        failures.append("\(call.method) \(call.path) as \(caller): \(response.status.code), expected \(want.code)")
                    }
                }
            }
            // A revoked token and a made-up one are refused.
            let (revoked, revokedSecret) = try await components.accounts.createToken(
                name: "old", role: .administrator, institution: nil, origin: .init(actor: "test"))
            try await components.accounts.revokeToken(id: revoked.id, origin: .init(actor: "test"))
            for bad in [revokedSecret, "gch_nothing_here", "not-even-a-token"] {
                let response = try await client.executeRequest(
                    uri: base + "/draft", method: .get, headers: [.authorization: "Bearer \(bad)"], body: nil)
                if response.status != .unauthorized { failures.append("token \(bad.prefix(8))…: \(response.status.code)") }
            }
            #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
            #expect(try await editor.drafts().isEmpty)
        }
    }
}

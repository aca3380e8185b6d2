// SPDX-License-Identifier: MPL-2.0
import Accounts
import Audit
import Foundation
import GuichetApp
import GuichetCore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore

/// A browser as the tests drive it: it keeps the session and CSRF cookies, and finds the CSRF token in the last page
/// it read, as a real browser's form would carry it.
package final class TestSession: @unchecked Sendable {
    package let client: any TestClientProtocol
    package var cookies: [String: String] = [:]
    package var csrf: String?
    /// Sent as `X-Forwarded-For` (the test application trusts it): lets tests act from several addresses.
    package var address = "192.0.2.10"

    package init(client: any TestClientProtocol) {
        self.client = client
    }

    package var cookieHeader: String { cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }

    func headers(_ extra: HTTPFields = [:]) -> HTTPFields {
        var headers = extra
        if !cookies.isEmpty { headers[.cookie] = cookieHeader }
        headers[.xForwardedFor] = address
        return headers
    }

    func remember(_ response: TestResponse) {
        for field in response.headers where field.name == .setCookie {
            let pair = field.value.split(separator: ";", maxSplits: 1)[0]
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { continue }
            let name = String(parts[0])
            if parts[1].isEmpty || field.value.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = String(parts[1]) }
        }
        if let token = Self.csrfToken(in: response.text) { csrf = token }
    }

    package static func csrfToken(in html: String) -> String? {
        guard let range = html.range(of: "name=\"_csrf\" value=\"") else { return nil }
        let rest = html[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    @discardableResult
    package func get(_ path: String, headers extra: HTTPFields = [:]) async throws -> TestResponse {
        let response = try await client.executeRequest(uri: path, method: .get, headers: headers(extra), body: nil)
        remember(response)
        return response
    }

    /// A form post carrying the CSRF token of the last page read (unless `csrf` is given, e.g. a wrong one, or `nil` via `withToken: false`).
    @discardableResult
    package func post(_ path: String, form: [(String, String)], withToken: Bool = true, token: String? = nil) async throws -> TestResponse {
        var fields = form
        if withToken, let value = token ?? csrf { fields.append(("_csrf", value)) }
        let body = fields.map { "\(FormQuery.encode($0.0))=\(FormQuery.encode($0.1))" }.joined(separator: "&")
        let response = try await client.executeRequest(
            uri: path, method: .post, headers: headers([.contentType: "application/x-www-form-urlencoded"]), body: ByteBuffer(string: body))
        remember(response)
        return response
    }

    /// A `multipart/form-data` post (file uploads): text fields, then files as (field, file name, bytes).
    @discardableResult
    package func postMultipart(_ path: String, fields: [(String, String)], files: [(String, String, [UInt8])]) async throws -> TestResponse {
        let boundary = "----guichet-test-\(UUID().uuidString)"
        var body = ByteBuffer()
        var all = fields
        if let csrf { all.insert(("_csrf", csrf), at: 0) }
        for (name, value) in all {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        for (name, filename, bytes) in files {
            body.writeString(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            body.writeBytes(bytes)
            body.writeString("\r\n")
        }
        body.writeString("--\(boundary)--\r\n")
        let response = try await client.executeRequest(
            uri: path, method: .post, headers: headers([.contentType: "multipart/form-data; boundary=\(boundary)"]), body: body)
        remember(response)
        return response
    }

    /// Reads the sign-in page (for its CSRF token), then signs in.
    @discardableResult
    package func signIn(email: String, password: String) async throws -> TestResponse {
        try await get(AccountsRoute.signIn.path())
        let response = try await post(AccountsRoute.signIn.path(), form: [("email", email), ("password", password)])
        // The next page read gives the session's own CSRF token.
        if response.status == .seeOther { try await get(AccountsRoute.home.path()) }
        return response
    }
}

extension TestApp {
    package struct TestUser: Sendable {
        package var id: String
        package var email: String
        package var password: String
        package var role: Role
    }

    /// A user created directly through the account service (audited as `test`).
    package static func createUser(
        _ components: AppComponents, role: Role, institutions: [String] = [], centres: [String] = [], email: String? = nil
    ) async throws -> TestUser {
        let email = email ?? "\(role.rawValue)-\(UUID().uuidString.prefix(8).lowercased())@test.example"
        let password = "test-password-\(UUID().uuidString.prefix(6))"
        let user = try await components.accounts.createUser(
            .init(email: email, name: "Test \(role.rawValue)", role: role, institutions: institutions, centres: centres, password: password),
            origin: ActionOrigin(actor: "test"))
        return TestUser(id: user.id, email: email, password: password, role: role)
    }

    /// A new browser signed in as a new user of `role`.
    package static func signedIn(
        _ client: any TestClientProtocol, _ components: AppComponents, role: Role, institutions: [String] = [], centres: [String] = []
    ) async throws -> TestSession {
        let user = try await createUser(components, role: role, institutions: institutions, centres: centres)
        let session = TestSession(client: client)
        let response = try await session.signIn(email: user.email, password: user.password)
        guard response.status == .seeOther else { throw SignInFailed(status: response.status) }
        return session
    }
}

/// A test helper's sign-in did not succeed.
package struct SignInFailed: Error, CustomStringConvertible {
    package let status: HTTPResponse.Status

    package var description: String { "sign-in failed in a test helper: \(status)" }
}

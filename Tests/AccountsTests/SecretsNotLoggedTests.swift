// SPDX-License-Identifier: MPL-2.0
import Accounts
import Foundation
import GuichetApp
import GuichetCore
import GuichetTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Everything the server logs (at trace level, SQL included) while people sign in, change passwords and use tokens:
/// no password, session id, CSRF token or API token may appear in it.
@Suite struct SecretsNotLoggedTests {
    @Test func noSecretInTheLogs() async throws {
        let captured = CapturedLog()
        let secrets = try await TestApp.withClient(seed: .demo, logger: captured.logger()) { client, components in
            var secrets: [String] = []
            let user = try await TestApp.createUser(components, role: .catalogEditor, institutions: ["sn-centre-etat-civil"])
            secrets.append(user.password)
            let browser = TestSession(client: client)
            try await browser.signIn(email: user.email, password: "a-wrong-password-\(UUID().uuidString.prefix(4))")
            try await browser.signIn(email: user.email, password: user.password)
            secrets.append(try #require(browser.cookies[SessionCookie.name]))
            secrets.append(try #require(browser.csrf))
            try await browser.get("/admin/account/password")
            let newPassword = "another passphrase \(UUID().uuidString.prefix(6))"
            try await browser.post(
                "/admin/account/password", form: [("current", user.password), ("password", newPassword), ("confirmation", newPassword)])
            secrets.append(newPassword)
            let (_, token) = try await components.accounts.createToken(
                name: "client", role: .catalogEditor, institution: "sn-centre-etat-civil", origin: .init(actor: "test"))
            secrets.append(token)
            let api = try await client.executeRequest(
                uri: "/api/v1/procedures/sn-declaration-naissance/draft", method: .get, headers: [.authorization: "Bearer \(token)"], body: nil)
            #expect(api.status == .ok)
            let bad = try await client.executeRequest(
                uri: "/api/v1/procedures/sn-declaration-naissance/draft", method: .get, headers: [.authorization: "Bearer \(token)x"], body: nil)
            #expect(bad.status == .unauthorized)
            secrets.append(token + "x")
            return secrets
        }
        let text = captured.text
        if let path = ProcessInfo.processInfo.environment["GUICHET_LOG_DUMP"] { try? text.write(toFile: path, atomically: true, encoding: .utf8) }
        #expect(text.count > 1000, "the capture must hold the server's log lines (\(text.count) characters)")
        #expect(text.contains("/admin/sign-in"), "request lines are logged")
        for secret in secrets {
            #expect(!text.contains(secret), "a secret appears in the logs")
        }
        #expect(!text.lowercased().contains("password="))
    }
}

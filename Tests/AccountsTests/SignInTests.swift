// SPDX-License-Identifier: MPL-2.0
import Accounts
import Audit
import FluentKit
import Foundation
import GuichetApp
import GuichetCore
import GuichetTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import Testing

@Suite struct SignInTests {
    @Test func signInRotatesTheSessionAndSignOutEndsIt() async throws {
        try await TestApp.withClient(seed: .demo) { client, components in
            let user = try await TestApp.createUser(components, role: .catalogEditor, institutions: ["sn-centre-etat-civil"])
            let browser = TestSession(client: client)
            // A signed-out visitor of the back office goes to the sign-in page, keeping only the path.
            let home = try await browser.get("/admin/users")
            #expect(home.status == .seeOther)
            #expect(home.headers[.location] == "/admin/sign-in?next=%2Fadmin%2Fusers")

            let first = try await browser.signIn(email: user.email, password: user.password)
            #expect(first.status == .seeOther)
            let cookie = try #require(browser.cookies[SessionCookie.name])
            let setCookie = first.headers[values: .setCookie].joined(separator: "\n")
            #expect(setCookie.contains("HttpOnly"))
            #expect(setCookie.contains("SameSite=Strict"))
            // The session id is never stored as such.
            let stored = try await (components.database.db as! any SQLDatabase).raw("SELECT id_hash FROM sessions").all()
            #expect(stored.count == 1)
            #expect(try stored[0].decode(column: "id_hash", as: String.self) != cookie)

            // Signing in again from the same browser gives a new id and ends the old session.
            let second = try await browser.signIn(email: user.email, password: user.password)
            #expect(second.status == .seeOther)
            let rotated = try #require(browser.cookies[SessionCookie.name])
            #expect(rotated != cookie)
            #expect(try await (components.database.db as! any SQLDatabase).raw("SELECT id_hash FROM sessions").all().count == 1)
            let old = TestSession(client: client)
            old.cookies[SessionCookie.name] = cookie
            #expect(try await old.get("/admin").status == .seeOther)

            #expect(try await browser.get("/admin").status == .ok)
            let out = try await browser.post(AccountsRoute.signOut.path(), form: [])
            #expect(out.status == .seeOther)
            #expect(try await browser.get("/admin").status == .seeOther)
            let actions = try await AuditLog.records(on: components.database.db).map(\.entry.action)
            #expect(actions.filter { $0 == "auth.sign_in" }.count == 2)
            #expect(actions.contains("auth.sign_out"))
        }
    }

    @Test func wrongPasswordAndUnknownEmailGetTheSameAnswer() async throws {
        try await TestApp.withClient { client, components in
            let user = try await TestApp.createUser(components, role: .analyst)
            let browser = TestSession(client: client)
            try await browser.get(AccountsRoute.signIn.path())
            let wrong = try await browser.post(AccountsRoute.signIn.path(), form: [("email", user.email), ("password", "not-the-password")])
            let unknown = try await browser.post(
                AccountsRoute.signIn.path(), form: [("email", "nobody@test.example"), ("password", "not-the-password")])
            #expect(wrong.status == .unauthorized)
            #expect(unknown.status == .unauthorized)
            func message(_ html: String) -> String? {
                html.range(of: "<span class=\"error\" id=\"email-error\">").map { range in
                    String(html[range.upperBound...].prefix { $0 != "<" })
                }
            }
            #expect(message(wrong.text) != nil)
            #expect(message(wrong.text) == message(unknown.text))
            #expect(browser.cookies[SessionCookie.name] == nil)
            let failed = try await AuditLog.records(on: components.database.db).filter { $0.entry.action == "auth.sign_in_failed" }
            #expect(failed.count == 2)
            #expect(failed.allSatisfy { $0.entry.address == "192.0.2.10" })
        }
    }

    @Test func fiveFailuresLockTheAccountAndTheAddress() async throws {
        try await TestApp.withClient { client, components in
            let user = try await TestApp.createUser(components, role: .analyst)
            let attacker = TestSession(client: client)
            try await attacker.get(AccountsRoute.signIn.path())
            for _ in 0..<5 {
                let response = try await attacker.post(AccountsRoute.signIn.path(), form: [("email", user.email), ("password", "guess-guess-guess")])
                #expect(response.status == .unauthorized)
            }
            // Now even the right password waits, from this address…
            let blocked = try await attacker.post(AccountsRoute.signIn.path(), form: [("email", user.email), ("password", user.password)])
            #expect(blocked.status == .tooManyRequests)
            #expect(attacker.cookies[SessionCookie.name] == nil)
            // …and for this account from another address.
            let owner = TestSession(client: client)
            owner.address = "198.51.100.7"
            let fromElsewhere = try await owner.signIn(email: user.email, password: user.password)
            #expect(fromElsewhere.status == .tooManyRequests)
            // Another account from the attacker's address is blocked too (5 failures counted per address).
            let other = try await TestApp.createUser(components, role: .analyst)
            let sameAddress = try await attacker.post(AccountsRoute.signIn.path(), form: [("email", other.email), ("password", other.password)])
            #expect(sameAddress.status == .tooManyRequests)
            // Once the window has passed, the right password works again.
            try await components.accounts.limiter.age(by: 3600)
            #expect(try await owner.signIn(email: user.email, password: user.password).status == .seeOther)
        }
    }

    @Test func idleAndAbsoluteExpiryEndTheSession() async throws {
        try await TestApp.withClient { client, components in
            let sql = components.database.db as! any SQLDatabase
            let browser = try await TestApp.signedIn(client, components, role: .analyst)
            #expect(try await browser.get("/admin").status == .ok)
            // Unused for 31 minutes: over.
            try await sql.raw("UPDATE sessions SET last_seen_at = last_seen_at - 1860").run()
            #expect(try await browser.get("/admin").status == .seeOther)
            #expect(try await sql.raw("SELECT id_hash FROM sessions").all().isEmpty)

            // Busy but signed in 13 hours ago: over as well.
            let busy = try await TestApp.signedIn(client, components, role: .analyst)
            try await sql.raw("UPDATE sessions SET created_at = created_at - 46800").run()
            #expect(try await busy.get("/admin").status == .seeOther)
        }
    }

    @Test func aMissingOrWrongCSRFTokenChangesNothing() async throws {
        try await TestApp.withClient { client, components in
            let admin = try await TestApp.signedIn(client, components, role: .administrator)
            try await admin.get(AccountsRoute.newUser.path())
            let form = [("email", "new.agent@test.example"), ("name", "New Agent"), ("role", "analyst")]
            let missing = try await admin.post(AccountsRoute.users.path(), form: form, withToken: false)
            #expect(missing.status == .forbidden)
            let wrong = try await admin.post(AccountsRoute.users.path(), form: form, token: String(repeating: "x", count: 43))
            #expect(wrong.status == .forbidden)
            // A visitor's own token is not the session's.
            let visitor = TestSession(client: client)
            try await visitor.get(AccountsRoute.signIn.path())
            let foreign = try await admin.post(AccountsRoute.users.path(), form: form, token: visitor.csrf)
            #expect(foreign.status == .forbidden)
            #expect(try await components.accounts.users().count == 1)
            let created = try await admin.post(AccountsRoute.users.path(), form: form)
            #expect(created.status == .ok)
            #expect(try await components.accounts.users().count == 2)
        }
    }

    @Test func passwordChangeAndAdministratorReset() async throws {
        try await TestApp.withClient { client, components in
            let user = try await TestApp.createUser(components, role: .analyst)
            let browser = TestSession(client: client)
            try await browser.signIn(email: user.email, password: user.password)
            let elsewhere = TestSession(client: client)
            try await elsewhere.signIn(email: user.email, password: user.password)
            try await browser.get(AccountsRoute.password.path())
            let short = try await browser.post(
                AccountsRoute.password.path(), form: [("current", user.password), ("password", "short"), ("confirmation", "short")])
            #expect(short.status == .unprocessableContent)
            #expect(short.text.contains("id=\"password-error\""))
            let changed = try await browser.post(
                AccountsRoute.password.path(),
                form: [("current", user.password), ("password", "a new long passphrase"), ("confirmation", "a new long passphrase")])
            #expect(changed.status == .ok)
            // The other session ended; this one goes on.
            #expect(try await elsewhere.get("/admin").status == .seeOther)
            #expect(try await browser.get("/admin").status == .ok)

            // The administrator resets it: the user must choose a new one before anything else.
            let admin = try await TestApp.signedIn(client, components, role: .administrator)
            try await admin.get(AccountsRoute.user.path(user.id))
            let reset = try await admin.post(AccountsRoute.userReset.path(user.id), form: [])
            #expect(reset.status == .ok)
            #expect(reset.headers[.cacheControl] == "no-store")
            let temporary = try #require(
                reset.text.range(of: "<p class=\"secret\">").map { String(reset.text[$0.upperBound...].prefix { $0 != "<" }) })
            #expect(try await browser.get("/admin").status == .seeOther)
            let again = TestSession(client: client)
            let signIn = try await again.signIn(email: user.email, password: temporary)
            #expect(signIn.headers[.location] == AccountsRoute.password.path())
            let forced = try await again.get("/admin")
            #expect(forced.headers[.location] == AccountsRoute.password.path())
        }
    }
}

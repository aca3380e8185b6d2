// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetApp
import GuichetCore
import GuichetTesting
import HummingbirdTesting
import NIOCore
import Testing

/// PostgreSQL's text cannot hold U+0000: a NUL that reached it was a 500 (the route fuzz found it in the sign-in,
/// kiosk, remote ticket, appointment, application and need forms and the ticket and application API).
@Suite struct NULCharacterTests {
    @Test func aNULIsRefusedInAQueryAFormAndAJSONBody() async throws {
        try await TestApp.withClient(seed: .demo) { client, _ in
            let page = try await client.executeRequest(uri: "/search?q=acte%00", method: .get, headers: [:], body: nil)
            #expect(page.status == .badRequest)
            #expect(page.text.contains("NUL"))
            let search = try await client.executeRequest(uri: "/api/v1/search?q=acte%00", method: .get, headers: [:], body: nil)
            #expect(search.status == .badRequest)
            #expect(search.text.contains("\"bad_character\""))

            let visitor = TestSession(client: client)
            try await visitor.get("/admin/sign-in")
            let signIn = try await visitor.post("/admin/sign-in", form: [("email", "a\u{0}@example.org"), ("password", "x")])
            #expect(signIn.status == .badRequest)

            let json = [#"{"procedure":"sn-extrait-acte-naissance","answers":{"x":"a\u0000"},"submit":false}"#, "{\"procedure\":\"sn\u{0}\"}"]
            for body in json {
                let response = try await client.executeRequest(
                    uri: "/api/v1/applications", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body))
                #expect(response.status == .badRequest, "\(body)")
                #expect(response.text.contains("\"bad_character\"") || response.text.contains("\"bad_json\""), "\(body)")
            }
            // `\\u0000` is a backslash then text, not a NUL: the answer is read (and refused as a field the form lacks).
            let text = try await client.executeRequest(
                uri: "/api/v1/applications", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"procedure":"sn-extrait-acte-naissance","answers":{"x":"a\\u0000"},"submit":false}"#))
            #expect(text.status == .unprocessableContent)
        }
    }

    @Test func escapesAreFollowedWhenLookingForANUL() {
        #expect(NULCharacter.inJSON(Array(#"{"a":"\u0000"}"#.utf8)))
        #expect(NULCharacter.inJSON(Array(#"{"\u0000":1}"#.utf8)))
        #expect(NULCharacter.inJSON(Array(#"{"a":"\\\u0000"}"#.utf8)))
        #expect(!NULCharacter.inJSON(Array(#"{"a":"\\u0000"}"#.utf8)))
        #expect(!NULCharacter.inJSON(Array(#"{"a":"\u00001"}"#.utf8.dropLast(5))))
        #expect(!NULCharacter.inJSON(Array(#"{"a":"\u0001","b":"u0000"}"#.utf8)))
        #expect(NULCharacter.inEncoded("q=a%00b"))
        #expect(!NULCharacter.inEncoded("q=a%200&b=%300"))
    }
}

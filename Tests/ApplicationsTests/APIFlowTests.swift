// SPDX-License-Identifier: MPL-2.0
import Audit
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

@Suite struct APIFlowTests {
    static let answers: [String: String] = [
        "requester": "self", "requester_name": "Api Person", "last_name": "APITEST", "first_names": "Binta", "birth_date": "2001-05-06",
        "birth_place": "Thiès", "registry_centre": "Thiès", "mother_name": "Mother Apitest", "phone": "+221770000001", "copies": "2",
    ]

    static func create(_ client: any TestClientProtocol, key: String, body: [String: Any]) async throws -> TestResponse {
        try await create(client, key: key, bytes: try Apply.jsonBody(body))
    }

    static func create(_ client: any TestClientProtocol, key: String, bytes: ByteBuffer) async throws -> TestResponse {
        try await client.execute(
            uri: ApplicationsRoute.api.path(), method: .post, headers: [.contentType: "application/json", HTTPField.Name("Idempotency-Key")!: key],
            body: bytes
        ) { $0 }
    }

    /// The same Idempotency-Key twice (and many times at once) makes one application. An anonymous caller's key is
    /// scoped to the request's meaning: the same key with another body is another request, never someone else's answer.
    @Test func retriesNeverDuplicate() async throws {
        try await Apply.withApp { client, components in
            let body: [String: Any] = ["procedure": Apply.extract, "answers": Self.answers, "submit": false]
            let first = try await Self.create(client, key: "key-0001-abcdefgh", body: body)
            #expect(first.status == .created)
            let created = try Apply.json(first)
            let again = try await Self.create(client, key: "key-0001-abcdefgh", body: body)
            #expect(again.status == .ok)
            #expect(try Apply.json(again)["reference"] as? String == created["reference"] as? String)
            #expect(try Apply.json(again)["pin"] as? String == created["pin"] as? String)
            var other = body
            other["answers"] = Self.answers.merging(["copies": "3"]) { $1 }
            let reused = try await Self.create(client, key: "key-0001-abcdefgh", body: other)
            #expect(reused.status == .created)
            #expect(try Apply.json(reused)["reference"] as? String != created["reference"] as? String)
            #expect(try Apply.json(reused)["pin"] == nil || (try Apply.json(reused)["pin"] as? String) != nil)
            // Too short, too long or not visible ASCII: a 400 naming the header.
            for bad in ["short-key", String(repeating: "k", count: 129), "clé-avec-accents-123"] {
                let answer = try await Self.create(client, key: bad, body: body)
                #expect(answer.status == .badRequest)
                #expect((try Apply.json(answer)["error"] as? [String: Any])?["field"] as? String == "Idempotency-Key")
            }
            // Twenty retries of one request racing each other: still one row.
            let bytes = try Apply.jsonBody(body)
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<20 { group.addTask { Int(try await Self.create(client, key: "key-race-12345678", bytes: bytes).status.code) } }
                var codes: [Int] = []
                for try await code in group { codes.append(code) }
                #expect(codes.filter { $0 == 201 }.count == 1, "\(codes)")
                #expect(codes.allSatisfy { $0 == 201 || $0 == 200 }, "\(codes)")
            }
            let rows = try await components.database.sql.raw("SELECT COUNT(*) AS n FROM applications").first()?.decode(column: "n", as: Int.self)
            #expect(rows == 3)
            #expect(try await Self.create(client, key: "", body: body).status == .badRequest)
        }
    }

    @Test func draftUploadSubmitTrackAndAgentActions() async throws {
        try await Apply.withApp { client, components in
            let created = try Apply.json(
                try await Self.create(client, key: "flow-key-00000001", body: ["procedure": Apply.extract, "answers": Self.answers, "submit": false]))
            let reference = try #require(created["reference"] as? String)
            let pin = try #require(created["pin"] as? String)
            #expect(created["status"] as? String == "draft")
            // Submitting without the required file names it.
            let early = try await client.execute(
                uri: ApplicationsRoute.apiSubmit.path(reference), method: .post, headers: [HTTPField.Name("X-Tracking-Pin")!: pin]
            ) { $0 }
            #expect(early.status == .unprocessableContent)
            #expect((try Apply.json(early)["error"] as? [String: Any])?["field"] as? String == "record_proof")
            // A text file passed off as a PDF is refused by its content.
            let fake = try await client.execute(
                uri: ApplicationsRoute.apiFile.path(reference, "record_proof"), method: .put, headers: [HTTPField.Name("X-Tracking-Pin")!: pin],
                body: ByteBuffer(string: "just text, named .pdf")
            ) { $0 }
            #expect(fake.status == .unsupportedMediaType)
            let upload = try await client.execute(
                uri: ApplicationsRoute.apiFile.path(reference, "record_proof"), method: .put,
                headers: [HTTPField.Name("X-Tracking-Pin")!: pin, HTTPField.Name("X-File-Name")!: "../../etc/passwd.pdf"],
                body: ByteBuffer(bytes: Apply.pdf)
            ) { $0 }
            #expect(upload.status == .created)
            #expect(try Apply.json(upload)["name"] as? String == "passwd.pdf")
            let wrongPin = try await client.execute(
                uri: ApplicationsRoute.apiSubmit.path(reference), method: .post, headers: [HTTPField.Name("X-Tracking-Pin")!: "000000"]
            ) { $0 }
            #expect(wrongPin.status == .unprocessableContent || pin == "000000")
            let submitted = try await client.execute(
                uri: ApplicationsRoute.apiSubmit.path(reference), method: .post, headers: [HTTPField.Name("X-Tracking-Pin")!: pin]
            ) { $0 }
            #expect(submitted.status == .ok)
            #expect(try Apply.json(submitted)["govstackStatus"] as? String == "PENDING")
            let tracked = try await client.execute(
                uri: ApplicationsRoute.apiTrack.path(), method: .post, headers: [.contentType: "application/json"],
                body: try Apply.jsonBody(["reference": reference, "pin": pin])
            ) { $0 }
            #expect(tracked.status == .ok)
            #expect(!tracked.text.contains("APITEST") && !tracked.text.contains("770000001"))

            // A back-office token of the institution lists, reads (audited) and acts with If-Match.
            let (_, token) = try await components.accounts.createToken(
                name: "bo", role: .backOfficeAgent, institution: "sn-centre-etat-civil", origin: .init(actor: "test"))
            let auth: HTTPFields = [.authorization: "Bearer \(token)"]
            let list = try Apply.json(
                try await client.execute(uri: ApplicationsRoute.api.path() + "?status=submitted", method: .get, headers: auth) { $0 })
            #expect(list["total"] as? Int == 1)
            let read = try await client.execute(uri: ApplicationsRoute.apiItem.path(reference), method: .get, headers: auth) { $0 }
            #expect((try Apply.json(read)["answers"] as? [String: String])?["last_name"] == "APITEST")
            let etag = read.headers[.eTag] ?? ""
            var headers = auth
            headers[.contentType] = "application/json"
            headers[.ifMatch] = etag
            let approved = try await client.execute(
                uri: ApplicationsRoute.apiActions.path(reference), method: .post, headers: headers, body: try Apply.jsonBody(["action": "approve"])
            ) { $0 }
            #expect(approved.status == .ok)
            #expect(try Apply.json(approved)["status"] as? String == "document_issued")
            // The same revision again: someone acted since, a 409.
            let stale = try await client.execute(
                uri: ApplicationsRoute.apiActions.path(reference), method: .post, headers: headers,
                body: try Apply.jsonBody(["action": "reject", "note": "x"])
            ) { $0 }
            #expect(stale.status == .conflict)
            var noMatch = headers
            noMatch[.ifMatch] = nil
            #expect(
                try await client.execute(
                    uri: ApplicationsRoute.apiActions.path(reference), method: .post, headers: noMatch, body: try Apply.jsonBody(["action": "reject"])
                ) { $0 }.status == .preconditionRequired)
            // Another institution's token does not see it.
            let (_, other) = try await components.accounts.createToken(
                name: "tg", role: .backOfficeAgent, institution: "tg-centres-etat-civil", origin: .init(actor: "test"))
            #expect(
                try await client.execute(uri: ApplicationsRoute.apiItem.path(reference), method: .get, headers: [.authorization: "Bearer \(other)"]) {
                    $0
                }.status == .notFound)
            let otherList = try Apply.json(
                try await client.execute(uri: ApplicationsRoute.api.path(), method: .get, headers: [.authorization: "Bearer \(other)"]) { $0 })
            #expect(otherList["total"] as? Int == 0)
            // No token: 401; a catalogue editor's token: 403.
            #expect(try await client.execute(uri: ApplicationsRoute.api.path(), method: .get) { $0 }.status == .unauthorized)
            let (_, editor) = try await components.accounts.createToken(
                name: "ed", role: .catalogEditor, institution: "sn-centre-etat-civil", origin: .init(actor: "test"))
            #expect(
                try await client.execute(uri: ApplicationsRoute.api.path(), method: .get, headers: [.authorization: "Bearer \(editor)"]) { $0 }.status
                    == .forbidden)
            let opened = try await AuditLog.records(on: components.database.db).filter { $0.entry.action == "application.opened" }
            #expect(opened.count == 1)
        }
    }

    @Test func wrongPinsAreRateLimited() async throws {
        try await Apply.withApp { client, _ in
            let created = try Apply.json(
                try await Self.create(client, key: "pin-key-000000001", body: ["procedure": Apply.extract, "answers": Self.answers, "submit": false]))
            let reference = try #require(created["reference"] as? String)
            let pin = try #require(created["pin"] as? String)
            let wrong = pin == "111111" ? "222222" : "111111"
            for _ in 0..<5 {
                let response = try await client.execute(
                    uri: ApplicationsRoute.apiTrack.path(), method: .post, headers: [.contentType: "application/json"],
                    body: try Apply.jsonBody(["reference": reference, "pin": wrong])
                ) { $0 }
                #expect(response.status == .unprocessableContent)
            }
            // Blocked now, even with the right PIN.
            let blocked = try await client.execute(
                uri: ApplicationsRoute.apiTrack.path(), method: .post, headers: [.contentType: "application/json"],
                body: try Apply.jsonBody(["reference": reference, "pin": pin])
            ) { $0 }
            #expect(blocked.status == .tooManyRequests)
        }
    }
}

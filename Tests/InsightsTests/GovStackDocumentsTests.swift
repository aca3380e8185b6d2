// SPDX-License-Identifier: MPL-2.0
import Applications
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

@testable import Insights

/// Documents and corrections through the GovStack API, over a live server: a document staged with `POST /documents` is
/// linked once to the application that names it (a form with a required document can be filed), an operator of the
/// institution reads it back; a sent-back application is corrected with `PUT /applications/{id}` and is PENDING again.
/// Every answer validates against the shared specification's schemas.
@Suite struct GovStackDocumentsTests {
    static let prefix = GovStackTests.prefix
    static let institution = "sn-centre-etat-civil"
    static let pdf = Array("%PDF-1.4\n% Guichet GovStack test\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".utf8)

    struct Answer {
        let status: Int
        let body: Any?
        var object: [String: Any] { body as? [String: Any] ?? [:] }
        var errorField: String? { (object["error"] as? [String: Any])?["field"] as? String }
        var errorCode: String? { (object["error"] as? [String: Any])?["code"] as? String }
    }

    static func send(
        _ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, json: Any? = nil, headers extra: HTTPFields = [:]
    ) async throws -> Answer {
        var headers = extra
        var body: ByteBuffer?
        if let json {
            headers[.contentType] = "application/json"
            body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json))
        }
        return try await client.execute(uri: prefix + uri, method: method, headers: headers, body: body) { response in
            Answer(status: Int(response.status.code), body: try? JSONSerialization.jsonObject(with: Data(buffer: response.body)))
        }
    }

    /// `POST /documents` with one `file` part (or the given parts).
    static func upload(
        _ client: some TestClientProtocol, _ bytes: [UInt8], name: String = "file", headers extra: HTTPFields = [:], parts: Int = 1
    ) async throws -> Answer {
        let boundary = "guichet-test-boundary"
        var body: [UInt8] = []
        for index in 0..<parts {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"piece-\(index).pdf\"\r\n".utf8)
            body += Array("Content-Type: application/octet-stream\r\n\r\n".utf8) + bytes + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        var headers = extra
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        return try await client.execute(uri: prefix + "/documents", method: .post, headers: headers, body: ByteBuffer(bytes: body)) { response in
            Answer(status: Int(response.status.code), body: try? JSONSerialization.jsonObject(with: Data(buffer: response.body)))
        }
    }

    static func count(_ sql: any SQLDatabase, _ query: SQLQueryString) async throws -> Int {
        // On PostgreSQL the audit events wait in `audit_pending` until chained: what is counted is the chain.
        if let database = sql as? any Database { try await AuditLog.chainPending(on: database) }
        return try await sql.raw(query).first()?.decode(column: "n", as: Int.self) ?? -1
    }

    /// A live server with the demo catalogue and forms.
    static func withLiveApp(
        configure: @escaping @Sendable (inout AppConfiguration) -> Void = { _ in },
        _ body: @escaping @Sendable (any TestClientProtocol, AppComponents) async throws -> Void
    ) async throws {
        try await TestApp.withComponents(seed: .demo, configure: configure) { components in
            try await ApplicationsDemo.seedForms(service: components.applications)
            let app = try GuichetApplication.buildApplication(components, logger: TestApp.logger, ownsDatabase: false)
            try await app.test(.live) { client in try await body(client, components) }
        }
    }

    /// An answer to each required typed field of a form, as its schema describes it (files left out).
    static func answers(_ client: some TestClientProtocol, service: String) async throws -> (formId: String, data: [String: Any]) {
        let forms = try await send(client, .get, "/services/\(service)/eForms")
        let formId = try #require((forms.body as? [[String: Any]])?.last?["eFormId"] as? String)
        let form = try await send(client, .get, "/eForms/\(formId)")
        let schema = try #require(form.object["schema"] as? [String: Any])
        let properties = try #require(schema["properties"] as? [String: [String: Any]])
        var data: [String: Any] = [:]
        for key in try #require(schema["required"] as? [String]) {
            let property = properties[key] ?? [:]
            let kind = property["x-guichet-kind"] as? String
            if kind == "file" { continue }
            let value: String
            if let choices = property["enum"] as? [String], let first = choices.first {
                value = first
            } else if kind == "date" {
                value = "1990-05-17"
            } else if kind == "phone" {
                value = "+221771234567"
            } else if kind == "number" {
                value = "1"
            } else {
                value = "GOVSTACK"
            }
            data[key] = ["value": value]
        }
        return (formId, data)
    }

    @Test func aFormWithARequiredDocumentIsFiledWithAStagedDocument() async throws {
        try await Self.withLiveApp { client, components in
            let registration = try GovStackTests.specification("registration-bb-openapi.json")
            let check = SchemaCheck(registration)
            let sql = components.database.sql
            let service = GovStackController.serviceId("sn-extrait-acte-naissance")
            let (formId, data) = try await Self.answers(client, service: service)

            // Staged: the answer validates against the specification; a wrong type, no part, two parts, not multipart: refused.
            let uploaded = try await Self.upload(client, Self.pdf)
            #expect(uploaded.status == 200, "\(String(describing: uploaded.body))")
            let uploadSchema = try GovStackTests.responseSchema(registration, path: "/documents", method: "post")
            #expect(check.problems(uploaded.body, uploadSchema) == [])
            let url = try #require(uploaded.object["url"] as? String)
            #expect(url.hasPrefix(Self.prefix + "/documents/") && uploaded.object["type"] as? String == "application/pdf")
            #expect(try await Self.upload(client, Array("plain text, not a document".utf8)).status == 415)
            #expect(try await Self.upload(client, Self.pdf, name: "other").status == 400)
            #expect(try await Self.upload(client, Self.pdf, parts: 2).status == 400)
            #expect(try await Self.send(client, .post, "/documents", json: ["file": "x"]).status == 415)
            // The same bytes as base64 text (the specification's `format: base64`) are the same document.
            let base64 = try await Self.upload(client, Array(Data(Self.pdf).base64EncodedString().utf8))
            #expect(base64.status == 200 && base64.object["type"] as? String == "application/pdf")
            let staged = try await Self.count(sql, "SELECT COUNT(*) AS n FROM staged_documents WHERE application_id IS NULL")
            #expect(staged == 2)
            #expect(try await Self.count(sql, "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'document.staged'") == 2)

            // Without the required document: a 422 naming it. With it (in documentUrls): filed, PENDING, the document on it.
            let missing = try await Self.send(
                client, .post, "/services/\(service)/applications",
                json: ["applicantId": "citizen-7", "formData": ["eFormId": formId, "data": data]])
            #expect(missing.status == 422 && missing.errorField == "record_proof")
            let body: [String: Any] = ["applicantId": "citizen-7", "formData": ["eFormId": formId, "data": data], "documentUrls": [url]]
            let filed = try await Self.send(client, .post, "/services/\(service)/applications", json: body)
            #expect(filed.status == 200, "\(String(describing: filed.body))")
            let fileSchema = try GovStackTests.responseSchema(registration, path: "/services/{serviceId}/applications", method: "post")
            #expect(check.problems(filed.body, fileSchema) == [])
            #expect((filed.object["status"] as? [String: Any])?["code"] as? String == "PENDING")
            let fileId = try #require(filed.object["fileId"] as? String)
            let record = try #require(try await components.applications.store.application(id: fileId))
            let stored = try await components.applications.store.files(fileId)
            #expect(record.status == .submitted && stored.map(\.field) == ["record_proof"] && stored.first?.mediaType == "application/pdf")
            #expect(stored.first?.sha256 == FileInspector.sha256(Self.pdf))
            #expect(try await Self.count(sql, "SELECT COUNT(*) AS n FROM staged_documents WHERE application_id = \(bind: fileId)") == 1)
            // The same request again is the same application, nothing linked twice.
            let again = try await Self.send(client, .post, "/services/\(service)/applications", json: body)
            #expect(again.status == 200 && again.object["fileId"] as? String == fileId)

            // The operator of the institution sees the document in the file and fetches it (audited); another institution does not.
            let (_, token) = try await components.accounts.createToken(
                name: "govstack", role: .backOfficeAgent, institution: Self.institution, origin: .init(actor: "test"))
            let auth: HTTPFields = [.authorization: "Bearer \(token)"]
            let read = try await Self.send(client, .get, "/applications/\(fileId)", headers: auth)
            #expect(check.problems(read.body, try GovStackTests.responseSchema(registration, path: "/applications/{fileId}")) == [])
            let urls = ((read.object["applicationData"] as? [String: Any])?["documentUrls"] as? [String]) ?? []
            #expect(urls == [Self.prefix + "/applications/\(fileId)/documents/record_proof"])
            let document = try #require(urls.first)
            let fetched = try await client.execute(uri: document, method: .get, headers: auth) { response in
                (response.status, Array(response.body.readableBytesView), response.headers[.contentType])
            }
            #expect(fetched.0 == .ok && fetched.1 == Self.pdf && fetched.2 == "application/pdf")
            let opened = try await Self.count(
                sql,
                "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'application.opened' AND entity_id = \(bind: fileId) AND summary LIKE '%record_proof%'"
            )
            #expect(opened == 1)
            #expect(try await client.execute(uri: document, method: .get) { $0.status } == .unauthorized)
            let (_, stranger) = try await components.accounts.createToken(
                name: "other", role: .backOfficeAgent, institution: "tg-centres-etat-civil", origin: .init(actor: "test"))
            #expect(try await client.execute(uri: document, method: .get, headers: [.authorization: "Bearer \(stranger)"]) { $0.status } == .notFound)

            // A linked document again (another applicant): 422 naming the field, nothing filed.
            let before = try await Self.count(sql, "SELECT COUNT(*) AS n FROM applications")
            var reuse = body
            reuse["applicantId"] = "citizen-8"
            let reused = try await Self.send(client, .post, "/services/\(service)/applications", json: reuse)
            #expect(reused.status == 422 && reused.errorField == "record_proof" && reused.errorCode == "document_linked")
            // Unknown (a well-formed id nobody gave, or not an address at all), another owner's, expired: 422 naming the field.
            reuse["documentUrls"] = [Self.prefix + "/documents/" + String(repeating: "A", count: 43)]
            let unknown = try await Self.send(client, .post, "/services/\(service)/applications", json: reuse)
            #expect(unknown.status == 422 && unknown.errorField == "record_proof" && unknown.errorCode == "document_unknown")
            reuse["documentUrls"] = ["https://example.org/x.pdf"]
            let foreign = try await Self.send(client, .post, "/services/\(service)/applications", json: reuse)
            #expect(foreign.status == 422 && foreign.errorField == "documentUrls[0]")
            let theirs = try await Self.upload(client, Self.pdf, headers: auth)
            reuse["documentUrls"] = [try #require(theirs.object["url"] as? String)]
            let notOwn = try await Self.send(client, .post, "/services/\(service)/applications", json: reuse)
            #expect(notOwn.status == 422 && notOwn.errorCode == "document_unknown")
            let second = try #require(base64.object["url"] as? String)
            try await sql.raw("UPDATE staged_documents SET expires_at = '2000-01-01T00:00:00Z' WHERE application_id IS NULL").run()
            var expiring = reuse
            expiring["documentUrls"] = []
            var answers = data
            answers["record_proof"] = ["value": second]
            expiring["formData"] = ["eFormId": formId, "data": answers]
            let expired = try await Self.send(client, .post, "/services/\(service)/applications", json: expiring)
            #expect(expired.status == 422 && expired.errorField == "record_proof" && expired.errorCode == "document_expired")
            #expect(try await Self.count(sql, "SELECT COUNT(*) AS n FROM applications") == before)

            // The next upload prunes the expired unlinked ones (audited); the linked one stays.
            #expect(try await Self.upload(client, Self.pdf).status == 200)
            #expect(try await Self.count(sql, "SELECT COUNT(*) AS n FROM staged_documents") == 2)
            #expect(try await Self.count(sql, "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'document.staged_pruned'") == 1)
        }
    }

    @Test func uploadsAreLimitedPerClient() async throws {
        try await Self.withLiveApp { client, components in
            var accepted = 0
            for _ in 0..<(GovStackDocuments.uploadsPerHour + 5) {
                let answer = try await Self.upload(client, Self.pdf)
                if answer.status == 200 {
                    accepted += 1
                } else {
                    #expect(answer.status == 429 && answer.errorCode == "too_many_requests")
                }
            }
            // One anonymous client (one address) stages so many an hour; nothing more was stored.
            #expect(accepted == GovStackDocuments.uploadsPerHour)
            #expect(try await Self.count(components.database.sql, "SELECT COUNT(*) AS n FROM staged_documents") == accepted)
        }
    }

    @Test func operatorsCorrectSentBackApplications() async throws {
        try await Self.withLiveApp(configure: GovStackTests.demo) { client, components in
            let registration = try GovStackTests.specification("registration-bb-openapi.json")
            let sql = components.database.sql
            let (_, token) = try await components.accounts.createToken(
                name: "govstack", role: .backOfficeAgent, institution: Self.institution, origin: .init(actor: "test"))
            let auth: HTTPFields = [.authorization: "Bearer \(token)"]
            let open = try await sql.raw(
                """
                SELECT id FROM applications WHERE institution_id = \(bind: Self.institution) AND procedure_id = 'sn-extrait-acte-naissance'
                AND status IN ('submitted', 'in_review') AND id NOT IN (SELECT application_id FROM application_files) ORDER BY id LIMIT 2
                """
            ).all(decodingColumn: "id", as: String.self)
            #expect(open.count == 2)
            let sentBackId = try #require(open.first)
            let pendingId = try #require(open.last)
            // The simulated applications have no files (the demo's five filed ones have theirs and are left out above, their
            // random ids came first now and then): this one gets its required document, as a real application has.
            try await sql.raw(
                """
                INSERT INTO application_files (application_id, field, name, media_type, size, sha256, uploaded_at)
                VALUES (\(bind: sentBackId), 'record_proof', 'piece.pdf', 'application/pdf', \(bind: Self.pdf.count),
                \(bind: FileInspector.sha256(Self.pdf)), '2026-12-01T10:00:00Z')
                """
            ).run()
            let sentBack = try await Self.send(
                client, .post, "/tasks/\(sentBackId)/complete",
                json: [
                    "data": [
                        "decision": ["value": "SENDBACK"], "note": ["value": "Nom mal écrit"],
                        "fields": ["value": "last_name"],
                    ]
                ], headers: auth)
            #expect(sentBack.status == 200)
            func row(_ id: String) async throws -> (status: String, revision: Int, answers: String) {
                let found = try await sql.raw("SELECT status, revision, answers FROM applications WHERE id = \(bind: id)").first()
                struct NoSuchApplication: Error {}
                guard let row = found else { throw NoSuchApplication() }
                return (
                    try row.decode(column: "status", as: String.self), try row.decode(column: "revision", as: Int.self),
                    try row.decode(column: "answers", as: String.self)
                )
            }
            let correction: [String: Any] = ["applicantId": "operator", "formData": ["data": ["last_name": ["value": "NDIAYE CORRIGÉ"]]]]

            // No token: 401. A pending application: 409. Another institution's: 404. A field not sent back, a wrong answer: 422.
            #expect(try await Self.send(client, .put, "/applications/\(sentBackId)", json: correction).status == 401)
            let pending = try await Self.send(client, .put, "/applications/\(pendingId)", json: correction, headers: auth)
            #expect(pending.status == 409 && pending.object["error"] != nil)
            let other = try #require(
                try await sql.raw("SELECT id FROM applications WHERE institution_id <> \(bind: Self.institution) AND status <> 'draft' LIMIT 1")
                    .first()?.decode(column: "id", as: String.self))
            #expect(try await Self.send(client, .put, "/applications/\(other)", json: correction, headers: auth).status == 404)
            let notSentBack = try await Self.send(
                client, .put, "/applications/\(sentBackId)", json: ["applicantId": "operator", "formData": ["data": ["first_names": "Awa"]]],
                headers: auth)
            #expect(notSentBack.status == 422 && notSentBack.errorField == "first_names")
            let tooLong = try await Self.send(
                client, .put, "/applications/\(sentBackId)",
                json: ["applicantId": "operator", "formData": ["data": ["last_name": String(repeating: "N", count: 81)]]], headers: auth)
            #expect(tooLong.status == 422 && tooLong.errorField == "last_name")
            let untouched = try await row(sentBackId)
            #expect(untouched.status == "action_required" && !untouched.answers.contains("CORRIG"))

            // The correction: PENDING again (as after the applicant's), the change and the audit there.
            let corrected = try await Self.send(client, .put, "/applications/\(sentBackId)", json: correction, headers: auth)
            #expect(corrected.status == 200, "\(String(describing: corrected.body))")
            let schema = try GovStackTests.responseSchema(registration, path: "/applications/{fileId}", method: "put")
            #expect(SchemaCheck(registration).problems(corrected.body, schema) == [])
            #expect((corrected.object["status"] as? [String: Any])?["code"] as? String == "PENDING")
            let after = try await row(sentBackId)
            #expect(["submitted", "in_review"].contains(after.status) && after.answers.contains("NDIAYE CORRIG"))
            #expect(after.revision == untouched.revision + 1)
            let audited = try await Self.count(
                sql,
                """
                SELECT COUNT(*) AS n FROM audit_events WHERE entity_id = \(bind: sentBackId) AND actor LIKE 'token:%'
                AND action IN ('application.corrected', 'application.resubmitted')
                """)
            #expect(audited == 2)
            let history = try await components.applications.store.events(sentBackId)
            #expect(history.last?.action == "resubmitted")

            // The same correction again: the same answer, no second change; another one now: 409.
            let retry = try await Self.send(client, .put, "/applications/\(sentBackId)", json: correction, headers: auth)
            #expect(retry.status == 200 && (retry.object["status"] as? [String: Any])?["code"] as? String == "PENDING")
            #expect(try await row(sentBackId).revision == after.revision)
            #expect(
                try await Self.count(
                    sql, "SELECT COUNT(*) AS n FROM audit_events WHERE entity_id = \(bind: sentBackId) AND action = 'application.corrected'") == 1)
            let different = try await Self.send(
                client, .put, "/applications/\(sentBackId)",
                json: ["applicantId": "operator", "formData": ["data": ["last_name": "SOW"]]], headers: auth)
            #expect(different.status == 409)
        }
    }

    /// A sent-back document is replaced by a staged one of the operator's token.
    @Test func aSentBackDocumentIsReplacedWithAStagedOne() async throws {
        try await Self.withLiveApp(configure: GovStackTests.demo) { client, components in
            let sql = components.database.sql
            let (_, token) = try await components.accounts.createToken(
                name: "govstack", role: .backOfficeAgent, institution: Self.institution, origin: .init(actor: "test"))
            let auth: HTTPFields = [.authorization: "Bearer \(token)"]
            let id = try #require(
                try await sql.raw(
                    """
                    SELECT id FROM applications WHERE institution_id = \(bind: Self.institution) AND procedure_id = 'sn-extrait-acte-naissance'
                    AND status IN ('submitted', 'in_review') ORDER BY id LIMIT 1
                    """
                ).first()?.decode(column: "id", as: String.self))
            let sentBack = try await Self.send(
                client, .post, "/tasks/\(id)/complete",
                json: ["data": ["decision": ["value": "SENDBACK"], "note": ["value": "Pièce illisible"], "fields": ["value": "record_proof"]]],
                headers: auth)
            #expect(sentBack.status == 200)
            // An anonymous upload is not the operator's: refused; the operator's own is linked.
            let anonymous = try #require(try await Self.upload(client, Self.pdf).object["url"] as? String)
            let refused = try await Self.send(
                client, .put, "/applications/\(id)", json: ["applicantId": "operator", "documentUrls": [anonymous]], headers: auth)
            #expect(refused.status == 422 && refused.errorField == "record_proof")
            let own = try #require(try await Self.upload(client, Self.pdf, headers: auth).object["url"] as? String)
            let corrected = try await Self.send(
                client, .put, "/applications/\(id)", json: ["applicantId": "operator", "documentUrls": [own]], headers: auth)
            #expect(corrected.status == 200, "\(String(describing: corrected.body))")
            let stored = try await components.applications.store.files(id)
            #expect(stored.first { $0.field == "record_proof" }?.sha256 == FileInspector.sha256(Self.pdf))
            #expect(try await Self.count(sql, "SELECT COUNT(*) AS n FROM staged_documents WHERE application_id = \(bind: id)") == 1)
        }
    }
}

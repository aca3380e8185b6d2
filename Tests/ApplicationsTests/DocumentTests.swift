// SPDX-License-Identifier: MPL-2.0
import Audit
import Catalog
import Crypto
import Foundation
import GuichetApp
import GuichetCore
import GuichetTesting
import Hummingbird
import HummingbirdTesting
import SQLKit
import Testing

@testable import Applications

@Suite struct DocumentTests {
    static let admin = Principal(kind: .session, id: "test-admin", displayName: "Test", role: .administrator)

    /// An approved application through the service: (application id, document code).
    static func issue(_ components: AppComponents, key: String) async throws -> (String, String) {
        let service = components.applications
        let procedure = try #require(try await CatalogRepository(database: components.database.db).procedures(ids: [Apply.extract]).first)
        let form = try #require(try await service.forms.current(procedure: procedure.id))
        let (record, _) = try await service.submissions.create(
            .init(
                procedure: procedure, form: form, answers: APIFlowTests.answers, submit: false, scope: "test", idempotencyKey: key, requestHash: key,
                filing: .init(channel: .api)), origin: .init(actor: "test"))
        try await service.drafts.attach(
            record, field: try #require(form.definition.field("record_proof")), filename: "a.pdf", bytes: Apply.pdf, origin: .init(actor: "test"))
        guard
            case .submitted(let submitted) = try await service.submissions.submit(
                applicationId: record.id, expectedRevision: record.revision + 1, origin: .init(actor: "test"))
        else {
            Issue.record("not submitted")
            throw AppError.conflict()
        }
        _ = try await service.casework.act(
            submitted, .init(action: .approve, expectedRevision: submitted.revision), principal: admin, origin: .init(actor: "test"))
        let document = try #require(try await service.store.document(applicationId: record.id))
        return (record.id, document.code)
    }

    @Test func validTamperedRevokedAndRotated() async throws {
        try await Apply.withApp { client, components in
            let sql = components.database.sql
            let (id, code) = try await Self.issue(components, key: "doc-1")
            guard case .valid(let payload) = try await DocumentSigner.verify(code: code, on: sql) else {
                Issue.record("not valid")
                return
            }
            #expect(payload.fields.map(\.key).contains("last_name"))
            #expect(!payload.fields.map(\.key).contains("phone"), "only what the form prints is signed")
            // Lower case and spaces typed by a person still find it.
            #expect(try await DocumentSigner.verify(code: code.lowercased(), on: sql).status == "valid")
            #expect(try await DocumentSigner.verify(code: "ZZZZZZZZZZZZ", on: sql) == .unknown)

            // Tampering with the stored content breaks the signature.
            let original = try #require(try await sql.select().column("payload").from("issued_documents").where("code", .equal, code).first()).decode(
                column: "payload", as: String.self)
            try await sql.update("issued_documents").set("payload", to: original.replacingOccurrences(of: "APITEST", with: "FORGED")).where(
                "code", .equal, code
            ).run()
            #expect(try await DocumentSigner.verify(code: code, on: sql) == .invalid)
            let page = try await client.execute(uri: ApplicationsRoute.verify.path(code), method: .get) { $0 }
            #expect(page.text.contains("Document non valable"))
            #expect(!page.text.contains("FORGED"))
            try await sql.update("issued_documents").set("payload", to: original).where("code", .equal, code).run()

            // Rotation: a new key signs new documents; the old one still verifies with the retired public key.
            let data = components.configuration.dataDirectory
            let (old, new) = try await ApplicationKeys.rotate(dataDirectory: data, database: components.database.db, actor: "test")
            #expect(old != new)
            let rotated = try await ApplicationKeys.load(dataDirectory: data, database: components.database.db)
            #expect(rotated.keyId == new)
            #expect(try await DocumentSigner.verify(code: code, on: sql).status == "valid")
            let keys =
                try Apply.json(try await client.execute(uri: ApplicationsRoute.apiKeys.path(), method: .get) { $0 })["keys"] as? [[String: Any]] ?? []
            #expect(keys.count == 2)
            #expect(keys.contains { $0["keyId"] as? String == old && $0["retiredAt"] is String })

            // Revocation: the page and the API say so.
            let record = try #require(try await components.applications.store.application(id: id))
            _ = try await components.applications.casework.act(
                record, .init(action: .revokeDocument, expectedRevision: record.revision, note: "Erreur de saisie"), principal: Self.admin,
                origin: .init(actor: "test"))
            #expect(try await DocumentSigner.verify(code: code, on: sql).status == "revoked")
            let api = try Apply.json(try await client.execute(uri: ApplicationsRoute.apiDocument.path(code), method: .get) { $0 })
            #expect(api["status"] as? String == "revoked")
            #expect(
                (try await client.execute(uri: ApplicationsRoute.verify.path(code) + "?lang=en", method: .get) { $0 }).text.contains(
                    "Document withdrawn"))
        }
    }

    /// The API hands out the signed bytes and the public key: anyone can check a document offline.
    @Test func signatureChecksOfflineWithThePublishedKey() async throws {
        try await Apply.withApp { client, components in
            let (_, code) = try await Self.issue(components, key: "doc-2")
            let answer = try Apply.json(try await client.execute(uri: ApplicationsRoute.apiDocument.path(code), method: .get) { $0 })
            let payload = try #require(answer["payload"] as? String)
            let signatureText = try #require(answer["signature"] as? String)
            let signature = try #require(Data(base64Encoded: signatureText))
            let keyId = try #require((answer["document"] as? [String: Any])?["keyId"] as? String)
            let keys =
                try Apply.json(try await client.execute(uri: ApplicationsRoute.apiKeys.path(), method: .get) { $0 })["keys"] as? [[String: Any]] ?? []
            let publicKey = try #require(keys.first { $0["keyId"] as? String == keyId }?["publicKey"] as? String)
            let raw = try #require(Data(base64Encoded: publicKey))
            let key = try Curve25519Key(raw)
            #expect(key.verify(signature, Data(payload.utf8)))
            #expect(!key.verify(signature, Data((payload + " ").utf8)))
        }
    }
}

struct Curve25519Key {
    let key: Curve25519.Signing.PublicKey
    init(_ raw: Data) throws { key = try Curve25519.Signing.PublicKey(rawRepresentation: raw) }
    func verify(_ signature: Data, _ data: Data) -> Bool { key.isValidSignature(signature, for: data) }
}

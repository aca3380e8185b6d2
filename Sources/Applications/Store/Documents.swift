// SPDX-License-Identifier: MPL-2.0
import Audit
import Catalog
import Foundation
import GuichetCore
import SQLKit

/// A document as signed, before it is stored: its verification code, the canonical payload and its signature.
package struct SignedDocument: Sendable {
    package let code: String
    package let payload: String
    package let signature: String
}

/// The signed documents of approved applications: issuing one (signed with the current key), storing and withdrawing
/// it inside the caller's transaction, and verifying any document by its code.
package struct Documents: Sendable {
    let database: DatabaseService
    package let keys: ApplicationKeys
    let catalog: CatalogRepository

    /// The signed document of an approved application, issued at `date` (valid for the form's months, if it says).
    func issue(_ record: ApplicationRecord, form: FormDefinition, at date: Date) async throws -> SignedDocument {
        let institution = try await catalog.allInstitutions()[record.institutionId]
        var validUntil: String?
        if let months = form.document.validityMonths, let until = Calendar(identifier: .gregorian).date(byAdding: .month, value: months, to: date) {
            validUntil = Timestamps.day(until)
        }
        let payload = DocumentPayload(
            code: ShortCode.make(length: 12), reference: record.reference ?? "", procedure: record.procedureId, title: form.document.title,
            issuer: record.institutionId, issuerName: institution?.name ?? LocalizedText(fr: record.institutionId),
            issuedAt: AuditLog.timestamp(date),
            validUntil: validUntil,
            fields: form.document.fields.compactMap { key in
                guard let field = form.field(key), let answer = record.answers[key], !answer.isEmpty else { return nil }
                return DocumentPayload.PrintedField(key: key, label: field.label, value: ApplicationRules.display(field, record.answers[key]))
            }, keyId: keys.keyId)
        let signed = try DocumentSigner.sign(payload, with: keys)
        return SignedDocument(code: payload.code, payload: signed.payload, signature: signed.signature)
    }

    /// Stores an issued document (in the caller's transaction).
    func store(_ document: SignedDocument, application: String, at stamp: String, on sql: any SQLDatabase) async throws {
        try await sql.insert(into: "issued_documents").columns("code", "application_id", "payload", "signature", "key_id", "issued_at")
            .values(
                SQLBind(document.code), SQLBind(application), SQLBind(document.payload), SQLBind(document.signature), SQLBind(keys.keyId),
                SQLBind(stamp)
            ).run()
    }

    /// Withdraws an application's document (in the caller's transaction): it then verifies as revoked.
    func revoke(application: String, reason: String, at stamp: String, on sql: any SQLDatabase) async throws {
        try await sql.update("issued_documents").set("revoked_at", to: stamp).set("revoked_reason", to: reason).where(
            "application_id", .equal, application
        )
        .run()
    }

    package func verify(code: String) async throws -> VerificationResult {
        try await DocumentSigner.verify(code: code, on: database.sql)
    }

    package func verifyStored(code: String) async throws -> (result: VerificationResult, signed: (payload: String, signature: String)?) {
        try await DocumentSigner.verifyStored(code: code, on: database.sql)
    }

    package func publicKeys() async throws -> [[String: String?]] {
        try await DocumentSigner.publicKeys(on: database.sql)
    }
}

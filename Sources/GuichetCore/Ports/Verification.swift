// SPDX-License-Identifier: MPL-2.0
/// Something else Guichet signs with the documents' keys (a payment receipt), as the public verification page shows it.
package struct VerifiedRecord: Sendable, Equatable {
    package struct Row: Sendable, Equatable {
        package var label: String
        package var value: String

        package init(label: String, value: String) {
            self.label = label
            self.value = value
        }
    }

    /// The signature holds under the key it names; false: the stored record was altered.
    package var valid: Bool
    package var title: String
    package var issuer: String
    package var reference: String
    /// When it was issued (stored UTC time).
    package var issuedAt: String
    package var rows: [Row]

    package init(valid: Bool, title: String, issuer: String, reference: String, issuedAt: String, rows: [Row]) {
        self.valid = valid
        self.title = title
        self.issuer = issuer
        self.reference = reference
        self.issuedAt = issuedAt
        self.rows = rows
    }
}

/// A feature that signs records of its own and lets `/verify/{code}` check them: asked when no document has the code.
package protocol RecordVerifier: Sendable {
    /// The record with this code, its labels in `language`; nil when the code is not one of this feature's.
    func verify(code: String, language: String) async throws -> VerifiedRecord?
}

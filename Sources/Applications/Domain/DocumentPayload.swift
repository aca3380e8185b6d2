// SPDX-License-Identifier: MPL-2.0
import Catalog
import Foundation

/// What an issued document says, signed as canonical JSON (sorted keys, no escaped slashes, UTF-8).
package struct DocumentPayload: Codable, Equatable, Sendable {
    package struct PrintedField: Codable, Equatable, Sendable {
        package var key: String
        package var label: LocalizedText
        package var value: String
    }

    package var v: Int = 1
    package var code: String
    package var reference: String
    package var procedure: String
    package var title: LocalizedText
    package var issuer: String
    package var issuerName: LocalizedText
    package var issuedAt: String
    package var validUntil: String?
    package var fields: [PrintedField]
    package var keyId: String
}

/// The answer of the verification page and API.
package enum VerificationResult: Sendable, Equatable {
    case valid(DocumentPayload)
    case revoked(DocumentPayload, at: String)
    /// A stored document whose signature does not match its content: it was altered.
    case invalid
    case unknown

    package var status: String {
        switch self {
        case .valid: return "valid"
        case .revoked: return "revoked"
        case .invalid: return "invalid"
        case .unknown: return "unknown"
        }
    }
}

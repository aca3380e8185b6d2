// SPDX-License-Identifier: MPL-2.0
import Applications
import Foundation
import GuichetCore
import SQLKit

/// What a receipt says, signed with the documents' key (Ed25519, the same keys and rotation): anyone can check it at
/// `/verify/{code}` or against the published public keys. No name and no phone number: the application's reference,
/// the fees, the amount, how and when it was paid.
package struct ReceiptPayload: Codable, Sendable, Equatable {
    package struct Line: Codable, Sendable, Equatable {
        package var key: String
        package var labelFr: String
        package var labelEn: String
        package var amount: Int
    }

    package var kind = "payment_receipt"
    package var code: String
    package var reference: String
    package var procedure: String
    package var institution: String
    package var stage: String
    package var lines: [Line]
    package var amount: Int
    package var currency: String
    /// `mobile_money`, `cash`, `card`, and the operator (or `counter`).
    package var method: String
    package var `operator`: String
    /// The operator's transaction id, or the request's own id at a counter.
    package var transaction: String
    package var paidAt: String
    package var keyId: String
    /// Paid through the demo's simulated operator.
    package var simulated: Bool
}

package enum Receipts {
    struct Signed {
        let code: String
        let payload: String
        let signature: String
    }

    static func sign(
        order: PaymentOrder, lines: [PaymentLine], request: PaymentRequest, at stamp: String, keys: ApplicationKeys, simulated: Bool
    ) throws -> Signed {
        let payload = ReceiptPayload(
            code: "R" + ShortCode.make(length: 11), reference: order.reference, procedure: order.procedureId, institution: order.institutionId,
            stage: order.stage,
            lines: lines.map { .init(key: $0.feeKey, labelFr: $0.labelFr, labelEn: $0.labelEn, amount: $0.amount) }, amount: request.amount,
            currency: request.currency, method: request.method, operator: request.operator, transaction: request.providerTx ?? request.id,
            paidAt: stamp, keyId: keys.keyId, simulated: simulated)
        let signed = try DocumentSigner.sign(payload, with: keys)
        return Signed(code: payload.code, payload: signed.payload, signature: signed.signature)
    }

    package enum Verification: Sendable, Equatable {
        case valid(ReceiptPayload, refund: Bool)
        case invalid
        case unknown
    }

    /// A receipt by its code: valid when its signature holds under the key it names and it says what it is stored as.
    package static func verify(code: String, on sql: any SQLDatabase) async throws -> Verification {
        let normalised = code.uppercased().filter { $0.isLetter || $0.isNumber }
        guard normalised.count == 12, normalised.hasPrefix("R"),
            let row = try await sql.raw(
                """
                SELECT r.payload, r.signature, r.key_id, q.refund FROM payment_receipts r JOIN payment_requests q ON q.id = r.request_id \
                WHERE r.code = \(bind: normalised)
                """
            ).first()
        else { return .unknown }
        let text = try row.decode(column: "payload", as: String.self)
        let keyId = try row.decode(column: "key_id", as: String.self)
        guard try await DocumentSigner.isSigned(text, signature: try row.decode(column: "signature", as: String.self), keyId: keyId, on: sql),
            let payload = try? JSONDecoder().decode(ReceiptPayload.self, from: Data(text.utf8)), payload.code == normalised, payload.keyId == keyId
        else { return .invalid }
        return .valid(payload, refund: try row.decode(column: "refund", as: Bool.self))
    }
}

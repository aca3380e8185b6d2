// SPDX-License-Identifier: MPL-2.0
import Catalog
import Foundation
import GuichetCore
import Hummingbird

/// The operator's callback and the receipts' JSON. A callback is only a hint: it must carry the deployment's secret,
/// and what it says is never taken as is — the request's status is asked of the operator (authenticated with our
/// credentials) and that answer is recorded, once, however many times the callback comes.
struct CallbackController: Sendable {
    let books: PaymentBooks
    let collections: Collections
    let settings: PaymentSettings

    func addRoutes(to router: Router<AppRequestContext>) {
        router.put(PaymentsRoute.callback, use: callback)
        router.post(PaymentsRoute.callback, use: callback)
        router.get(PaymentsRoute.apiReceipt, use: receipt)
    }

    @Sendable func callback(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let secret = settings.callbackSecret else { throw AppError(.forbidden, code: "payments_not_configured") }
        let sent = request.uri.queryParameters["secret"].map(String.init) ?? ""
        guard CSRFMiddleware.constantTimeEqual(sent, secret) else { throw AppError(.forbidden, code: "callback_secret") }
        guard (request.headers[.contentType] ?? "").lowercased().hasPrefix("application/json") else {
            throw AppError(.unsupportedMediaType, code: "json_expected")
        }
        var request = request
        let body = try await request.collectBody(upTo: 16 * 1024)
        guard let object = (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] else {
            throw AppError(.badRequest, code: "callback_body")
        }
        // MoMo's callback names the request by the `externalId` we sent (our reference id); some aggregators add it.
        let id = ((object["externalId"] as? String) ?? (object["referenceId"] as? String) ?? "").lowercased()
        guard !id.isEmpty, id.count <= 64, UUID(uuidString: id) != nil else {
            throw AppError(.badRequest, code: "callback_field", field: "externalId")
        }
        guard let payment = try await books.request(id: id) else { throw AppError.notFound("payment_not_found") }
        if payment.status == "pending" || payment.status == "expired" || payment.status == "failed" {
            try await collections.confirm(payment)
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{\"ok\":true}")))
    }

    @Sendable func receipt(_ request: Request, context: AppRequestContext) async throws -> Response {
        let code = String(try context.pathValue("code").prefix(20))
        switch try await Receipts.verify(code: code, on: books.database.sql) {
        case .unknown: throw AppError.notFound("receipt_not_found")
        case .invalid:
            return try JSONResponse.make(["code": code, "status": "invalid"])
        case .valid(let payload, let refund):
            let data = try JSONEncoder().encode(payload)
            let object = (try JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
            return try JSONResponse.make(["code": payload.code, "status": "valid", "refundDue": refund, "receipt": object])
        }
    }
}

/// A JSON answer from a dictionary, its keys sorted.
enum JSONResponse {
    static func make(_ object: [String: Any], status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(data: data)))
    }
}

/// Receipts at `/verify/{code}`: Applications' verification page asks here for codes no document has.
struct ReceiptVerifier: RecordVerifier {
    let books: PaymentBooks
    let localizer: Localizer
    let catalog: CatalogRepository

    func verify(code: String, language: String) async throws -> VerifiedRecord? {
        let v = PageContext(language: Language(rawValue: language) ?? .fr, localizer: localizer, keys: "payments")
        switch try await Receipts.verify(code: code, on: books.database.sql) {
        case .unknown: return nil
        case .invalid:
            return VerifiedRecord(valid: false, title: v.t("receipt.title"), issuer: "", reference: "", issuedAt: "", rows: [])
        case .valid(let payload, let refund):
            var rows = payload.lines.map {
                VerifiedRecord.Row(label: v.language == .en ? $0.labelEn : $0.labelFr, value: v.money($0.amount, payload.currency))
            }
            rows.append(.init(label: v.t("total"), value: v.money(payload.amount, payload.currency)))
            rows.append(.init(label: v.t("receipt.method"), value: v.t("method.\(payload.method)") + " · " + v.operatorName(payload.operator)))
            rows.append(.init(label: v.t("receipt.transaction"), value: payload.transaction))
            rows.append(.init(label: v.t("receipt.paid_at"), value: v.minuteUTC(payload.paidAt)))
            if payload.simulated { rows.append(.init(label: v.t("receipt.note"), value: v.t("simulated"))) }
            if refund { rows.append(.init(label: v.t("receipt.note"), value: v.t("receipt.refund"))) }
            let issuer = try await catalog.allInstitutions()[payload.institution]?.name.text(for: v.language.rawValue).text
            return VerifiedRecord(
                valid: true, title: v.t("receipt.title"), issuer: issuer ?? payload.institution, reference: payload.reference,
                issuedAt: payload.paidAt,
                rows: rows)
        }
    }
}

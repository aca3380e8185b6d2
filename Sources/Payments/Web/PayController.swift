// SPDX-License-Identifier: MPL-2.0
import Applications
import Catalog
import Foundation
import GuichetCore
import Hummingbird

/// Paying a fee without JavaScript: the order's page (what is due, the operator, the number to charge), then the
/// request's page, which refreshes itself every few seconds until the operator says paid, failed or expired.
struct PayController: Sendable {
    let books: PaymentBooks
    let collections: Collections
    let catalog: CatalogRepository
    let renderer: Renderer
    let simulated: Bool

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(PaymentsRoute.pay, use: page)
        router.post(PaymentsRoute.pay, use: start)
        router.get(PaymentsRoute.request, use: requestPage)
    }

    struct LineView {
        let label: String
        let amount: String
    }

    struct OperatorView {
        let value: String
        let label: String
        let checked: Bool
    }

    struct PayPage {
        let reference: String
        let procedure: String
        let lines: [LineView]
        let total: String
        let due: Bool
        let paid: Bool
        let closed: Bool
        let online: Bool
        let pendingHref: String?
        let receiptHref: String?
        let action: String
        let operators: [OperatorView]
        let phone: String
        let key: String
        let error: String?
        let phoneError: String?
        let operatorError: String?
        let simulated: Bool
    }

    func order(_ context: AppRequestContext) async throws -> PaymentOrder {
        guard let order = try await books.order(id: try context.paymentsId()) else { throw AppError.notFound("order_not_found") }
        return order
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await render(request, context, order: try await order(context), phone: "", chosen: nil, error: nil, status: .ok)
    }

    func render(
        _ request: Request, _ context: AppRequestContext, order: PaymentOrder, phone: String, chosen: String?, error: AppError?,
        status: HTTPResponse.Status
    ) async throws -> Response {
        let v = PageContext(payments: context, renderer.localizer)
        let lines = try await books.lines(order: order.id)
        let procedure = try await catalog.procedures(ids: [order.procedureId]).first
        let pending = order.status == "pending" ? try await collections.pendingRequest(order: order.id) : nil
        let operators = collections.operators(country: order.country)
        let message = error.map { v.text(key: "errors.\($0.code)", $0.arguments) }
        let model = PayPage(
            reference: order.reference, procedure: procedure?.title.text(for: v.language.rawValue).text ?? order.procedureId,
            lines: lines.map { LineView(label: v.label($0), amount: v.money($0.amount, $0.currency)) }, total: v.money(order.amount, order.currency),
            due: order.status == "due", paid: order.status == "paid", closed: order.status == "cancelled" || order.status == "refund_due",
            online: !operators.isEmpty, pendingHref: pending.map { v.link(PaymentsRoute.request.path(order.id, $0.id)) },
            receiptHref: order.receiptCode.map { v.link(ApplicationsRoute.verify.path($0)) }, action: v.link(PaymentsRoute.pay.path(order.id)),
            operators: operators.enumerated().map { index, name in
                OperatorView(value: name, label: v.operatorName(name), checked: chosen.map { $0 == name } ?? (index == 0))
            }, phone: String(phone.prefix(30)), key: CSRFMiddleware.newToken(), error: message,
            phoneError: error?.field == "phone" ? message : nil, operatorError: error?.field == "operator" ? message : nil, simulated: simulated)
        var response = try renderer.page(
            "payments-pay", title: (error == nil ? "" : v.t("error_prefix") + " ") + v.t("pay.title", ["reference": order.reference]), page: model,
            request: request, context: context, status: status)
        response.headers[.cacheControl] = "no-store"
        response.headers[.xRobotsTag] = "noindex"
        return response
    }

    @Sendable func start(_ request: Request, context: AppRequestContext) async throws -> Response {
        let v = PageContext(payments: context, renderer.localizer)
        let order = try await order(context)
        let phone = context.postForm["phone"] ?? ""
        let chosen = context.postForm["operator"] ?? ""
        // The form's one-time key: a double click or a resent form finds the same request.
        let key = (context.postForm["key"] ?? "").prefix(64)
        guard key.count >= 16 else { throw AppError(.badRequest, code: "payment_key") }
        do {
            let started = try await collections.startMobile(
                order: order.id, operator: chosen, phone: phone, key: "web:" + key, actor: "payer:\(order.reference)")
            return Response.redirect(to: v.link(PaymentsRoute.request.path(order.id, started.id)), type: .normal)
        } catch let error as AppError where error.status == .unprocessableContent || error.status == .conflict || error.status == .tooManyRequests {
            let current = try await books.order(id: order.id) ?? order
            return try await render(request, context, order: current, phone: phone, chosen: chosen, error: error, status: error.status)
        }
    }

    struct RequestPage {
        let reference: String
        let amount: String
        let operatorName: String
        let pending: Bool
        let successful: Bool
        let failed: Bool
        let expired: Bool
        let refund: Bool
        let reason: String?
        let expires: String
        let receiptHref: String?
        let retryHref: String
        let refreshHref: String
        let simulated: Bool
    }

    @Sendable func requestPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let v = PageContext(payments: context, renderer.localizer)
        let order = try await order(context)
        guard var payment = try await books.request(id: try context.paymentsId("request")), payment.orderId == order.id else {
            throw AppError.notFound("payment_not_found")
        }
        if payment.status == "pending" {
            // No news for a few seconds: ask the operator (the callback may be late, or lost).
            let last = Timestamps.parse(payment.polledAt ?? payment.sentAt ?? payment.createdAt) ?? .distantPast
            if collections.clock.now.timeIntervalSince(last) >= 4 { payment = try await collections.refresh(payment) }
        }
        let current = try await books.order(id: order.id) ?? order
        let model = RequestPage(
            reference: order.reference, amount: v.money(payment.amount, payment.currency), operatorName: v.operatorName(payment.operator),
            pending: payment.status == "pending", successful: payment.status == "successful", failed: payment.status == "failed",
            expired: payment.status == "expired", refund: payment.refund,
            reason: payment.reason.map { reason in
                let key = "reason.\(reason.lowercased())"
                let text = v.t(key)
                return text == v.keyPrefix + key ? v.t("reason.other", ["reason": reason]) : text
            }, expires: v.minuteUTC(payment.expiresAt),
            receiptHref: payment.refund ? nil : current.receiptCode.map { v.link(ApplicationsRoute.verify.path($0)) },
            retryHref: v.link(PaymentsRoute.pay.path(order.id)),
            refreshHref: v.link(PaymentsRoute.request.path(order.id, payment.id)), simulated: simulated)
        let title = v.t("request.\(payment.status == "successful" ? "paid" : payment.status)_title")
        var response = try renderer.page("payments-request", title: title, page: model, request: request, context: context)
        response.headers[.cacheControl] = "no-store"
        response.headers[.xRobotsTag] = "noindex"
        // No JavaScript: the browser reloads the page while the operator has not answered.
        if payment.status == "pending" { response.headers[.refresh] = "5" }
        return response
    }
}

// SPDX-License-Identifier: MPL-2.0
import Applications
import Foundation
import GuichetCore
import Hummingbird

/// The centre's counter: find an application by its reference, take its fee in cash or by card (a receipt at once,
/// printed from the verification page), and close the day's till with its totals.
struct CounterController: Sendable {
    let books: PaymentBooks
    let collections: Collections
    let tills: Tills
    let renderer: Renderer

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(PaymentsRoute.counter, use: page)
        router.post(PaymentsRoute.counterOrder, use: record)
        router.get(PaymentsRoute.till, use: till)
        router.post(PaymentsRoute.till, use: closeTill)
    }

    static func principal(_ context: AppRequestContext) throws -> Principal { try context.require(.centreAgent, .centreManager) }

    struct OrderView {
        let stage: String
        let lines: [String]
        let total: String
        let state: String
        let due: Bool
        let action: String
        let key: String
        let receiptHref: String?
    }

    struct CounterPage {
        let action: String
        let reference: String
        let searched: Bool
        let orders: [OrderView]
        let receiptHref: String?
        let error: String?
        let tillHref: String
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try Self.principal(context)
        let reference = String((request.uri.queryParameters.get("reference") ?? "").uppercased().prefix(20)).trimmingCharacters(in: .whitespaces)
        return try await render(request, context, reference: reference, receipt: request.uri.queryParameters.get("receipt"), error: nil, status: .ok)
    }

    func render(
        _ request: Request, _ context: AppRequestContext, reference: String, receipt: String?, error: AppError?, status: HTTPResponse.Status
    ) async throws -> Response {
        let v = PageContext(payments: context, renderer.localizer)
        var views: [OrderView] = []
        if !reference.isEmpty {
            for order in try await books.orders(reference: reference) {
                let lines = try await books.lines(order: order.id)
                views.append(
                    OrderView(
                        stage: v.t("stage.\(order.stage)"), lines: lines.map { v.label($0) + " — " + v.money($0.amount, $0.currency) },
                        total: v.money(order.amount, order.currency), state: v.t("status.\(order.status)"),
                        due: order.status == "due" || order.status == "pending", action: PaymentsRoute.counterOrder.path(order.id),
                        key: CSRFMiddleware.newToken(), receiptHref: order.receiptCode.map { ApplicationsRoute.verify.path($0) }))
            }
        }
        let model = CounterPage(
            action: PaymentsRoute.counter.path(), reference: reference, searched: !reference.isEmpty, orders: views,
            receiptHref: receipt.flatMap { $0.count == 12 && $0.allSatisfy { $0.isLetter || $0.isNumber } ? ApplicationsRoute.verify.path($0) : nil },
            error: error.map { v.text(key: "errors.\($0.code)", $0.arguments) }, tillHref: PaymentsRoute.till.path())
        return try renderer.page("payments-counter", title: v.t("counter.title"), page: model, request: request, context: context, status: status)
    }

    @Sendable func record(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try Self.principal(context)
        guard let order = try await books.order(id: try context.paymentsId()) else { throw AppError.notFound("order_not_found") }
        let key = (context.postForm["key"] ?? "").prefix(64)
        guard key.count >= 16 else { throw AppError(.badRequest, code: "payment_key") }
        do {
            _ = try await collections.recordCounter(
                order: order.id, method: context.postForm["method"] ?? "", key: "counter:" + key, principal: principal)
        } catch let error as AppError where error.status == .unprocessableContent || error.status == .conflict {
            return try await render(request, context, reference: order.reference, receipt: nil, error: error, status: error.status)
        }
        let paid = try await books.order(id: order.id)
        var query = "?reference=" + FormQuery.encode(order.reference)
        if let code = paid?.receiptCode { query += "&receipt=" + code }
        return Response.redirect(to: PaymentsRoute.counter.path() + query, type: .normal)
    }

    struct TillPage {
        let day: String
        let rows: [TillRow]
        let totals: [String]
        let closed: String?
        let action: String
        let counterHref: String
        let noCentre: Bool
    }

    struct TillRow {
        let time: String
        let method: String
        let amount: String
        let refund: Bool
    }

    func tillPage(_ request: Request, _ context: AppRequestContext, principal: Principal, day: Tills.Day, today: String) throws -> Response {
        let v = PageContext(payments: context, renderer.localizer)
        let totals = day.totals.keys.sorted().flatMap { method in
            (day.totals[method] ?? [:]).keys.sorted().map { currency in
                v.t("method.\(method)") + " : " + v.money(day.totals[method]?[currency] ?? 0, currency)
            }
        }
        let model = TillPage(
            day: today,
            rows: day.payments.map {
                TillRow(
                    time: v.minuteUTC($0.createdAt), method: v.t("method.\($0.method)"), amount: v.money($0.amount, $0.currency), refund: $0.refund)
            }, totals: totals, closed: day.closedAt.map { v.minuteUTC($0) }, action: PaymentsRoute.till.path(),
            counterHref: PaymentsRoute.counter.path(), noCentre: principal.centres.isEmpty)
        return try renderer.page("payments-till", title: v.t("till.title"), page: model, request: request, context: context)
    }

    @Sendable func till(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try Self.principal(context)
        let today = Timestamps.day(collections.clock.now)
        let day = try await tills.day(centre: principal.centres.first ?? "", agent: principal.actor, day: today)
        return try tillPage(request, context, principal: principal, day: day, today: today)
    }

    @Sendable func closeTill(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try Self.principal(context)
        guard let centre = principal.centres.first else { throw AppError.conflict("no_centre") }
        _ = try await tills.close(centre: centre, agent: principal.actor)
        return Response.redirect(to: PaymentsRoute.till.path(), type: .normal)
    }
}

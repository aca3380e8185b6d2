// SPDX-License-Identifier: MPL-2.0
import Catalog
import Foundation
import GuichetCore
import Hummingbird
import SQLKit

/// The finance role's books, for its institutions: payments by day, procedure, operator and status over a period;
/// an operator's statement imported and reconciled, the report shown and exported as CSV.
struct FinanceController: Sendable {
    let database: DatabaseService
    let reconciliation: Reconciliation
    let renderer: Renderer
    let catalog: CatalogRepository
    let clock: any WallClock

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(PaymentsRoute.finance, use: books)
        router.get(PaymentsRoute.reconcile, use: reconcileForm)
        router.post(PaymentsRoute.reconcile, use: reconcile)
        router.get(PaymentsRoute.reconciliation, use: report)
        router.get(PaymentsRoute.reconciliationCSV, use: reportCSV)
    }

    static func principal(_ context: AppRequestContext) throws -> Principal { try context.require(.finance) }

    struct GroupRow: Decodable {
        let name: String
        let status: String
        let currency: String
        let n: Int
        let total: Int
    }

    struct TableRow {
        let name: String
        let count: String
        let amount: String
    }

    struct Table {
        let title: String
        let rows: [TableRow]
    }

    struct BooksPage {
        let from: String
        let to: String
        let action: String
        let tables: [Table]
        let reconcileHref: String
        let refunds: String
    }

    @Sendable func books(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try Self.principal(context)
        let v = PageContext(payments: context, renderer.localizer)
        let today = Timestamps.day(clock.now)
        let defaultFrom = Timestamps.day(clock.now.addingTimeInterval(-30 * 86_400))
        let from = request.uri.queryParameters.get("from").flatMap { InputParser.day($0) != nil ? $0 : nil } ?? defaultFrom
        let to = request.uri.queryParameters.get("to").flatMap { InputParser.day($0) != nil ? $0 : nil } ?? today
        let period: SQLQueryString =
            "q.updated_at >= \(bind: from + "T00:00:00") AND q.updated_at <= \(bind: to + "T23:59:59.999Z") \(PaymentBooks.scope(principal))"
        func grouped(_ column: SQLQueryString) async throws -> [GroupRow] {
            try await database.sql.raw(
                """
                SELECT \(column) AS name, q.status AS status, q.currency AS currency, COUNT(*) AS n, CAST(SUM(q.amount) AS BIGINT) AS total \
                FROM payment_requests q \
                JOIN payment_orders o ON o.id = q.order_id WHERE \(period) GROUP BY \(column), q.status, q.currency ORDER BY 1
                """
            ).all(decoding: GroupRow.self)
        }
        func table(_ title: String, _ rows: [GroupRow], name: (String) -> String, onlyReceived: Bool = true) -> Table {
            let kept = onlyReceived ? rows.filter { $0.status == "successful" } : rows
            return Table(
                title: title,
                rows: kept.map { row in
                    TableRow(
                        name: name(row.name) + (onlyReceived ? "" : " — " + v.t("request_status.\(row.status)")), count: v.number(row.n),
                        amount: v.money(row.total, row.currency))
                })
        }
        let byDay = try await grouped("SUBSTR(q.updated_at, 1, 10)")
        let byProcedure = try await grouped("o.procedure_id")
        let titles = Dictionary(
            try await catalog.procedures(ids: Array(Set(byProcedure.map(\.name)))).map { ($0.id, $0.title.text(for: v.language.rawValue).text) },
            uniquingKeysWith: { first, _ in first })
        let byOperator = try await grouped("q.operator")
        let byStatus = try await grouped("q.method")
        let refunds = try await database.sql.raw(
            "SELECT COUNT(*) AS n FROM payment_requests q JOIN payment_orders o ON o.id = q.order_id WHERE q.refund = \(bind: true) AND \(period)"
        ).first(decoding: CountRow.self)
        let model = BooksPage(
            from: from, to: to, action: PaymentsRoute.finance.path(),
            tables: [
                table(v.t("finance.by_day"), byDay, name: { $0 }), table(v.t("finance.by_procedure"), byProcedure, name: { titles[$0] ?? $0 }),
                table(v.t("finance.by_operator"), byOperator, name: { v.operatorName($0) }),
                table(v.t("finance.by_status"), byStatus, name: { v.t("method.\($0)") }, onlyReceived: false),
            ], reconcileHref: PaymentsRoute.reconcile.path(), refunds: v.number(refunds?.n ?? 0))
        return try renderer.page("payments-finance", title: v.t("finance.title"), page: model, request: request, context: context)
    }

    struct CountRow: Decodable {
        let n: Int
    }

    struct ReconcilePage {
        let action: String
        let day: String
        let error: String?
        let financeHref: String
    }

    @Sendable func reconcileForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try Self.principal(context)
        return try renderForm(request, context, day: Timestamps.day(clock.now.addingTimeInterval(-86_400)), error: nil, status: .ok)
    }

    func renderForm(_ request: Request, _ context: AppRequestContext, day: String, error: AppError?, status: HTTPResponse.Status) throws -> Response {
        let v = PageContext(payments: context, renderer.localizer)
        let model = ReconcilePage(
            action: PaymentsRoute.reconcile.path(), day: day, error: error.map { v.text(key: "errors.\($0.code)", $0.arguments) },
            financeHref: PaymentsRoute.finance.path())
        return try renderer.page("payments-reconcile", title: v.t("reconcile.title"), page: model, request: request, context: context, status: status)
    }

    @Sendable func reconcile(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try Self.principal(context)
        let day = context.postForm["day"] ?? ""
        guard let file = context.multipart?.file("statement"), !file.data.isEmpty else {
            return try renderForm(
                request, context, day: day, error: AppError.validation(field: "statement", code: "statement_empty"), status: .unprocessableContent)
        }
        do {
            let report = try await reconciliation.reconcile(
                statement: String(decoding: file.data, as: UTF8.self), day: day, operator: "collection-api", principal: principal)
            return Response.redirect(to: PaymentsRoute.reconciliation.path(report.id), type: .normal)
        } catch let error as AppError where error.status == .unprocessableContent {
            return try renderForm(request, context, day: day, error: error, status: .unprocessableContent)
        }
    }

    struct ReportRow {
        let kind: String
        let requestId: String
        let transaction: String
        let reference: String
        let ours: String
        let theirs: String
    }

    struct ReportPage {
        let day: String
        let counts: [TableRow]
        let rows: [ReportRow]
        let csvHref: String
        let financeHref: String
    }

    @Sendable func report(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try Self.principal(context)
        let v = PageContext(payments: context, renderer.localizer)
        guard let report = try await reconciliation.report(id: try context.paymentsId(), principal: principal) else {
            throw AppError.notFound("report_not_found")
        }
        let model = ReportPage(
            day: report.day,
            counts: Reconciliation.Kind.allCases.map { TableRow(name: v.t("kind.\($0.rawValue)"), count: v.number(report.count($0)), amount: "") },
            rows: report.rows.filter { $0.kind != .matched }.map { row in
                ReportRow(
                    kind: v.t("kind.\(row.kind.rawValue)"), requestId: row.requestId, transaction: row.transaction, reference: row.reference,
                    ours: row.ours.map { v.money($0, row.currency) } ?? "—", theirs: row.theirs.map { v.money($0, row.currency) } ?? "—")
            }, csvHref: PaymentsRoute.reconciliationCSV.path(report.id), financeHref: PaymentsRoute.finance.path())
        return try renderer.page(
            "payments-report", title: v.t("reconcile.report_title", ["day": report.day]), page: model, request: request, context: context)
    }

    @Sendable func reportCSV(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try Self.principal(context)
        guard let report = try await reconciliation.report(id: try context.paymentsId(), principal: principal) else {
            throw AppError.notFound("report_not_found")
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"reconciliation-\(report.day).csv\"",
                .cacheControl: "no-store",
            ], body: .init(byteBuffer: ByteBuffer(string: Reconciliation.csv(report))))
    }
}

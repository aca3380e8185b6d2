// SPDX-License-Identifier: MPL-2.0
import Audit
import FluentKit
import Foundation
import GuichetCore
import Hummingbird
import SQLKit

/// An application's fees of one stage: the unit people pay, by one request to pay or at a counter.
package struct PaymentOrder: Decodable, Sendable, Equatable {
    package let id: String
    package let applicationId: String
    package let stage: String
    package let reference: String
    package let procedureId: String
    package let institutionId: String
    package let country: String
    package let amount: Int
    package let currency: String
    /// `due`, `pending`, `paid`, `cancelled`, `refund_due`.
    package let status: String
    package let paidRequest: String?
    package let receiptCode: String?
    package let createdAt: String
    package let paidAt: String?
}

package struct PaymentLine: Decodable, Sendable, Equatable {
    package let orderId: String
    package let feeKey: String
    package let labelFr: String
    package let labelEn: String
    package let amount: Int
    package let currency: String
}

/// One attempt to pay an order.
package struct PaymentRequest: Decodable, Sendable, Equatable {
    package let id: String
    package let orderId: String
    /// `mobile_money`, `cash`, `card`.
    package let method: String
    package let `operator`: String
    package let amount: Int
    package let currency: String
    /// `pending`, `successful`, `failed`, `expired`.
    package let status: String
    package let providerTx: String?
    package let reason: String?
    /// Money received for an order already paid or cancelled: to be given back.
    package let refund: Bool
    package let actor: String
    package let centreId: String?
    package let createdAt: String
    package let updatedAt: String
    package let expiresAt: String
    package let polledAt: String?
    package let sentAt: String?
}

/// The books: fees put on them in the applications' own transactions (`FeeLedger`), and read back.
package struct PaymentBooks: FeeLedger {
    let database: DatabaseService
    let clock: any WallClock

    package init(database: DatabaseService, clock: any WallClock) {
        self.database = database
        self.clock = clock
    }

    package func charge(_ subject: FeeSubject, lines: [FeeLine], actor: String, on db: any Database) async throws {
        let sql = db.sql
        let stamp = AuditLog.timestamp(clock.now)
        for stage in FeeStage.allCases {
            let staged = lines.filter { $0.stage == stage }
            guard let currency = staged.first?.currency else { continue }
            // One currency per order (a country's); a line in another would be a form's mistake and is left out.
            let kept = staged.filter { $0.currency == currency }
            let total = kept.reduce(0) { $0 &+ $1.amount }
            let id = CSRFMiddleware.newToken()
            let created = try await sql.raw(
                """
                INSERT INTO payment_orders (id, application_id, stage, reference, procedure_id, institution_id, country, amount, currency, status, \
                created_at, updated_at) VALUES (\(bind: id), \(bind: subject.applicationId), \(bind: stage.rawValue), \(bind: subject.reference), \
                \(bind: subject.procedureId), \(bind: subject.institutionId), \(bind: subject.country), \(bind: total), \(bind: currency), 'due', \
                \(bind: stamp), \(bind: stamp)) ON CONFLICT (application_id, stage) DO NOTHING RETURNING id
                """
            ).all()
            // Already on the books (a retried or repeated step): left as it was first computed.
            guard !created.isEmpty else { continue }
            for line in kept {
                try await sql.insert(into: "payment_lines").columns("order_id", "fee_key", "label_fr", "label_en", "amount", "currency")
                    .values(
                        SQLBind(id), SQLBind(line.key), SQLBind(line.labelFr), SQLBind(line.labelEn), SQLBind(line.amount), SQLBind(line.currency)
                    ).run()
            }
            try await AuditLog.append(
                AuditEntry(
                    actor: actor, action: "payment.fee_due", entity: "payment_order", entityId: id,
                    summary: "\(subject.reference) \(stage.rawValue): \(total) \(currency) (" + kept.map(\.key).joined(separator: ",") + ")"),
                on: db)
        }
    }

    package func cancel(application: String, actor: String, on db: any Database) async throws {
        let stamp = AuditLog.timestamp(clock.now)
        let cancelled = try await db.sql.raw(
            """
            UPDATE payment_orders SET status = 'cancelled', updated_at = \(bind: stamp) WHERE application_id = \(bind: application) \
            AND status IN ('due', 'pending') RETURNING id
            """
        ).all(decoding: IdRow.self)
        for order in cancelled {
            try await AuditLog.append(
                AuditEntry(actor: actor, action: "payment.cancelled", entity: "payment_order", entityId: order.id, summary: "application closed"),
                on: db)
        }
    }

    package func summary(application: String) async throws -> FeeSummary? {
        try await summary(application: application, on: database.sql)
    }

    package func summary(application: String, on db: any Database) async throws -> FeeSummary? {
        try await summary(application: application, on: db.sql)
    }

    func summary(application: String, on sql: any SQLDatabase) async throws -> FeeSummary? {
        let orders = try await sql.raw("SELECT * FROM payment_orders WHERE application_id = \(bind: application) ORDER BY created_at, stage")
            .all(decoding: PaymentOrder.self, keyDecodingStrategy: .snakeCaseColumns)
        guard !orders.isEmpty else { return nil }
        let lines = try await sql.raw(
            """
            SELECT l.* FROM payment_lines l JOIN payment_orders o ON o.id = l.order_id WHERE o.application_id = \(bind: application) \
            ORDER BY l.order_id, l.fee_key
            """
        ).all(decoding: PaymentLine.self, keyDecodingStrategy: .snakeCaseColumns)
        var summaryLines: [FeeSummary.Line] = []
        for order in orders {
            for line in lines where line.orderId == order.id {
                summaryLines.append(
                    FeeSummary.Line(
                        key: line.feeKey, labelFr: line.labelFr, labelEn: line.labelEn, amount: line.amount, currency: line.currency,
                        stage: FeeStage(rawValue: order.stage) ?? .submission, status: order.status, receipt: order.receiptCode))
            }
        }
        let payable = orders.first { $0.status == "due" || $0.status == "pending" }
        return FeeSummary(lines: summaryLines, payHref: payable.map { PaymentsRoute.pay.path($0.id) })
    }

    /// The condition on an order (`o`) that keeps what the principal may see: an administrator every institution's,
    /// anyone else their institutions' (none when they have none).
    package static func scope(_ principal: Principal) -> SQLQueryString {
        principal.isAdministrator ? "" : "AND o.institution_id IN (\(binds: principal.institutions.isEmpty ? [""] : principal.institutions))"
    }

    struct IdRow: Decodable {
        let id: String
    }

    package func order(id: String) async throws -> PaymentOrder? {
        try await database.sql.raw("SELECT * FROM payment_orders WHERE id = \(bind: id)")
            .first(decoding: PaymentOrder.self, keyDecodingStrategy: .snakeCaseColumns)
    }

    package func orders(reference: String) async throws -> [PaymentOrder] {
        try await database.sql.raw("SELECT * FROM payment_orders WHERE reference = \(bind: reference) ORDER BY created_at, stage")
            .all(decoding: PaymentOrder.self, keyDecodingStrategy: .snakeCaseColumns)
    }

    package func lines(order: String) async throws -> [PaymentLine] {
        try await database.sql.raw("SELECT * FROM payment_lines WHERE order_id = \(bind: order) ORDER BY fee_key")
            .all(decoding: PaymentLine.self, keyDecodingStrategy: .snakeCaseColumns)
    }

    package func request(id: String) async throws -> PaymentRequest? {
        try await database.sql.raw("SELECT * FROM payment_requests WHERE id = \(bind: id)")
            .first(decoding: PaymentRequest.self, keyDecodingStrategy: .snakeCaseColumns)
    }

    package func requests(order: String) async throws -> [PaymentRequest] {
        try await database.sql.raw("SELECT * FROM payment_requests WHERE order_id = \(bind: order) ORDER BY created_at")
            .all(decoding: PaymentRequest.self, keyDecodingStrategy: .snakeCaseColumns)
    }
}

// SPDX-License-Identifier: MPL-2.0
import Audit
import Foundation
import GuichetCore
import SQLKit

/// Monthly revenue per procedure for the published results: paid orders only (money flagged for refund is not
/// revenue), by the month they were paid.
package struct RevenueFigures: PaymentFigures {
    let database: DatabaseService

    package init(database: DatabaseService) {
        self.database = database
    }

    struct Row: Decodable {
        let month: String
        let currency: String
        let n: Int
        let total: Int
    }

    package func revenue(procedure: String, from: Date, until: Date) async throws -> [RevenueMonth] {
        try await database.sql.raw(
            """
            SELECT SUBSTR(paid_at, 1, 7) AS month, currency, COUNT(*) AS n, CAST(SUM(amount) AS BIGINT) AS total FROM payment_orders \
            WHERE procedure_id = \(bind: procedure) AND status = 'paid' AND paid_at >= \(bind: AuditLog.timestamp(from)) \
            AND paid_at < \(bind: AuditLog.timestamp(until)) GROUP BY SUBSTR(paid_at, 1, 7), currency ORDER BY 1, 2
            """
        ).all(decoding: Row.self).map { RevenueMonth(month: $0.month, currency: $0.currency, payments: $0.n, amount: $0.total) }
    }
}

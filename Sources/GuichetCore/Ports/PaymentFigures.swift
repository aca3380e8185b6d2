// SPDX-License-Identifier: MPL-2.0
import Foundation

/// What a procedure's fees brought in one month (UTC), for the published results: orders paid and their total, by
/// currency. No reference, no person, no operator's transaction.
package struct RevenueMonth: Sendable, Equatable {
    /// `2026-12`.
    package var month: String
    package var currency: String
    /// Orders paid (a fee stage of an application).
    package var payments: Int
    package var amount: Int

    package init(month: String, currency: String, payments: Int, amount: Int) {
        self.month = month
        self.currency = currency
        self.payments = payments
        self.amount = amount
    }
}

/// The payments' monthly revenue per procedure (Insights). Implemented by Payments, wired by the composition root.
package protocol PaymentFigures: Sendable {
    /// The procedure's revenue by month, for the months paid in `[from, until)`.
    func revenue(procedure: String, from: Date, until: Date) async throws -> [RevenueMonth]
}

/// No payments feature: no revenue.
package struct NoPaymentFigures: PaymentFigures {
    package init() {}
    package func revenue(procedure: String, from: Date, until: Date) async throws -> [RevenueMonth] { [] }
}

// SPDX-License-Identifier: MPL-2.0
import FluentKit
import Foundation

/// When a fee falls due: with the application, or once it is approved and before its document is issued.
package enum FeeStage: String, Codable, Sendable, CaseIterable {
    case submission
    case approval
}

/// One fee an application owes, as its form's rule computed it from the catalogue's cost: an integer amount in a
/// currency without minor units (XOF, XAF).
package struct FeeLine: Sendable, Equatable, Codable {
    /// Unique within the application (`stamp`, `delivery`): a repeated charge of the same line adds nothing.
    package var key: String
    package var labelFr: String
    package var labelEn: String
    package var amount: Int
    package var currency: String
    package var stage: FeeStage

    package init(key: String, labelFr: String, labelEn: String, amount: Int, currency: String, stage: FeeStage) {
        self.key = key
        self.labelFr = labelFr
        self.labelEn = labelEn
        self.amount = amount
        self.currency = currency
        self.stage = stage
    }
}

/// The application a fee is owed for: what the payments' books keep of it (no personal data).
package struct FeeSubject: Sendable, Equatable {
    package var applicationId: String
    package var reference: String
    package var procedureId: String
    package var institutionId: String
    package var country: String

    package init(applicationId: String, reference: String, procedureId: String, institutionId: String, country: String) {
        self.applicationId = applicationId
        self.reference = reference
        self.procedureId = procedureId
        self.institutionId = institutionId
        self.country = country
    }
}

/// Where an application's fees stand.
package struct FeeSummary: Sendable, Equatable {
    package struct Line: Sendable, Equatable {
        package var key: String
        package var labelFr: String
        package var labelEn: String
        package var amount: Int
        package var currency: String
        package var stage: FeeStage
        /// `due`, `pending` (a payment is under way), `paid`, `cancelled`, `refund_due`.
        package var status: String
        /// The receipt's verification code, once paid.
        package var receipt: String?

        package init(
            key: String, labelFr: String, labelEn: String, amount: Int, currency: String, stage: FeeStage, status: String, receipt: String?
        ) {
            self.key = key
            self.labelFr = labelFr
            self.labelEn = labelEn
            self.amount = amount
            self.currency = currency
            self.stage = stage
            self.status = status
            self.receipt = receipt
        }
    }

    package var lines: [Line]
    /// The person's page to pay what is due (nil when nothing is).
    package var payHref: String?

    package init(lines: [Line], payHref: String?) {
        self.lines = lines
        self.payHref = payHref
    }

    /// What is still to pay, by currency.
    package var unpaid: [String: Int] {
        lines.filter { $0.status == "due" || $0.status == "pending" }.reduce(into: [:]) { $0[$1.currency, default: 0] += $1.amount }
    }

    package var isSettled: Bool { unpaid.isEmpty }

    package func isSettled(stage: FeeStage) -> Bool {
        !lines.contains { $0.stage == stage && ($0.status == "due" || $0.status == "pending") }
    }
}

/// The payments' books, seen from the applications: fees are put on the books in the transaction of the step that asks
/// for them, and read back to show and to enforce. Implemented by Payments and wired by the composition root;
/// Applications never calls an operator.
package protocol FeeLedger: Sendable {
    /// Puts these fees on the books for the application (in the caller's transaction). A line already there (same
    /// application and key) is left as it is, so a retried step never charges twice.
    func charge(_ subject: FeeSubject, lines: [FeeLine], actor: String, on database: any Database) async throws
    /// The application was closed without being served (rejected, withdrawn): what is unpaid is cancelled; a payment
    /// that arrives later is flagged for refund.
    func cancel(application: String, actor: String, on database: any Database) async throws
    /// The application's fees, or nil when it owes none.
    func summary(application: String) async throws -> FeeSummary?
    /// The same, read in the caller's transaction.
    func summary(application: String, on database: any Database) async throws -> FeeSummary?
}

/// No payments feature: nothing is ever charged.
package struct NoFeeLedger: FeeLedger {
    package init() {}
    package func charge(_ subject: FeeSubject, lines: [FeeLine], actor: String, on database: any Database) async throws {}
    package func cancel(application: String, actor: String, on database: any Database) async throws {}
    package func summary(application: String) async throws -> FeeSummary? { nil }
    package func summary(application: String, on database: any Database) async throws -> FeeSummary? { nil }
}

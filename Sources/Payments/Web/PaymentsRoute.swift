// SPDX-License-Identifier: MPL-2.0
import GuichetCore

/// Every address of the payments, named once. Orders are named by a random id (a capability: whoever holds the link
/// from the confirmation or tracking page may pay), never by a name or a number.
package enum PaymentsRoute {
    /// The person's page to pay an order.
    package static let pay = Route("/pay/:id")
    /// One request to pay of that order: its state, refreshed until the operator answers.
    package static let request = Route("/pay/:id/requests/:request")
    /// The operator's callback (MoMo sends a PUT; a POST is taken too).
    package static let callback = Route("/payments/callback")
    /// A receipt in JSON, with its signature.
    package static let apiReceipt = Route("/api/v1/receipts/:code")

    // The back office.
    package static let counter = Route("/admin/payments/counter")
    package static let counterOrder = Route("/admin/payments/counter/:id")
    package static let till = Route("/admin/payments/till")
    package static let finance = Route("/admin/payments")
    package static let reconcile = Route("/admin/payments/reconcile")
    package static let reconciliation = Route("/admin/payments/reconciliations/:id")
    package static let reconciliationCSV = Route("/admin/payments/reconciliations/:id/report.csv")
}

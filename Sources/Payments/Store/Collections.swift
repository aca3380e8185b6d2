// SPDX-License-Identifier: MPL-2.0
import Applications
import Audit
import FluentKit
import Foundation
import GuichetCore
import Logging
import SQLKit

/// Taking the money: a request to pay sent to the operator after its row is committed (so a crash never leaves a
/// charge we do not know of), the operator's answer recorded once whatever way it comes (callback, status poll, the
/// person's page), cash or card recorded at a counter, and the receipt signed in the transaction that marks the order
/// paid. A second success for an order already paid, or one for a closed application, is flagged for refund.
package struct Collections: Sendable {
    let books: PaymentBooks
    let database: DatabaseService
    let provider: (any PaymentProvider)?
    let settings: PaymentSettings
    let keys: ApplicationKeys
    let casework: Casework
    let clock: any WallClock
    let logger: Logger

    package init(
        books: PaymentBooks, database: DatabaseService, provider: (any PaymentProvider)?, settings: PaymentSettings, keys: ApplicationKeys,
        casework: Casework, clock: any WallClock, logger: Logger
    ) {
        self.books = books
        self.database = database
        self.provider = provider
        self.settings = settings
        self.keys = keys
        self.casework = casework
        self.clock = clock
        self.logger = logger
    }

    /// The operators people may choose in the order's country.
    package func operators(country: String) -> [String] { provider == nil ? [] : settings.operators[country] ?? [] }

    // MARK: Mobile money

    /// Starts a request to pay (or finds the one this key, or another tab, already started) and sends it.
    package func startMobile(order id: String, operator name: String, phone raw: String, key: String, actor: String) async throws -> PaymentRequest {
        guard provider != nil else { throw AppError(.conflict, code: "payments_offline") }
        guard let order = try await books.order(id: id) else { throw AppError.notFound("order_not_found") }
        if let existing = try await requestByKey(key) { return try await sendIfUnsent(existing) }
        guard order.status == "due" || order.status == "pending" else { throw AppError.conflict("order_not_due") }
        guard operators(country: order.country).contains(name) else { throw AppError.validation(field: "operator", code: "operator_unknown") }
        let phone: PhoneNumber
        switch PhoneNumber.parse(raw, defaultCountry: order.country) {
        case .success(let number): phone = number
        case .failure(let problem): throw AppError.validation(field: "phone", code: problem.rawValue)
        }
        let now = clock.now
        let stamp = AuditLog.timestamp(now)
        let requestId = RandomID.uuid()
        let created: Bool
        do {
            created = try await database.writeTransaction { db in
                let sql = db.sql
                // A pending request of this order (another tab, a double click with another key) is the one to follow.
                if try await sql.raw("SELECT id FROM payment_requests WHERE order_id = \(bind: id) AND status = 'pending'").first() != nil {
                    return false
                }
                // Each request makes a handset ring: an order asks at most `maxRequestsPerHour` times an hour (a number
                // typed wrong, an approval refused), never a stream of prompts to someone's phone.
                let hourAgo = AuditLog.timestamp(now.addingTimeInterval(-3600))
                let recent =
                    try await sql.raw(
                        "SELECT COUNT(*) AS n FROM payment_requests WHERE order_id = \(bind: id) AND method = 'mobile_money' AND created_at >= \(bind: hourAgo)"
                    ).first(decoding: CountRow.self)?.n ?? 0
                guard recent < Self.maxRequestsPerHour else { throw AppError(.tooManyRequests, code: "payment_attempts") }
                try await sql.raw(
                    """
                    INSERT INTO payment_requests (id, order_id, method, operator, phone, amount, currency, status, refund, actor, \
                    idempotency_key, created_at, updated_at, expires_at) VALUES (\(bind: requestId), \(bind: id), 'mobile_money', \(bind: name), \
                    \(bind: phone.e164), \(bind: order.amount), \(bind: order.currency), 'pending', \(bind: false), \
                    \(bind: actor), \(bind: key), \(bind: stamp), \(bind: stamp), \
                    \(bind: AuditLog.timestamp(now.addingTimeInterval(settings.expirySeconds))))
                    """
                ).run()
                try await sql.raw(
                    "UPDATE payment_orders SET status = 'pending', updated_at = \(bind: stamp) WHERE id = \(bind: id) AND status = 'due'"
                )
                .run()
                try await AuditLog.append(
                    AuditEntry(
                        actor: actor, action: "payment.requested", entity: "payment_request", entityId: requestId,
                        summary: "\(order.reference) \(order.stage): \(order.amount) \(order.currency) by \(name)"), on: db)
                return true
            }
        } catch let error as AppError {
            throw error
        } catch {
            // The same key, or another pending request, won a race: follow it.
            if let existing = try await requestByKey(key) { return existing }
            if let pending = try await pendingRequest(order: id) { return pending }
            throw error
        }
        guard created else {
            guard let pending = try await pendingRequest(order: id) else { throw AppError.conflict("order_not_due") }
            return try await sendIfUnsent(pending)
        }
        return try await send(requestId, order: order)
    }

    /// Sends a written request to the operator and records what it said. Sending one again is harmless: the operator
    /// refuses a reference id it already has (409), which counts as accepted.
    func send(_ requestId: String, order: PaymentOrder) async throws -> PaymentRequest {
        guard let provider,
            let row = try await database.sql.raw(
                "SELECT phone, operator FROM payment_requests WHERE id = \(bind: requestId) AND status = 'pending'"
            ).first(decoding: PhoneRow.self)
        else { return try await books.request(id: requestId) ?? PaymentRequest.placeholder(requestId, order: order) }
        let outcome = await provider.requestToPay(
            reference: requestId, amount: order.amount, currency: order.currency, phone: row.phone ?? "", externalId: requestId,
            note: "Guichet \(order.reference)")
        switch outcome {
        case .accepted:
            try await database.writeTransaction { db in
                try await db.sql.raw("UPDATE payment_requests SET sent_at = \(bind: AuditLog.timestamp(clock.now)) WHERE id = \(bind: requestId)")
                    .run()
            }
        case .refused(let reason):
            try await fail(requestId, reason: reason, actor: "operator:\(row.operator)")
        case .uncertain(let reason):
            // Not known to have arrived: the status poll tells (an unknown reference then ends as not received).
            logger.warning("request to pay uncertain", metadata: ["request": "\(requestId)", "reason": "\(reason)"])
        }
        return try await books.request(id: requestId) ?? PaymentRequest.placeholder(requestId, order: order)
    }

    struct PhoneRow: Decodable {
        let phone: String?
        let `operator`: String
    }

    /// A request written but never known to be sent (the process stopped between the two, or the operator did not
    /// answer): sent again, once a few seconds have passed, when someone (the same form again, the worker) comes back
    /// to it.
    func sendIfUnsent(_ request: PaymentRequest) async throws -> PaymentRequest {
        guard request.status == "pending", request.method == "mobile_money", request.sentAt == nil,
            let created = Timestamps.parse(request.createdAt), clock.now.timeIntervalSince(created) >= 2,
            let order = try await books.order(id: request.orderId)
        else { return request }
        return try await send(request.id, order: order)
    }

    func requestByKey(_ key: String) async throws -> PaymentRequest? {
        try await database.sql.raw("SELECT * FROM payment_requests WHERE idempotency_key = \(bind: key)")
            .first(decoding: PaymentRequest.self, keyDecodingStrategy: .snakeCaseColumns)
    }

    func pendingRequest(order: String) async throws -> PaymentRequest? {
        try await database.sql.raw("SELECT * FROM payment_requests WHERE order_id = \(bind: order) AND status = 'pending'")
            .first(decoding: PaymentRequest.self, keyDecodingStrategy: .snakeCaseColumns)
    }

    /// Asks the operator where a pending request stands and records the answer (the person's page, the worker).
    @discardableResult
    package func refresh(_ request: PaymentRequest) async throws -> PaymentRequest {
        guard request.status == "pending", request.method == "mobile_money", let provider else { return request }
        let status: ProviderStatus
        do {
            status = try await provider.status(reference: request.id)
        } catch {
            logger.warning("payment status unavailable", metadata: ["request": "\(request.id)", "error": "\(String(describing: error).prefix(120))"])
            try await expireIfDue(request)
            return try await books.request(id: request.id) ?? request
        }
        try await record(request.id, status: status, via: "poll")
        if status == .pending { try await expireIfDue(request) }
        return try await books.request(id: request.id) ?? request
    }

    /// After a callback: the operator's own answer for the request, recorded (a failed status query leaves it to the
    /// worker's next round).
    package func confirm(_ request: PaymentRequest) async throws {
        guard request.method == "mobile_money", let provider else { return }
        do {
            try await record(request.id, status: try await provider.status(reference: request.id), via: "callback")
        } catch {
            logger.warning("payment status unavailable after callback", metadata: ["request": "\(request.id)"])
        }
    }

    /// Records what the operator says of a request, once: a repeated or late answer changes nothing more, except that
    /// money that moved is always recorded.
    package func record(_ requestId: String, status: ProviderStatus, via: String) async throws {
        let stamp = AuditLog.timestamp(clock.now)
        switch status {
        case .pending:
            try await database.writeTransaction { db in
                try await db.sql.raw("UPDATE payment_requests SET polled_at = \(bind: stamp) WHERE id = \(bind: requestId) AND status = 'pending'")
                    .run()
            }
        case .successful(let transaction):
            try await settle(requestId, transaction: transaction, actor: "operator:\(via)")
        case .failed(let reason):
            try await fail(requestId, reason: reason, actor: "operator:\(via)")
        case .unknown:
            // The operator never got it: after a minute (a request still in flight would have arrived), it ends.
            guard let request = try await books.request(id: requestId), request.status == "pending",
                let created = Timestamps.parse(request.createdAt), clock.now.timeIntervalSince(created) > 60
            else { return }
            try await fail(requestId, reason: "NOT_RECEIVED", actor: "operator:\(via)")
        }
    }

    /// A pending request past its expiry ends as expired; its order can be paid again.
    func expireIfDue(_ request: PaymentRequest) async throws {
        guard let expires = Timestamps.parse(request.expiresAt), clock.now > expires else { return }
        try await close(request.id, status: "expired", reason: "EXPIRED", actor: "system:payments")
    }

    func fail(_ requestId: String, reason: String, actor: String) async throws {
        try await close(requestId, status: "failed", reason: reason, actor: actor)
    }

    /// Ends a pending request without money (failed, expired): the number goes, the order is due again.
    func close(_ requestId: String, status: String, reason: String, actor: String) async throws {
        let stamp = AuditLog.timestamp(clock.now)
        try await database.writeTransaction { db in
            let sql = db.sql
            let closed = try await sql.raw(
                """
                UPDATE payment_requests SET status = \(bind: status), reason = \(bind: String(reason.prefix(120))), phone = NULL, \
                updated_at = \(bind: stamp) WHERE id = \(bind: requestId) AND status = 'pending' RETURNING order_id
                """
            ).all(decoding: OrderRow.self, keyDecodingStrategy: .snakeCaseColumns)
            guard let order = closed.first?.orderId else { return }
            try await sql.raw(
                "UPDATE payment_orders SET status = 'due', updated_at = \(bind: stamp) WHERE id = \(bind: order) AND status = 'pending'"
            )
            .run()
            try await AuditLog.append(
                AuditEntry(actor: actor, action: "payment.\(status)", entity: "payment_request", entityId: requestId, summary: reason), on: db)
        }
    }

    struct OrderRow: Decodable {
        let orderId: String
    }

    struct CountRow: Decodable {
        let n: Int
    }

    /// Requests to pay one order may start in an hour.
    static let maxRequestsPerHour = 5

    /// Money received for a request: the request is successful; its order is paid (with a signed receipt) if it was
    /// still owed, or flagged for refund if another payment or a closed application came first.
    func settle(_ requestId: String, transaction: String?, actor: String) async throws {
        let now = clock.now
        let stamp = AuditLog.timestamp(now)
        // An approval's fee issues the document in the same transaction: it is signed before (the transaction reads
        // nothing outside itself).
        var signed: PreparedDocument?
        if let request = try await books.request(id: requestId), let order = try await books.order(id: request.orderId),
            order.stage == FeeStage.approval.rawValue
        {
            signed = try await casework.prepareDocument(application: order.applicationId)
        }
        let prepared = signed
        try await database.writeTransaction { db in
            let sql = db.sql
            let moved = try await sql.raw(
                """
                UPDATE payment_requests SET status = 'successful', provider_tx = \(bind: transaction.map { String($0.prefix(80)) }), phone = NULL, \
                reason = NULL, updated_at = \(bind: stamp) WHERE id = \(bind: requestId) AND status IN ('pending', 'expired', 'failed', 'recorded') \
                RETURNING order_id
                """
            ).all(decoding: OrderRow.self, keyDecodingStrategy: .snakeCaseColumns)
            guard let orderId = moved.first?.orderId,
                let order = try await sql.raw("SELECT * FROM payment_orders WHERE id = \(bind: orderId)")
                    .first(decoding: PaymentOrder.self, keyDecodingStrategy: .snakeCaseColumns),
                let request = try await sql.raw("SELECT * FROM payment_requests WHERE id = \(bind: requestId)")
                    .first(decoding: PaymentRequest.self, keyDecodingStrategy: .snakeCaseColumns)
            else { return }
            switch order.status {
            case "due", "pending":
                let lines = try await sql.raw("SELECT * FROM payment_lines WHERE order_id = \(bind: orderId) ORDER BY fee_key")
                    .all(decoding: PaymentLine.self, keyDecodingStrategy: .snakeCaseColumns)
                let receipt = try Receipts.sign(order: order, lines: lines, request: request, at: stamp, keys: keys, simulated: settings.simulated)
                try await sql.raw(
                    """
                    UPDATE payment_orders SET status = 'paid', paid_request = \(bind: requestId), receipt_code = \(bind: receipt.code), \
                    paid_at = \(bind: stamp), updated_at = \(bind: stamp) WHERE id = \(bind: orderId)
                    """
                ).run()
                try await sql.insert(into: "payment_receipts").columns(
                    "code", "order_id", "request_id", "payload", "signature", "key_id", "issued_at"
                )
                .values(
                    SQLBind(receipt.code), SQLBind(orderId), SQLBind(requestId), SQLBind(receipt.payload), SQLBind(receipt.signature),
                    SQLBind(keys.keyId), SQLBind(stamp)
                ).run()
                try await AuditLog.append(
                    AuditEntry(
                        actor: actor, action: "payment.paid", entity: "payment_order", entityId: orderId,
                        summary: "\(order.reference) \(order.stage): \(order.amount) \(order.currency), \(request.method) \(request.operator), "
                            + "request \(requestId), receipt \(receipt.code)"), on: db)
                if let prepared, prepared.applicationId == order.applicationId {
                    try await casework.issuePaidDocument(prepared, actor: actor, on: db)
                }
            default:
                // Paid twice, or paid after the application was closed: the money goes back.
                try await sql.raw("UPDATE payment_requests SET refund = \(bind: true) WHERE id = \(bind: requestId)").run()
                if order.status == "cancelled" {
                    try await sql.raw("UPDATE payment_orders SET status = 'refund_due', updated_at = \(bind: stamp) WHERE id = \(bind: orderId)")
                        .run()
                }
                try await AuditLog.append(
                    AuditEntry(
                        actor: actor, action: "payment.refund_due", entity: "payment_request", entityId: requestId,
                        summary: "\(order.reference): \(request.amount) \(request.currency) received for an order \(order.status)"), on: db)
            }
        }
    }

    // MARK: The counter

    /// Cash or a card at a centre's counter: recorded as received at once, with its receipt; refused once the agent's
    /// till for the day is closed.
    package func recordCounter(order id: String, method: String, key: String, principal: Principal) async throws -> PaymentRequest {
        guard method == "cash" || method == "card" else { throw AppError.validation(field: "method", code: "method_unknown") }
        guard let order = try await books.order(id: id) else { throw AppError.notFound("order_not_found") }
        if let existing = try await requestByKey(key) { return existing }
        guard order.status == "due" || order.status == "pending" else { throw AppError.conflict("order_not_due") }
        let centre = principal.centres.first
        let now = clock.now
        let day = Timestamps.day(now)
        if try await Tills(database: database, clock: clock).isClosed(centre: centre ?? "", agent: principal.actor, day: day) {
            throw AppError.conflict("till_closed")
        }
        let stamp = AuditLog.timestamp(now)
        let requestId = RandomID.uuid()
        do {
            try await database.writeTransaction { db in
                try await db.sql.raw(
                    """
                    INSERT INTO payment_requests (id, order_id, method, operator, amount, currency, status, refund, actor, centre_id, idempotency_key, \
                    created_at, updated_at, expires_at) VALUES (\(bind: requestId), \(bind: id), \(bind: method), 'counter', \(bind: order.amount), \
                    \(bind: order.currency), 'recorded', \(bind: false), \(bind: principal.actor), \(bind: centre), \(bind: key), \(bind: stamp), \
                    \(bind: stamp), \(bind: stamp))
                    """
                ).run()
                try await AuditLog.append(
                    AuditEntry(
                        actor: principal.actor, action: "payment.counter", entity: "payment_request", entityId: requestId,
                        summary: "\(order.reference) \(order.stage): \(order.amount) \(order.currency) in \(method) at \(centre ?? "-")"), on: db)
            }
        } catch {
            if let existing = try await requestByKey(key) { return existing }
            throw error
        }
        // Recorded first, then settled like any payment, in order (the same receipt, the same checks).
        try await settle(requestId, transaction: nil, actor: principal.actor)
        return try await books.request(id: requestId) ?? PaymentRequest.placeholder(requestId, order: order)
    }

    // MARK: The worker's rounds

    /// Pending requests without news for a while are asked about; those past their expiry end.
    @discardableResult
    package func sweep() async throws -> Int {
        let cutoff = AuditLog.timestamp(clock.now.addingTimeInterval(-settings.pollSeconds))
        let stale = try await database.sql.raw(
            """
            SELECT * FROM payment_requests WHERE status = 'pending' AND COALESCE(polled_at, created_at) < \(bind: cutoff) \
            ORDER BY created_at LIMIT 50
            """
        ).all(decoding: PaymentRequest.self, keyDecodingStrategy: .snakeCaseColumns)
        for request in stale {
            let sent = try await sendIfUnsent(request)
            if sent.sentAt != nil, sent.sentAt != request.sentAt { continue }
            try await refresh(sent)
        }
        return stale.count
    }
}

extension PaymentRequest {
    /// Only if the row vanished between its write and its read, which the database does not do.
    static func placeholder(_ id: String, order: PaymentOrder) -> PaymentRequest {
        PaymentRequest(
            id: id, orderId: order.id, method: "mobile_money", operator: "", amount: order.amount, currency: order.currency, status: "pending",
            providerTx: nil, reason: nil, refund: false, actor: "", centreId: nil, createdAt: "", updatedAt: "", expiresAt: "", polledAt: nil,
            sentAt: nil)
    }
}

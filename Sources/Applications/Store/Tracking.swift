// SPDX-License-Identifier: MPL-2.0
import Audit
import Foundation
import GuichetCore
import SQLKit

/// Following an application with its reference and PIN: the tries are limited per reference and per address, and
/// what tracking shows (history and document code) is kept per revision.
package struct Tracking: Sendable {
    let database: DatabaseService
    let store: ApplicationStore
    let keys: ApplicationKeys
    let limiter: AttemptLimiter
    let historyCache = HistoryCache()

    init(database: DatabaseService, store: ApplicationStore, keys: ApplicationKeys) {
        self.database = database
        self.store = store
        self.keys = keys
        self.limiter = AttemptLimiter(database)
    }

    static let failureWindow: TimeInterval = 15 * 60
    package static let failuresPerReference = 5
    static let failuresPerAddress = 20

    /// The application behind a reference and PIN. Every try is counted per reference and per address *before* the PIN
    /// is compared (a right one is then uncounted), so parallel guesses cannot pass the limit; past it every try is
    /// refused (429) for the window, right PIN or not.
    package func track(reference typed: String, pin: String, address: String?) async throws -> ApplicationRecord {
        let reference = ApplicationReference.normalise(typed)
        var rules =
            address.map { [AttemptLimiter.Rule(bucket: "track-address:\($0)", limit: Self.failuresPerAddress, window: Self.failureWindow)] } ?? []
        if let reference {
            rules.append(AttemptLimiter.Rule(bucket: "track-ref:\(reference)", limit: Self.failuresPerReference, window: Self.failureWindow))
        }
        guard let reservation = try await limiter.reserve(rules) else { throw AppError(.tooManyRequests, code: "tracking_blocked") }
        guard let reference else { throw AppError.validation(field: "reference", code: "reference_invalid") }
        let record = try await store.application(reference: reference)
        let cleanPin = String(pin.filter { $0.isASCII && $0.isNumber }.prefix(12))
        // The reserved try stays counted: it is the failure.
        guard let record, CSRFMiddleware.constantTimeEqual(keys.pin(for: record.id), cleanPin) else {
            throw AppError.validation(field: "pin", code: "tracking_not_found")
        }
        try await limiter.release(reservation)
        return record
    }

    /// The browser that proved it knows the reference and PIN becomes the one that may correct the application.
    package func takeOwnership(_ record: ApplicationRecord, ownerHash: String, origin: ActionOrigin) async throws {
        try await database.writeTransaction { db in
            try await db.sql.update("applications").set("owner_hash", to: ownerHash).where("id", .equal, record.id).run()
            try await AuditLog.append(
                origin.entry("application.resumed", entity: "application", id: record.id, summary: "opened for correction with reference and PIN"),
                on: db)
        }
    }

    /// What tracking shows of an application: its history and its document's code. Every change that adds to the
    /// history also raises the revision, so the answer is kept per (application, revision) until the next change.
    package func publicHistory(_ record: ApplicationRecord) async throws -> (events: [ApplicationEvent], documentCode: String?) {
        if let cached = historyCache.get(record.id, revision: record.revision) { return cached }
        let events = try await store.events(record.id)
        let code = record.status == .documentIssued || record.status == .approved ? try await store.document(applicationId: record.id)?.code : nil
        historyCache.put(record.id, revision: record.revision, value: (events, code))
        return (events, code)
    }
}

/// The tracking answers of recently looked-up applications, each valid for one revision. Bounded: emptied past 20,000.
final class HistoryCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: (revision: Int, value: (events: [ApplicationEvent], documentCode: String?))] = [:]

    func get(_ id: String, revision: Int) -> (events: [ApplicationEvent], documentCode: String?)? {
        lock.withLock { entries[id].flatMap { $0.revision == revision ? $0.value : nil } }
    }

    func put(_ id: String, revision: Int, value: (events: [ApplicationEvent], documentCode: String?)) {
        lock.withLock {
            if entries.count >= 20_000 { entries.removeAll(keepingCapacity: true) }
            entries[id] = (revision, value)
        }
    }
}

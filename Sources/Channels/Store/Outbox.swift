// SPDX-License-Identifier: MPL-2.0
import Audit
import Crypto
import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// The notifications outbox: features queue messages in their own transactions (`Notifier`), the delivery worker
/// claims and sends them, the gateway's reports close them. A message's number is erased once it is delivered (or given
/// up); a keyed hash of it stays, to count and to honour STOP.
package struct Outbox: Notifier {
    let database: DatabaseService
    let localizer: Localizer
    let hasher: PhoneHasher
    let clock: any WallClock
    /// The deployment's default for "your turn is near" (a centre may switch it off or change it).
    let nearDefault: Int

    package init(
        database: DatabaseService, localizer: Localizer, hasher: PhoneHasher, nearDefault: Int = 3, clock: any WallClock = SystemClock()
    ) {
        self.nearDefault = nearDefault
        self.database = database
        self.localizer = localizer
        self.hasher = hasher
        self.clock = clock
    }

    package enum Status: String, Sendable, CaseIterable {
        /// Waiting for its time or its next try.
        case queued
        /// Claimed by a worker, which is talking to the gateway.
        case sending
        /// Accepted by the gateway (it gave an id); waiting for the delivery report.
        case sent
        case delivered
        /// The gateway reported that the handset could not be reached.
        case failed
        /// Given up after every try.
        case dead
        /// Dropped before it was sent (a cancelled appointment's reminder).
        case withdrawn
    }

    /// The template's language when the catalogues have it, else French.
    static func language(_ code: String) -> Language { Language(rawValue: code) ?? .fr }

    /// The message's text in its language, folded to GSM-7 where it can be.
    package func body(_ event: NoticeEvent, values: [String: String], language: String) -> String {
        SMSText.foldedForSMS(localizer.text("sms.\(event.rawValue)", Self.language(language), values))
    }

    // MARK: - Notifier

    package func subscribe(subject: String, phone: String, language: String, country: String?, on database: any Database) async throws {
        _ = try await subscribed(subject: subject, phone: phone, language: language, country: country, on: database)
    }

    package func subscribe(subject: String, phone: String, language: String, country: String?, thenNotify notice: Notice, on database: any Database)
        async throws
    {
        guard let (number, hash) = try await subscribed(subject: subject, phone: phone, language: language, country: country, on: database),
            notice.subject == subject
        else { return try await notify(notice, on: database) }
        try await enqueue(
            key: notice.key, subject: notice.subject, event: notice.event, phone: number.e164, phoneHash: hash, language: language,
            text: body(notice.event, values: notice.values, language: language), notBefore: notice.notBefore, on: database)
    }

    /// The number and its hash as subscribed; nil when the number cannot be reached (nothing is written).
    private func subscribed(subject: String, phone: String, language: String, country: String?, on database: any Database) async throws
        -> (PhoneNumber, String)?
    {
        // A number the gateways cannot reach gets no messages; the feature's own form said so when it checked it.
        guard case .success(let number) = PhoneNumber.parse(phone, defaultCountry: country) else { return nil }
        let now = AuditLog.timestamp(clock.now)
        let hash = hasher.hash(number)
        // One statement (an upsert) rather than a delete and an insert: it runs in the one writer's transaction.
        try await database.sql.raw(
            """
            INSERT INTO channel_subscriptions (subject, phone, phone_hash, language, created_at) \
            VALUES (\(bind: subject), \(bind: number.e164), \(bind: hash), \(bind: language), \(bind: now)) \
            ON CONFLICT (subject) DO UPDATE SET phone = excluded.phone, phone_hash = excluded.phone_hash, language = excluded.language, \
            created_at = excluded.created_at
            """
        ).run()
        return (number, hash)
    }

    package func notify(_ notice: Notice, on database: any Database) async throws {
        struct Row: Decodable {
            let phone: String
            let phoneHash: String
            let language: String
        }
        guard
            let row = try await database.sql.raw(
                "SELECT phone, phone_hash, language FROM channel_subscriptions WHERE subject = \(bind: notice.subject)"
            ).first(decoding: Row.self, keyDecodingStrategy: .snakeCaseColumns)
        else { return }
        try await enqueue(
            key: notice.key, subject: notice.subject, event: notice.event, phone: row.phone, phoneHash: row.phoneHash, language: row.language,
            text: body(notice.event, values: notice.values, language: row.language), notBefore: notice.notBefore, on: database)
    }

    package func withdraw(subject: String, events: [NoticeEvent], on database: any Database) async throws {
        guard !events.isEmpty else { return }
        let names: [any Encodable & Sendable] = events.map(\.rawValue)
        try await database.sql.raw(
            """
            UPDATE channel_outbox SET status = 'withdrawn', phone = NULL WHERE subject = \(bind: subject) AND status = 'queued' \
            AND event IN (\(binds: names))
            """
        ).run()
    }

    /// Ends a subject: nobody is told more about it, and its number goes.
    package func forget(subject: String, on database: any Database) async throws {
        try await database.sql.raw("DELETE FROM channel_subscriptions WHERE subject = \(bind: subject)").run()
    }

    package func nearThreshold(centre: String, on database: any Database) async throws -> Int? {
        struct Row: Decodable {
            let nearEnabled: Bool
            let nearThreshold: Int
        }
        guard
            let row = try await database.sql.raw(
                "SELECT near_enabled, near_threshold FROM channel_centre_settings WHERE centre_id = \(bind: centre)"
            ).first(decoding: Row.self, keyDecodingStrategy: .snakeCaseColumns)
        else { return nearDefault }
        return row.nearEnabled ? row.nearThreshold : nil
    }

    /// Queues a message unless its key is already queued or the number sent STOP. On PostgreSQL the unique key settles
    /// two writers of the same message (`ON CONFLICT DO NOTHING`), on SQLite the one writer finds it first.
    /// `afterStop`: the confirmation of STOP, the one message a number that just opted out still receives.
    func enqueue(
        key: String, subject: String?, event: NoticeEvent, phone: String, phoneHash: String, language: String, text: String, notBefore: Date?,
        afterStop: Bool = false, on database: any Database
    ) async throws {
        let sql = database.sql
        if !afterStop,
            try await sql.raw("SELECT phone_hash FROM channel_optouts WHERE phone_hash = \(bind: phoneHash)").first() != nil
        {
            return
        }
        let measure = SMSText.measure(text)
        let now = clock.now
        let due = AuditLog.timestamp(max(notBefore ?? now, now))
        try await sql.raw(
            """
            INSERT INTO channel_outbox (id, dedupe_key, subject, event, language, phone, phone_hash, body, encoding, segments, status, attempts, \
            next_attempt_at, created_at) VALUES (\(bind: RandomID.uuid()), \(bind: key), \(bind: subject), \(bind: event.rawValue), \
            \(bind: language), \(bind: phone), \(bind: phoneHash), \(bind: text), \(bind: measure.encoding.rawValue), \(bind: measure.segments), \
            'queued', 0, \(bind: due), \(bind: AuditLog.timestamp(now))) ON CONFLICT (dedupe_key) DO NOTHING
            """
        ).run()
    }

    /// A reply to a number that wrote to us (inbound SMS), in its own transaction; `key` names the inbound message.
    func reply(
        to number: PhoneNumber, text: String, language: String, key: String, afterStop: Bool = false, on database: any Database
    ) async throws {
        try await enqueue(
            key: key, subject: nil, event: .reply, phone: number.e164, phoneHash: hasher.hash(number), language: language,
            text: SMSText.foldedForSMS(text), notBefore: nil, afterStop: afterStop, on: database)
    }

    // MARK: - STOP

    /// The number wants no more messages: its subscriptions and unsent messages go, and STOP is remembered (by hash).
    func optOut(_ number: PhoneNumber, actor: String, on database: any Database) async throws {
        let hash = hasher.hash(number)
        let sql = database.sql
        try await sql.raw(
            "INSERT INTO channel_optouts (phone_hash, at) VALUES (\(bind: hash), \(bind: AuditLog.timestamp(clock.now))) ON CONFLICT DO NOTHING"
        ).run()
        try await sql.delete(from: "channel_subscriptions").where("phone_hash", .equal, hash).run()
        try await sql.raw("UPDATE channel_outbox SET status = 'withdrawn', phone = NULL WHERE phone_hash = \(bind: hash) AND status = 'queued'")
            .run()
        try await AuditLog.append(
            AuditEntry(actor: actor, action: "channels.opted_out", entity: "phone", entityId: String(hash.prefix(12)), summary: "STOP"), on: database,
            at: clock.now)
    }

    /// A number that wrote STOP and writes again (`START`) receives messages again.
    func optIn(_ number: PhoneNumber, actor: String, on database: any Database) async throws {
        let hash = hasher.hash(number)
        try await database.sql.delete(from: "channel_optouts").where("phone_hash", .equal, hash).run()
        try await AuditLog.append(
            AuditEntry(actor: actor, action: "channels.opted_in", entity: "phone", entityId: String(hash.prefix(12)), summary: "START"), on: database,
            at: clock.now)
    }
}

/// The keyed hash a number is known by once it is erased: the same number gives the same hash on every process of a
/// deployment (the site secret is the key), and a leaked table gives no number back by trying all nine-digit ones.
package struct PhoneHasher: Sendable {
    let key: SymmetricKey

    package init(key: SymmetricKey) {
        self.key = key
    }

    package func hash(_ number: PhoneNumber) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(("phone|" + number.e164).utf8), using: key)
        return mac.hexLowercase
    }
}

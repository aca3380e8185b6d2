// SPDX-License-Identifier: MPL-2.0
import Audit
import Crypto
import Foundation
import GuichetCore
import Hummingbird
import SQLKit

/// The gateway's callbacks: USSD screens, inbound SMS commands and delivery reports. Each must carry the deployment's
/// callback secret (the `secret` query parameter of the URL registered with the aggregator, or `X-Guichet-Secret`) and
/// come from an allowed address when a list is set; otherwise 403 and nothing changes. A malformed callback is a 400.
struct CallbacksController: Sendable {
    let settings: ChannelSettings
    let outbox: Outbox
    let delivery: Delivery
    let actions: ChannelActions
    let menu: USSDMenu
    let database: DatabaseService
    let clock: any WallClock

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post(ChannelsRoute.ussd, use: ussd)
        router.post(ChannelsRoute.sms, use: inbound)
        router.post(ChannelsRoute.delivery, use: report)
    }

    /// The callback's form fields, once its secret and address are checked.
    func authenticated(_ request: Request, _ context: AppRequestContext) async throws -> FormQuery {
        guard let secret = settings.callbackSecret else { throw AppError(.forbidden, code: "channels_not_configured") }
        let sent = request.headers[.xGuichetSecret] ?? request.uri.queryParameters["secret"].map(String.init) ?? ""
        guard CSRFMiddleware.constantTimeEqual(sent, secret) else { throw AppError(.forbidden, code: "callback_secret") }
        if !settings.allowedAddresses.isEmpty {
            guard let address = context.clientAddress, settings.allowedAddresses.contains(address) else {
                throw AppError(.forbidden, code: "callback_address")
            }
        }
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/x-www-form-urlencoded") else { throw AppError(.unsupportedMediaType, code: "form_expected") }
        var request = request
        let body = try await request.collectBody(upTo: 16 * 1024)
        return FormQuery(String(buffer: body))
    }

    func phone(_ form: FormQuery, _ field: String) throws -> PhoneNumber {
        guard let raw = form[field], !raw.isEmpty else { throw AppError(.badRequest, code: "callback_field", field: field) }
        switch PhoneNumber.parse(raw, defaultCountry: nil) {
        case .success(let number): return number
        case .failure(let problem): throw AppError(.badRequest, code: problem.rawValue, field: field)
        }
    }

    static func plain(_ text: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    // MARK: - USSD

    @Sendable func ussd(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await authenticated(request, context)
        guard let session = form["sessionId"], !session.isEmpty, session.utf8.count <= 100 else {
            throw AppError(.badRequest, code: "callback_field", field: "sessionId")
        }
        let number = try phone(form, "phoneNumber")
        let text = form["text"] ?? ""
        guard text.utf8.count <= 400 else { throw AppError(.badRequest, code: "callback_field", field: "text") }
        let inputs = text.isEmpty ? [] : text.split(separator: "*", omittingEmptySubsequences: false).map { String($0.prefix(40)) }
        let caller = USSDMenu.Caller(phone: number, hash: outbox.hasher.hash(number), session: session)
        let sessions = USSDSessions(database: database, timeout: settings.ussdTimeout, clock: clock)
        var stored = try await sessions.load(session, phoneHash: caller.hash)
        // A repeated request (the network's retry) finds its inputs already applied: the same screen is shown again.
        if inputs.count == stored.inputs, let screen = stored.screen { return Self.plain(screen) }
        guard inputs.count >= stored.inputs else {
            return Self.plain(USSDReply(text: SMSText.foldedForUSSD(actions.t("ussd.expired", "fr")), end: true).wire)
        }
        var reply: USSDReply?
        for input in inputs[stored.inputs...] {
            reply = try await menu.apply(input.trimmingCharacters(in: .whitespaces), to: &stored.state, caller: caller)
            if reply != nil { break }
        }
        let answer: USSDReply
        if let reply {
            answer = USSDReply(text: USSDMenu.clip(SMSText.foldedForUSSD(reply.text)), end: true)
        } else {
            answer = try await menu.render(stored.state, caller: caller)
        }
        try await sessions.save(session, phoneHash: caller.hash, state: stored.state, inputs: inputs.count, screen: answer.wire, end: answer.end)
        return Self.plain(answer.wire)
    }

    // MARK: - Inbound SMS

    @Sendable func inbound(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await authenticated(request, context)
        let number = try phone(form, "from")
        guard let id = form["id"], !id.isEmpty, id.utf8.count <= 100 else { throw AppError(.badRequest, code: "callback_field", field: "id") }
        let text = String((form["text"] ?? "").prefix(480))
        let hash = outbox.hasher.hash(number)
        let command = SMSCommand.parse(text)
        let language = SMSCommand.language(of: text)
        // The same inbound message delivered twice is answered once.
        let first = try await database.writeTransaction { db in
            try await db.sql.raw(
                """
                INSERT INTO channel_inbound (provider_id, phone_hash, command, received_at) VALUES (\(bind: id), \(bind: hash), \
                \(bind: Self.name(command)), \(bind: AuditLog.timestamp(clock.now))) ON CONFLICT (provider_id) DO NOTHING RETURNING provider_id
                """
            ).first() != nil
        }
        guard first else { return Self.plain("OK") }
        let answer: String?
        switch command {
        case .stop:
            // One transaction: the number opts out and gets its last message, the confirmation.
            answer = nil
            try await database.writeTransaction { db in
                try await outbox.optOut(number, actor: "sms:\(hash.prefix(12))", on: db)
                try await outbox.reply(
                    to: number, text: actions.t("sms.stopped", language), language: language, key: "inbound:\(id)", afterStop: true, on: db)
            }
        case .start:
            try await database.writeTransaction { db in try await outbox.optIn(number, actor: "sms:\(hash.prefix(12))", on: db) }
            answer = actions.t("sms.started", language)
        case .help, .unknown:
            answer = actions.t("sms.help", language)
        case .usage(let keyword):
            answer = actions.t("sms.usage.\(keyword)", language)
        case .track(let reference, let pin):
            answer = await actions.track(reference: reference, pin: pin, address: hash, language: language)
        case .position(let code):
            answer = await actions.position(code: code, language: language)
        case .rate(let code, let rating):
            answer = await actions.rate(code: code, rating: rating, language: language)
        case .ticket(let centreName, let serviceName):
            if let centre = try await actions.centre(named: centreName, country: number.country),
                let service = try await actions.service(serviceName, of: centre)
            {
                answer = await actions.takeTicket(centre: centre, serviceId: service.id, phone: number, language: language, token: "sms:\(id)")
            } else {
                answer = actions.t("sms.ticket_unknown", language)
            }
        }
        if let answer {
            try await database.writeTransaction { db in
                try await outbox.reply(to: number, text: answer, language: language, key: "inbound:\(id)", on: db)
            }
        }
        return Self.plain("OK")
    }

    static func name(_ command: SMSCommand) -> String {
        switch command {
        case .track: "track"
        case .ticket: "ticket"
        case .position: "position"
        case .rate: "rate"
        case .stop: "stop"
        case .start: "start"
        case .help: "help"
        case .usage(let keyword): "usage:\(keyword)"
        case .unknown: "unknown"
        }
    }

    // MARK: - Delivery reports

    @Sendable func report(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await authenticated(request, context)
        guard let id = form["id"], !id.isEmpty, id.utf8.count <= 200 else { throw AppError(.badRequest, code: "callback_field", field: "id") }
        guard let status = form["status"], !status.isEmpty, status.utf8.count <= 40 else {
            throw AppError(.badRequest, code: "callback_field", field: "status")
        }
        try await delivery.report(providerId: id, status: status, reason: form["failureReason"].flatMap { $0.isEmpty ? nil : $0 })
        return Self.plain("OK")
    }
}

/// USSD sessions in the database, so that any server process can take the next screen; one past the aggregator's
/// timeout starts again.
struct USSDSessions: Sendable {
    let database: DatabaseService
    let timeout: Double
    let clock: any WallClock

    struct Stored {
        var state: USSDState
        var inputs: Int
        var screen: String?
    }

    func load(_ session: String, phoneHash: String) async throws -> Stored {
        struct Row: Decodable {
            let phoneHash: String
            let state: String
            let inputs: Int
            let screen: String
            let updatedAt: String
        }
        let fresh = Stored(state: USSDState(), inputs: 0, screen: nil)
        guard
            let row = try await database.sql.select().columns("phone_hash", "state", "inputs", "screen", "updated_at").from("channel_ussd_sessions")
                .where("session_id", .equal, session).first(decoding: Row.self, keyDecodingStrategy: .snakeCaseColumns),
            row.phoneHash == phoneHash, let updated = Timestamps.parse(row.updatedAt), clock.now.timeIntervalSince(updated) <= timeout,
            let state = try? JSONDecoder().decode(USSDState.self, from: Data(row.state.utf8))
        else { return fresh }
        return Stored(state: state, inputs: row.inputs, screen: row.screen)
    }

    func save(_ session: String, phoneHash: String, state: USSDState, inputs: Int, screen: String, end: Bool) async throws {
        let json = String(decoding: (try? JSONEncoder().encode(state)) ?? Data("{}".utf8), as: UTF8.self)
        let now = AuditLog.timestamp(clock.now)
        let cutoff = AuditLog.timestamp(clock.now.addingTimeInterval(-timeout))
        try await database.writeTransaction { db in
            let sql = db.sql
            try await sql.delete(from: "channel_ussd_sessions").where("session_id", .equal, session).run()
            try await sql.delete(from: "channel_ussd_sessions").where("updated_at", .lessThan, cutoff).run()
            try await sql.insert(into: "channel_ussd_sessions").columns("session_id", "phone_hash", "state", "inputs", "screen", "updated_at")
                .values(SQLBind(session), SQLBind(phoneHash), SQLBind(json), SQLBind(inputs), SQLBind(screen), SQLBind(now)).run()
        }
    }
}

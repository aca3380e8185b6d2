// SPDX-License-Identifier: MPL-2.0
import Audit
import Centres
import Foundation
import GuichetCore
import Hummingbird
import SQLKit

/// The back office's view of the messages: counts per event and status, the latest failures with their reasons (never
/// a number), and each centre's "your turn is near" switch and threshold. Administrators and centre managers; a manager
/// changes only the centres they manage. Every change of a switch is audited.
struct MessagesController: Sendable {
    let renderer: Renderer
    let database: DatabaseService
    let directory: DirectoryRepository
    let outbox: Outbox
    let clock: any WallClock

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(ChannelsRoute.messages, use: page)
        router.post(ChannelsRoute.centreSettings, use: saveCentre)
    }

    static func principal(_ context: AppRequestContext) throws -> Principal {
        try context.require(.administrator, .centreManager)
    }

    struct CountRow: Decodable {
        let event: String
        let status: String
        let n: Int
    }

    struct FailureRow: Decodable {
        let event: String
        let status: String
        let attempts: Int
        let lastError: String?
        let createdAt: String
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try Self.principal(context)
        let page = PageContext(context, localizer: renderer.localizer, keys: "channels")
        let counts = try await database.sql.raw("SELECT event, status, COUNT(*) AS n FROM channel_outbox GROUP BY event, status")
            .all(decoding: CountRow.self)
        let statuses = Outbox.Status.allCases.map(\.rawValue)
        let events = NoticeEvent.allCases.map(\.rawValue)
        let rows = events.compactMap { event -> MessageCountRow? in
            let cells = statuses.map { status in counts.first { $0.event == event && $0.status == status }?.n ?? 0 }
            guard cells.contains(where: { $0 > 0 }) else { return nil }
            return MessageCountRow(event: page.t("event.\(event)"), cells: cells.map(String.init), total: String(cells.reduce(0, +)))
        }
        let failures = try await database.sql.raw(
            """
            SELECT event, status, attempts, last_error, created_at FROM channel_outbox WHERE status IN ('failed', 'dead') OR \
            (status = 'queued' AND attempts > 0) ORDER BY created_at DESC LIMIT 20
            """
        ).all(decoding: FailureRow.self, keyDecodingStrategy: .snakeCaseColumns)
        var centres: [CentreSwitch] = []
        for centre in try await directory.centres() where principal.actsFor(centre: centre.id) {
            let threshold = try await outbox.nearThreshold(centre: centre.id, on: database.db)
            centres.append(
                CentreSwitch(
                    id: centre.id, name: centre.name.text(page.language), enabled: threshold != nil,
                    threshold: String(threshold ?? outbox.nearDefault), action: page.link(ChannelsRoute.centreSettings, centre.id)))
        }
        let model = MessagesPage(
            statuses: statuses.map { page.t("outbox_status.\($0)") }, rows: rows,
            failures: failures.map {
                FailureLine(
                    event: page.t("event.\($0.event)"), status: page.t("outbox_status.\($0.status)"), attempts: String($0.attempts),
                    reason: $0.lastError ?? "—", at: String($0.createdAt.prefix(16)).replacingOccurrences(of: "T", with: " "))
            }, centres: centres, saved: request.form["saved"] != nil)
        return try renderer.page("channels-messages", title: page.t("messages.title"), page: model, request: request, context: context)
    }

    @Sendable func saveCentre(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try Self.principal(context)
        let centreId = try context.pathValue()
        guard try await directory.centre(centreId) != nil else { throw AppError.notFound("centre_not_found") }
        guard principal.actsFor(centre: centreId) else { throw AppError(.forbidden, code: "forbidden") }
        let form = context.postForm
        let enabled = form["enabled"] == "1"
        guard let threshold = form["threshold"].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }), (1...50).contains(threshold) else {
            throw AppError.validation(field: "threshold", code: "threshold_invalid")
        }
        let now = clock.now
        try await database.writeTransaction { db in
            try await db.sql.delete(from: "channel_centre_settings").where("centre_id", .equal, centreId).run()
            try await db.sql.insert(into: "channel_centre_settings").columns("centre_id", "near_enabled", "near_threshold", "updated_at")
                .values(SQLBind(centreId), SQLBind(enabled), SQLBind(threshold), SQLBind(AuditLog.timestamp(now))).run()
            try await AuditLog.append(
                ActionOrigin(actor: principal.actor, requestId: context.requestId, address: context.clientAddress).entry(
                    "channels.centre_settings", entity: "centre", id: centreId, summary: "near=\(enabled ? "on" : "off") threshold=\(threshold)"),
                on: db)
        }
        let page = PageContext(context, localizer: renderer.localizer, keys: "channels")
        var response = Response(status: .seeOther)
        response.headers[.location] = page.link(ChannelsRoute.messages, query: [("saved", "1")])
        return response
    }
}

struct MessageCountRow {
    let event: String
    let cells: [String]
    let total: String
}

struct FailureLine {
    let event: String
    let status: String
    let attempts: String
    let reason: String
    let at: String
}

struct CentreSwitch {
    let id: String
    let name: String
    let enabled: Bool
    let threshold: String
    let action: String
}

struct MessagesPage {
    let statuses: [String]
    let rows: [MessageCountRow]
    let failures: [FailureLine]
    let centres: [CentreSwitch]
    let saved: Bool
    let hasRows: Bool
    let hasFailures: Bool

    init(statuses: [String], rows: [MessageCountRow], failures: [FailureLine], centres: [CentreSwitch], saved: Bool) {
        self.statuses = statuses
        self.rows = rows
        self.failures = failures
        self.centres = centres
        self.saved = saved
        hasRows = !rows.isEmpty
        hasFailures = !failures.isEmpty
    }
}

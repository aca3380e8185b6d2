// SPDX-License-Identifier: MPL-2.0
import Audit
import Foundation
import GuichetCore
import SQLKit

/// The applications' facts for the published results and the open data (`ApplicationFigures`): where each belongs,
/// its channel and its dates, never who filed it or what they answered. Drafts (never submitted) are not counted.
package struct ApplicationFiguresSource: ApplicationFigures {
    let sql: any SQLDatabase
    /// The demo's simulated applications count only in the demo.
    let simulated: SimulatedRows

    package init(database: DatabaseService, simulated: SimulatedRows = .excluded) {
        self.sql = database.sql
        self.simulated = simulated
    }

    struct Row: Decodable {
        let procedureId: String
        let institutionId: String
        let country: String
        let channel: String
        let status: String
        let submittedAt: String
        let decidedAt: String?
        let dueAt: String?
        let sentBackAt: String?
    }

    /// The first time each application was sent back for a correction (a constant statement: nothing from input).
    static let firstSentBack = SQLRaw(
        "(SELECT MIN(e.at) FROM application_events e WHERE e.application_id = applications.id AND e.to_status = 'action_required')")

    package func applications(from: Date, until: Date) async throws -> [ApplicationFact] {
        let start = AuditLog.timestamp(from)
        let end = AuditLog.timestamp(until)
        let rows = try await sql.select()
            .columns("procedure_id", "institution_id", "country", "channel", "status", "submitted_at", "decided_at", "due_at")
            .column(SQLAlias(Self.firstSentBack, as: SQLIdentifier("sent_back_at")))
            .from("applications")
            .where("submitted_at", .isNot, SQLLiteral.null)
            .where("submitted_at", .lessThan, end)
            .where { group in
                group.where("submitted_at", .greaterThanOrEqual, start).orWhere("decided_at", .greaterThanOrEqual, start)
                    .orWhere(Self.firstSentBack, .greaterThanOrEqual, SQLBind(start))
            }
            .filtering(simulated)
            .orderBy("submitted_at")
            .all(decoding: Row.self, keyDecodingStrategy: .snakeCaseColumns)
        return rows.compactMap { row in
            guard let submitted = Timestamps.parse(row.submittedAt), let status = ApplicationStatus(rawValue: row.status) else { return nil }
            // A decision after `until` is not known yet at `until`.
            let decided = Timestamps.parse(row.decidedAt).flatMap { $0 < until ? $0 : nil }
            let approved: Bool? = decided == nil ? nil : (status == .rejected ? false : status.isFinal ? true : nil)
            return ApplicationFact(
                procedureId: row.procedureId, institutionId: row.institutionId, country: row.country, channel: row.channel, submittedAt: submitted,
                decidedAt: approved == nil ? nil : decided, dueAt: Timestamps.parse(row.dueAt), approved: approved,
                sentBackAt: Timestamps.parse(row.sentBackAt).flatMap { $0 < until ? $0 : nil })
        }
    }
}

// SPDX-License-Identifier: MPL-2.0
import Audit
import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// The network's commitments as a manager edits them (`CommitmentDraft`): one per kind, each published or not, checked
/// before anything is written, then written in place of the previous ones with their audit event in one transaction.
package struct CommitmentsService: Sendable {
    let database: DatabaseService
    let directory: DirectoryRepository
    let clock: any WallClock

    package init(database: DatabaseService, directory: DirectoryRepository, clock: any WallClock) {
        self.database = database
        self.directory = directory
        self.clock = clock
    }

    /// Replaces the network's commitments; false (and nothing written) when they are already these.
    @discardableResult
    package func replace(with commitments: [Commitment], origin: ActionOrigin, at date: Date? = nil) async throws -> Bool {
        let date = date ?? clock.now
        guard try await directory.commitments() != commitments else { return false }
        try await database.writeTransaction { db in
            let sql = db.sql
            try await sql.delete(from: "centre_commitments").run()
            for (position, commitment) in commitments.enumerated() {
                try await sql.insert(into: "centre_commitments")
                    .columns("id", "kind", "threshold_minutes", "target_percent", "position", "label_fr", "label_en")
                    .values(
                        SQLBind(commitment.kind.rawValue), SQLBind(commitment.kind.rawValue), SQLBind(commitment.minutes), SQLBind(commitment.target),
                        SQLBind(position), SQLBind(commitment.label?.fr), SQLBind(commitment.label?.en)
                    ).run()
            }
            try await AuditLog.append(
                origin.entry("commitments.set", entity: "commitments", id: nil, summary: Commitment.summary(commitments)), on: db, at: date)
        }
        return true
    }
}

// SPDX-License-Identifier: MPL-2.0
import Audit
import FluentKit
import Foundation
import GuichetCore

/// Needs recorded by analysts and their decisions on matched solutions, every change audited.
package struct NeedRepository: Sendable {
    let source: DatabaseSource
    package var db: any Database { source.db }

    package init(db: any Database) {
        source = DatabaseSource(db)
    }

    /// On the server's database, built once by `EcosystemModule`.
    package init(service: DatabaseService) {
        source = DatabaseSource(service)
    }

    /// Records the need once per submission key: a retried form finds the need it created (`created` is then false).
    package func record(_ need: Need, submissionKey: String, requestId: String? = nil) async throws -> (need: Need, created: Bool) {
        try await db.transaction { db in
            if let existing = try await NeedRow.query(on: db).filter(\.$submissionKey == submissionKey).first() {
                return (try Self.decode(existing), false)
            }
            let row = NeedRow()
            row.id = need.id
            row.submissionKey = submissionKey
            row.procedureId = need.procedureId
            row.createdAt = need.createdAt
            row.data = String(decoding: try SolutionRepository.encoder.encode(need), as: UTF8.self)
            try await row.create(on: db)
            try await AuditLog.append(
                AuditEntry(
                    actor: need.createdBy, action: "need.created", entity: "need", entityId: need.id,
                    summary: "need of \(need.institution)" + (need.procedureId.map { " for \($0)" } ?? ""), requestId: requestId),
                on: db)
            return (need, true)
        }
    }

    static func decode(_ row: NeedRow) throws -> Need {
        try JSONDecoder().decode(Need.self, from: Data(row.data.utf8))
    }

    package func need(id: String) async throws -> Need? {
        try await NeedRow.find(id, on: db).map(Self.decode)
    }

    package func all() async throws -> [Need] {
        try await NeedRow.query(on: db).sort(\.$createdAt, .descending).all().map(Self.decode)
    }

    /// Per procedure id: how many needs were recorded and the yearly volume they declare, for the ranking of what to digitalise.
    package func totalsByProcedure() async throws -> [String: (needs: Int, volume: Int)] {
        var totals: [String: (needs: Int, volume: Int)] = [:]
        for need in try await all() {
            guard let id = need.procedureId else { continue }
            let current = totals[id] ?? (0, 0)
            totals[id] = (current.needs + 1, current.volume + (need.yearlyVolume ?? 0))
        }
        return totals
    }

    /// Confirms or dismisses a match; deciding again replaces the decision. Audited in the same transaction.
    package func decide(needId: String, solutionId: String, decision: MatchDecision, actor: String, requestId: String? = nil) async throws {
        try await db.transaction { db in
            let id = "\(needId)|\(solutionId)"
            let row = try await MatchDecisionRow.find(id, on: db) ?? MatchDecisionRow()
            if row.id != nil, row.decision == decision.rawValue { return }
            row.id = id
            row.needId = needId
            row.solutionId = solutionId
            row.decision = decision.rawValue
            row.decidedBy = actor
            row.decidedAt = AuditLog.timestamp()
            try await row.save(on: db)
            try await AuditLog.append(
                AuditEntry(
                    actor: actor, action: "match.\(decision.rawValue)", entity: "need", entityId: needId, summary: "solution \(solutionId)",
                    requestId: requestId),
                on: db)
        }
    }

    package func decisions(needId: String) async throws -> [String: MatchDecision] {
        var result: [String: MatchDecision] = [:]
        for row in try await MatchDecisionRow.query(on: db).filter(\.$needId == needId).all() {
            result[row.solutionId] = MatchDecision(rawValue: row.decision)
        }
        return result
    }

    /// Procedures with at least one confirmed solution, for readiness in the ranking.
    package func proceduresWithConfirmedSolutions() async throws -> Set<String> {
        let confirmed = try await MatchDecisionRow.query(on: db).filter(\.$decision == MatchDecision.confirmed.rawValue).all().map(\.needId)
        guard !confirmed.isEmpty else { return [] }
        return Set(try await NeedRow.query(on: db).filter(\.$id ~~ confirmed).all().compactMap(\.procedureId))
    }
}

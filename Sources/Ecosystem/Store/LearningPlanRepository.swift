// SPDX-License-Identifier: MPL-2.0
import Audit
import Crypto
import FluentKit
import Foundation
import GuichetCore
import SQLKit

package enum TermKind: String, Sendable, CaseIterable {
    case country, sdg
    case thematicArea = "thematic_area"
    case method
    case dataSource = "datasource"
    case sector, channel

    /// One id per kind and value compared without case or surrounding spaces.
    package func termId(_ value: String) -> String {
        let key = value.trimmingCharacters(in: .whitespaces).lowercased()
        let digest = SHA256.hash(data: Data("\(rawValue)|\(key)".utf8)).prefix(8).hexLowercase
        return "\(rawValue)-\(digest)"
    }
}

package enum ImportOutcome: String, Sendable, Equatable {
    case created, updated, unchanged
}

/// Learning plans in the database: import (create or update, with their links), lists with filters, one plan.
package struct LearningPlanRepository: Sendable {
    let source: DatabaseSource
    package var db: any Database { source.db }

    package init(db: any Database) {
        source = DatabaseSource(db)
    }

    /// On the server's database, built once by `EcosystemModule`.
    package init(service: DatabaseService) {
        source = DatabaseSource(service)
    }

    package struct Filter: Sendable, Equatable {
        package var country: String?
        package var sdg: Int?
        package var thematicArea: String?
        package var year: Int?

        package init(country: String? = nil, sdg: Int? = nil, thematicArea: String? = nil, year: Int? = nil) {
            self.country = country
            self.sdg = sdg
            self.thematicArea = thematicArea
            self.year = year
        }
    }

    package struct Summary: Sendable, Equatable {
        package var id: String
        package var title: String
        package var country: String?
        package var year: Int?
    }

    package struct Facet: Sendable, Equatable {
        package var value: String
        package var count: Int
    }

    /// Stores one plan in one transaction with its links and its audit event: a plan already there (same id) is updated.
    @discardableResult
    package func importPlan(_ plan: LearningPlan, actor: String, requestId: String? = nil) async throws -> ImportOutcome {
        let id = plan.id
        let text = LabsFormat.write(plan.document)
        return try await db.transaction { db in
            let now = AuditLog.timestamp()
            let existing = try await LearningPlanRow.find(id, on: db)
            if let existing, existing.document == text { return .unchanged }
            let row = existing ?? LearningPlanRow()
            row.id = id
            row.title = plan.title
            row.country = plan.country
            row.year = plan.year
            row.document = text
            row.updatedAt = now
            if existing == nil { row.createdAt = now }
            try await row.save(on: db)
            try await PlanTermRow.query(on: db).filter(\.$planId == id).delete()
            var links: [(TermKind, String)] = []
            if let country = plan.country { links.append((.country, country)) }
            links += plan.sdgs.map { (.sdg, String($0.number)) }
            links += plan.thematicAreas.map { (.thematicArea, $0) }
            links += plan.methods.map { (.method, $0) }
            links += plan.dataSources.map { (.dataSource, $0) }
            var linked = Set<String>()
            for (position, (kind, value)) in links.enumerated() {
                let termId = try await Self.term(kind, value, on: db)
                guard linked.insert(termId).inserted else { continue }
                let link = PlanTermRow()
                link.id = "\(id)|\(termId)"
                link.planId = id
                link.termId = termId
                link.position = position
                try await link.create(on: db)
            }
            let outcome: ImportOutcome = existing == nil ? .created : .updated
            try await AuditLog.append(
                AuditEntry(
                    actor: actor, action: "learning_plan.\(outcome.rawValue)", entity: "learning_plan", entityId: id,
                    summary: plan.title, requestId: requestId),
                on: db)
            return outcome
        }
    }

    /// The id of the term, created when it is new.
    static func term(_ kind: TermKind, _ value: String, on db: any Database) async throws -> String {
        let id = kind.termId(value)
        if try await TermRow.find(id, on: db) == nil {
            let term = TermRow()
            term.id = id
            term.kind = kind.rawValue
            term.value = value.trimmingCharacters(in: .whitespaces)
            try await term.create(on: db)
        }
        return id
    }

    package func list(_ filter: Filter, limit: Int = 500) async throws -> [Summary] {
        var ids: Set<String>?
        let terms: [(TermKind, String)] =
            [filter.country.map { (.country, $0) }, filter.sdg.map { (.sdg, String($0)) }, filter.thematicArea.map { (.thematicArea, $0) }]
            .compactMap { $0 }
        for (kind, value) in terms {
            let found = Set(try await PlanTermRow.query(on: db).filter(\.$termId == kind.termId(value)).all().map(\.planId))
            ids = ids.map { $0.intersection(found) } ?? found
        }
        var query = LearningPlanRow.query(on: db)
        if let ids { query = query.filter(\.$id ~~ Array(ids)) }
        if let year = filter.year { query = query.filter(\.$year == year) }
        let rows = try await query.sort(\.$year, .descending).sort(\.$title).limit(limit).all()
        return rows.map { Summary(id: $0.id ?? "", title: $0.title, country: $0.country, year: $0.year) }
    }

    /// Values present in the plans, with how many plans have each, per kind.
    package func facets() async throws -> [TermKind: [LearningPlanRepository.Facet]] {
        try await TermFacets.count(links: PlanTermRow.schema, on: db)
    }

    package func years() async throws -> [Int] {
        let rows = try await LearningPlanRow.query(on: db).field(\.$year).all()
        return Set(rows.compactMap(\.year)).sorted(by: >)
    }

    /// The stored document, as the platform's format (what `learning-plan export` writes).
    package func exportText(id: String) async throws -> String? {
        try await LearningPlanRow.find(id, on: db)?.document
    }

    package func plan(id: String) async throws -> LearningPlan? {
        guard let text = try await exportText(id: id) else { return nil }
        return try LearningPlan(text: text)
    }

    package func count() async throws -> Int {
        try await LearningPlanRow.query(on: db).count()
    }
}

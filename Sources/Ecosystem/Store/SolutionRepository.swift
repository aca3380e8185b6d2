// SPDX-License-Identifier: MPL-2.0
import Audit
import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// Solutions in the database: imports (all rows of one import in one transaction), lists with filters, one solution.
package struct SolutionRepository: Sendable {
    let source: DatabaseSource
    package var db: any Database { source.db }

    package init(db: any Database) {
        source = DatabaseSource(db)
    }

    /// On the server's database, built once by `EcosystemModule`.
    package init(service: DatabaseService) {
        source = DatabaseSource(service)
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    package struct Filter: Sendable, Equatable {
        package var country: String?
        package var sdg: Int?
        package var thematicArea: String?
        package var maturity: Maturity?
        package var channel: Channel?

        package init(country: String? = nil, sdg: Int? = nil, thematicArea: String? = nil, maturity: Maturity? = nil, channel: Channel? = nil) {
            self.country = country
            self.sdg = sdg
            self.thematicArea = thematicArea
            self.maturity = maturity
            self.channel = channel
        }
    }

    /// Creates or updates every solution in one transaction with its links and audit events; the outcome of each, in order.
    package func importSolutions(_ solutions: [Solution], actor: String, requestId: String? = nil) async throws -> [ImportOutcome] {
        try await db.transaction { db in
            var outcomes: [ImportOutcome] = []
            for solution in solutions {
                outcomes.append(try await Self.save(solution, actor: actor, requestId: requestId, on: db))
            }
            return outcomes
        }
    }

    static func save(_ solution: Solution, actor: String, requestId: String?, on db: any Database) async throws -> ImportOutcome {
        let data = String(decoding: try encoder.encode(solution), as: UTF8.self)
        let existing = try await SolutionRow.find(solution.id, on: db)
        if let existing, existing.data == data { return .unchanged }
        let now = AuditLog.timestamp()
        let row = existing ?? SolutionRow()
        row.id = solution.id
        row.source = solution.source.rawValue
        row.name = solution.name
        row.maturity = solution.maturity?.rawValue
        row.year = solution.year
        row.data = data
        row.updatedAt = now
        if existing == nil { row.createdAt = now }
        try await row.save(on: db)
        try await SolutionTermRow.query(on: db).filter(\.$solutionId == solution.id).delete()
        var links: [(TermKind, String)] = solution.countries.map { (.country, $0) }
        links += solution.sdgs.map { (.sdg, String($0)) }
        links += solution.thematicAreas.map { (.thematicArea, $0) }
        links += solution.sectors.map { (.sector, $0) }
        links += solution.channels.map { (.channel, $0.rawValue) }
        var linked = Set<String>()
        for (position, (kind, value)) in links.enumerated() {
            let termId = try await LearningPlanRepository.term(kind, value, on: db)
            guard linked.insert(termId).inserted else { continue }
            let link = SolutionTermRow()
            link.id = "\(solution.id)|\(termId)"
            link.solutionId = solution.id
            link.termId = termId
            link.position = position
            try await link.create(on: db)
        }
        let outcome: ImportOutcome = existing == nil ? .created : .updated
        try await AuditLog.append(
            AuditEntry(
                actor: actor, action: "solution.\(outcome.rawValue)", entity: "solution", entityId: solution.id, summary: solution.name,
                requestId: requestId),
            on: db)
        return outcome
    }

    package func list(_ filter: Filter, limit: Int = 1000) async throws -> [Solution] {
        var ids: Set<String>?
        let terms: [(TermKind, String)] = [
            filter.country.map { (.country, $0) }, filter.sdg.map { (.sdg, String($0)) }, filter.thematicArea.map { (.thematicArea, $0) },
            filter.channel.map { (.channel, $0.rawValue) },
        ].compactMap { $0 }
        for (kind, value) in terms {
            let found = Set(try await SolutionTermRow.query(on: db).filter(\.$termId == kind.termId(value)).all().map(\.solutionId))
            ids = ids.map { $0.intersection(found) } ?? found
        }
        var query = SolutionRow.query(on: db)
        if let ids { query = query.filter(\.$id ~~ Array(ids)) }
        if let maturity = filter.maturity { query = query.filter(\.$maturity == maturity.rawValue) }
        let rows = try await query.sort(\.$name).limit(limit).all()
        return try rows.map(Self.decode)
    }

    static func decode(_ row: SolutionRow) throws -> Solution {
        try JSONDecoder().decode(Solution.self, from: Data(row.data.utf8))
    }

    package func solution(id: String) async throws -> Solution? {
        try await SolutionRow.find(id, on: db).map(Self.decode)
    }

    package func count() async throws -> Int {
        try await SolutionRow.query(on: db).count()
    }

    /// Values used by solutions, with how many solutions have each, per kind.
    package func facets() async throws -> [TermKind: [LearningPlanRepository.Facet]] {
        try await TermFacets.count(links: SolutionTermRow.schema, on: db)
    }
}

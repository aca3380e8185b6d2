// SPDX-License-Identifier: MPL-2.0
import FluentKit
import GuichetCore
import SQLKit

/// The facets of a list (learning plans, solutions): per kind of term, each value used by the list's rows with how
/// many rows use it, numbers in numeric order and words alphabetically. `links` is the list's table of
/// (row, `term_id`) pairs.
enum TermFacets {
    static func count(links: String, on db: any Database) async throws -> [TermKind: [LearningPlanRepository.Facet]] {
        struct Count: Decodable {
            let kind: String
            let value: String
            let n: Int
        }
        let rows = try await db.sql.raw(
            """
            SELECT t.kind AS kind, t.value AS value, COUNT(*) AS n FROM \(ident: links) l JOIN \(ident: TermRow.schema) t ON t.id = l.term_id
            GROUP BY t.kind, t.value
            """
        ).all(decoding: Count.self)
        var result: [TermKind: [LearningPlanRepository.Facet]] = [:]
        for row in rows {
            guard let kind = TermKind(rawValue: row.kind) else { continue }
            result[kind, default: []].append(.init(value: row.value, count: row.n))
        }
        return result.mapValues { facets in
            facets.sorted { lhs, rhs in
                if let l = Int(lhs.value), let r = Int(rhs.value) { return l < r }
                return lhs.value.lowercased() < rhs.value.lowercased()
            }
        }
    }
}

// SPDX-License-Identifier: MPL-2.0
import FluentKit
import Foundation
import GuichetCore
import NIOConcurrencyHelpers
import SQLKit

/// Every word of the search index with the number of procedures that hold it, read once per catalogue generation: what
/// a typed word is checked against, and where its correction is found.
package final class SearchVocabulary: Sendable {
    struct Words: Sendable {
        /// Sorted, for "is this the start of an indexed word".
        let sorted: [String]
        /// By length, with how many procedures hold each word.
        let byLength: [Int: [(word: String, documents: Int)]]
        let documents: [String: Int]

        init(_ rows: [(String, Int)]) {
            sorted = rows.map(\.0).sorted()
            documents = Dictionary(rows, uniquingKeysWith: +)
            var byLength: [Int: [(word: String, documents: Int)]] = [:]
            for (word, documents) in rows { byLength[word.utf8.count, default: []].append((word, documents)) }
            self.byLength = byLength
        }

        func isPrefix(_ term: String) -> Bool {
            var low = 0
            var high = sorted.count
            while low < high {
                let middle = (low + high) / 2
                if sorted[middle] < term { low = middle + 1 } else { high = middle }
            }
            return low < sorted.count && sorted[low].hasPrefix(term)
        }

        /// The closest indexed word within the term's allowance, the most common one among equals; also a word whose
        /// start is that close, so that a half-typed word with a typo still finds its word.
        func closest(to term: String) -> (word: String, documents: Int)? {
            let allowance = EditDistance.allowance(term)
            guard allowance > 0 else { return nil }
            let length = term.utf8.count
            var best: (word: String, distance: Int, documents: Int)?
            for candidateLength in (length - allowance)...(length + allowance + 6) {
                for (word, documents) in byLength[candidateLength] ?? [] where word != term {
                    var distance = EditDistance.distance(term, word, limit: allowance)
                    if distance > allowance {
                        guard candidateLength > length, length >= 5 else { continue }
                        let start = min(
                            EditDistance.distance(term, String(word.prefix(length)), limit: allowance),
                            EditDistance.distance(term, String(word.prefix(length + 1)), limit: allowance))
                        guard start <= allowance else { continue }
                        // A word whose start is that close ranks below a whole word as close.
                        distance = start + 1
                    }
                    if best.map({ distance < $0.distance || (distance == $0.distance && documents > $0.documents) }) ?? true {
                        best = (word, distance, documents)
                    }
                }
            }
            return best.map { ($0.word, $0.documents) }
        }

        var lookup: SearchQuery.Lookup {
            SearchQuery.Lookup(documents: { documents[$0] }, isPrefix: isPrefix, closest: closest)
        }
    }

    private let generation: ContentGeneration?
    private let cached = NIOLockedValueBox<(generation: Int, words: Words)?>(nil)
    /// Corrections already worked out for these words (the same typos come back), at most `maxCorrections`.
    private let corrections = NIOLockedValueBox<(generation: Int, closest: [String: (word: String, documents: Int)?])>((Int.min, [:]))
    static let maxCorrections = 10_000

    package init(generation: ContentGeneration?) {
        self.generation = generation
    }

    func words(_ database: any Database) async throws -> Words {
        let current = generation?.current
        if let current, let cached = cached.withLockedValue({ $0 }), cached.generation == current { return cached.words }
        let words = Words(try await Self.load(database))
        if let current { cached.withLockedValue { $0 = (current, words) } }
        return words
    }

    /// The query as it will be searched: synonyms added, words found in no procedure corrected.
    func query(_ text: String, on database: any Database) async throws -> SearchQuery {
        guard !TextFolding.queryTerms(text).isEmpty else { return SearchQuery(text) }
        let words = try await words(database)
        guard let current = generation?.current else { return SearchQuery(text, lookup: words.lookup) }
        var lookup = words.lookup
        lookup.closest = { term in
            if let kept = self.corrections.withLockedValue({ $0.generation == current ? $0.closest[term] : nil }) { return kept }
            let found = words.closest(to: term)
            self.corrections.withLockedValue { memo in
                if memo.generation != current || memo.closest.count >= Self.maxCorrections { memo = (current, [:]) }
                memo.closest[term] = found
            }
            return found
        }
        return SearchQuery(text, lookup: lookup)
    }

    struct Row: Decodable {
        let term: String
        let documents: Int
    }

    static func load(_ database: any Database) async throws -> [(String, Int)] {
        let rows: [Row]
        if SearchIndex.isPostgres(database) {
            rows = try await database.sql.raw("SELECT word AS term, ndoc AS documents FROM ts_stat('SELECT document FROM procedure_search')")
                .all(decoding: Row.self)
        } else {
            rows = try await database.sql.raw("SELECT term, doc AS documents FROM procedure_search_vocab").all(decoding: Row.self)
        }
        return rows.map { ($0.term, $0.documents) }
    }
}

/// SQLite's view of the words of its full-text index (PostgreSQL reads them with `ts_stat`).
struct CreateSearchVocabulary: AsyncMigration {
    var name: String { "2026-12-06-01-CreateSearchVocabulary" }

    func prepare(on database: any Database) async throws {
        guard !SearchIndex.isPostgres(database) else { return }
        try await database.sql.raw("CREATE VIRTUAL TABLE procedure_search_vocab USING fts5vocab(procedure_search, row)").run()
    }

    func revert(on database: any Database) async throws {
        guard !SearchIndex.isPostgres(database) else { return }
        try await database.sql.raw("DROP TABLE IF EXISTS procedure_search_vocab").run()
    }
}

/// Reviewed procedures (written and checked by an editor) rank above imported fiches on the same subject.
struct AddProcedureReviewed: AsyncMigration {
    var name: String { "2026-12-06-02-AddProcedureReviewed" }

    struct Row: Decodable {
        let id: String
        let data: String
    }

    func prepare(on database: any Database) async throws {
        try await database.schema(ProcedureRow.schema)
            .field("reviewed", .bool, .required, .custom(SQLColumnConstraintAlgorithm.default(SQLLiteral.boolean(false)))).update()
        let sql = database.sql
        for row in try await sql.raw("SELECT id, data FROM procedures").all(decoding: Row.self) {
            let procedure = try CatalogJSON.decode(Procedure.self, row.data)
            guard procedure.lastReviewed != nil else { continue }
            try await sql.raw("UPDATE procedures SET reviewed = \(SQLLiteral.boolean(true)) WHERE id = \(bind: row.id)").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ProcedureRow.schema).deleteField("reviewed").update()
    }
}

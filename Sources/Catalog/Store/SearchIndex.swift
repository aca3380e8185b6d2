// SPDX-License-Identifier: MPL-2.0
import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// Full-text search over procedures behind one interface: SQLite FTS5 or PostgreSQL `tsvector`.
/// Both index the same pre-folded text (see `TextFolding`), so they agree on what matches.
package enum SearchIndex {
    static let table = "procedure_search"

    static func isPostgres(_ database: any Database) -> Bool {
        (database as? any SQLDatabase)?.dialect.name == "postgresql"
    }

    static func createTable(on database: any Database) async throws {
        let sql = database.sql
        if isPostgres(database) {
            try await sql.raw("CREATE TABLE procedure_search (procedure_id TEXT PRIMARY KEY, document TSVECTOR NOT NULL)").run()
        } else {
            try await sql.raw(
                """
                CREATE VIRTUAL TABLE procedure_search USING fts5(procedure_id UNINDEXED, title, keywords, body, \
                tokenize = 'unicode61 remove_diacritics 2')
                """
            ).run()
        }
    }

    static func createIndexes(on database: any Database) async throws {
        let sql = database.sql
        if isPostgres(database) {
            try await sql.raw("CREATE INDEX procedure_search_document ON procedure_search USING GIN (document)").run()
        }
        try await sql.raw("CREATE INDEX procedures_country_status ON procedures (country, status)").run()
        try await sql.raw("CREATE INDEX procedures_institution ON procedures (institution_id)").run()
        try await sql.raw("CREATE INDEX procedure_categories_category ON procedure_categories (category_id)").run()
        try await sql.raw("CREATE INDEX procedure_institutions_institution ON procedure_institutions (institution_id)").run()
    }

    static func dropTable(on database: any Database) async throws {
        try await database.sql.raw("DROP TABLE IF EXISTS procedure_search").run()
    }

    /// What is indexed of a procedure: titles; keywords and synonyms; everything a person may type about its steps.
    static func fields(of procedure: Procedure, institutionNames: [String]) -> (title: String, keywords: String, body: String) {
        let title = TextFolding.indexText([procedure.title.fr, procedure.title.en ?? ""])
        var keywordParts = procedure.keywords?.fr ?? []
        keywordParts += procedure.keywords?.en ?? []
        let keywords = TextFolding.indexText(keywordParts)
        var body: [String] = [procedure.summary?.fr ?? "", procedure.summary?.en ?? ""] + institutionNames
        for block in procedure.blocks {
            for step in block.steps {
                body += [step.title.fr, step.title.en ?? "", step.action?.fr ?? "", step.action?.en ?? ""]
                for requirement in step.requirements ?? [] {
                    body += [requirement.name.fr, requirement.name.en ?? ""]
                }
                for result in step.results ?? [] {
                    body += [result.name.fr, result.name.en ?? ""]
                }
            }
        }
        return (title, keywords, TextFolding.indexText(body))
    }

    static func replace(procedureId: String, procedure: Procedure, institutionNames: [String], on database: any Database) async throws {
        let sql = database.sql
        try await sql.delete(from: table).where("procedure_id", .equal, procedureId).run()
        let fields = fields(of: procedure, institutionNames: institutionNames)
        if isPostgres(database) {
            try await sql.raw(
                """
                INSERT INTO procedure_search (procedure_id, document) VALUES (\(bind: procedureId), \
                setweight(to_tsvector('simple', \(bind: fields.title)), 'A') || \
                setweight(to_tsvector('simple', \(bind: fields.keywords)), 'B') || \
                setweight(to_tsvector('simple', \(bind: fields.body)), 'D'))
                """
            ).run()
        } else {
            try await sql.raw(
                """
                INSERT INTO procedure_search (procedure_id, title, keywords, body) \
                VALUES (\(bind: procedureId), \(bind: fields.title), \(bind: fields.keywords), \(bind: fields.body))
                """
            ).run()
        }
    }

    static func remove(procedureId: String, on database: any Database) async throws {
        try await database.sql.delete(from: table).where("procedure_id", .equal, procedureId).run()
    }

    struct Hit: Decodable {
        let procedureId: String
        let rank: Double

        enum CodingKeys: String, CodingKey {
            case procedureId = "procedure_id"
            case rank
        }
    }

    /// Published procedures matching every term (each as a word prefix, or one of its other wordings), best first: the
    /// person's country (`preferredCountry`) before the others, reviewed procedures above imported fiches as close to the
    /// query. When no procedure has every term, those matching any term, still best first.
    static func search(
        _ query: SearchQuery, country: String?, preferredCountry: String? = nil, limit: Int, offset: Int, on database: any Database
    ) async throws -> (ids: [String], total: Int) {
        guard !query.terms.isEmpty else { return ([], 0) }
        for conjunction in [true, false] {
            let result = try await run(
                query, all: conjunction, country: country, preferredCountry: preferredCountry, limit: limit, offset: offset, on: database)
            if result.total > 0 || !conjunction || query.terms.count == 1 { return result }
        }
        return ([], 0)
    }

    /// The FTS5 or tsquery expression: each term a group of its wordings, each wording its words' prefixes.
    static func expression(_ query: SearchQuery, all: Bool, postgres: Bool) -> String {
        let (and, or) = postgres ? (" & ", " | ") : (" AND ", " OR ")
        let groups = query.terms.map { term in
            let wordings = term.alternatives.map { words in
                let prefixes = words.map { postgres ? "\($0):*" : "\"\($0)\"*" }
                return prefixes.count == 1 ? prefixes[0] : "(" + prefixes.joined(separator: and) + ")"
            }
            return wordings.count == 1 ? wordings[0] : "(" + wordings.joined(separator: or) + ")"
        }
        return groups.joined(separator: all ? and : or)
    }

    private static func run(
        _ query: SearchQuery, all: Bool, country: String?, preferredCountry: String?, limit: Int, offset: Int, on database: any Database
    ) async throws -> (ids: [String], total: Int) {
        let sql = database.sql
        let countryFilter: SQLQueryString = country.map { "AND p.country = \(bind: $0)" } ?? ""
        let first: SQLQueryString = preferredCountry.map { "CASE WHEN p.country = \(bind: $0) THEN 0 ELSE 1 END, " } ?? ""
        let matchFrom: SQLQueryString
        let rank: SQLQueryString
        let postgres = isPostgres(database)
        let match = expression(query, all: all, postgres: postgres)
        if postgres {
            matchFrom = "procedure_search s JOIN procedures p ON p.id = s.procedure_id WHERE s.document @@ to_tsquery('simple', \(bind: match))"
            // ts_rank over the whole document, shorter documents favoured, plus how much of the query the title alone
            // holds (only the A-weighted lexemes, not normalised): as SQLite's bm25 weighs the title ten times the body.
            rank = """
                CAST(ts_rank(s.document, to_tsquery('simple', \(bind: match)), 1) \
                + ts_rank('{0,0,0,1}', s.document, to_tsquery('simple', \(bind: match)), 0) AS DOUBLE PRECISION) * -1
                """
        } else {
            matchFrom = "procedure_search s JOIN procedures p ON p.id = s.procedure_id WHERE procedure_search MATCH \(bind: match)"
            rank = "bm25(procedure_search, 0.0, 10.0, 6.0, 1.0)"
        }
        let count =
            try await sql.raw("SELECT COUNT(*) AS n FROM \(matchFrom) AND p.status = 'published' \(countryFilter)")
            .first(decodingColumn: "n", as: Int.self) ?? 0
        guard count > 0 else { return ([], 0) }
        // Both ranks are negative, the best the lowest: a reviewed procedure counts twice as close.
        let rows = try await sql.raw(
            """
            SELECT s.procedure_id AS procedure_id, \(rank) * CASE WHEN p.reviewed THEN 2.0 ELSE 1.0 END AS rank \
            FROM \(matchFrom) AND p.status = 'published' \(countryFilter) \
            ORDER BY \(first)rank ASC, p.views DESC, p.title_fr ASC LIMIT \(unsafeRaw: String(limit)) OFFSET \(unsafeRaw: String(offset))
            """
        ).all(decoding: Hit.self)
        return (rows.map(\.procedureId), count)
    }
}

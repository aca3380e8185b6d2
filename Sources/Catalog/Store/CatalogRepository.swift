// SPDX-License-Identifier: MPL-2.0
import Audit
import FluentKit
import Foundation
import GuichetCore
import SQLKit
import Synchronization

/// Every read and write of the catalogue. Pages, the API and the CLI go through here.
package struct CatalogRepository: Sendable {
    private enum Connection: Sendable {
        case fixed(any Database)
        /// A connection of the service's pool for each query; writes behind its write queue.
        case service(DatabaseService)
    }

    private let connection: Connection
    /// Told at once when this process changes the catalogue (other processes poll `catalog_state`).
    package let changes: ContentGeneration?
    /// The index's words, read again when the catalogue changes (every search when no generation is kept).
    let vocabulary: SearchVocabulary

    /// On one connection (the CLI, tests, another feature's transaction).
    package init(database: any Database, changes: ContentGeneration? = nil) {
        self.connection = .fixed(database)
        self.changes = changes
        self.vocabulary = SearchVocabulary(generation: changes)
    }

    /// On the server's database, built once by `CatalogModule`.
    package init(service: DatabaseService, changes: ContentGeneration? = nil) {
        self.connection = .service(service)
        self.changes = changes
        self.vocabulary = SearchVocabulary(generation: changes)
    }

    package var database: any Database {
        switch connection {
        case .fixed(let database): database
        case .service(let service): service.db
        }
    }

    /// On the server's database, its fastest reads (on SQLite, `SQLiteReaders`).
    private var sql: any SQLDatabase {
        switch connection {
        case .fixed(let database): database.sql
        case .service(let service): service.sql
        }
    }

    /// One transaction; on the server's database, through `writeTransaction` (one writer at a time on SQLite).
    func write<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        switch connection {
        case .fixed(let database): try await database.transaction(body)
        case .service(let service): try await service.writeTransaction(body)
        }
    }
    // MARK: Import and export

    package struct ImportSummary: Equatable, Sendable {
        package var created = 0
        package var updated = 0
        package var unchanged = 0
    }

    /// Validates the whole document against itself and the database, then writes it in one transaction:
    /// entries are created or updated by id, never duplicated; each change is an audit event.
    @discardableResult
    package func importDocument(
        _ document: CatalogDocument, actor: String, requestId: String? = nil, note: String = "import",
        alsoInTransaction: (@Sendable (any Database) async throws -> Void)? = nil
    ) async throws -> ImportSummary {
        var validator = CatalogValidator(
            knownCountries: Set(try await CountryRow.query(on: database).all().compactMap(\.id)),
            knownCategories: Set(try await CategoryRow.query(on: database).all().compactMap(\.id)),
            knownInstitutions: Set(try await InstitutionRow.query(on: database).all().compactMap(\.id)))
        let issues = validator.validate(document)
        guard issues.isEmpty else { throw CatalogValidationError(issues: issues) }

        let summary = try await write { database in
            var summary = ImportSummary()
            let writer = Writer(database: database, actor: actor, requestId: requestId)
            for country in document.countries {
                summary.count(
                    try await writer.upsert(CountryRow.self, id: country.code, data: try CatalogJSON.encode(country), entity: "country") { _ in })
            }
            for category in document.categories {
                summary.count(
                    try await writer.upsert(CategoryRow.self, id: category.id, data: try CatalogJSON.encode(category), entity: "category") {
                        $0.position = category.position ?? 0
                    })
            }
            // Parents first, so that a parent is always written before its children.
            var changedInstitutions: [String] = []
            for institution in Self.parentsFirst(document.institutions) {
                let change = try await writer.upsert(
                    InstitutionRow.self, id: institution.id, data: try CatalogJSON.encode(institution), entity: "institution"
                ) {
                    $0.country = institution.country
                    $0.parentId = institution.parent
                    $0.nameFr = institution.name.fr
                }
                summary.count(change)
                if change == .updated { changedInstitutions.append(institution.id) }
            }
            var names: [String: String] = [:]
            for row in try await InstitutionRow.query(on: database).all() {
                names[try row.requireID()] = try CatalogJSON.decode(Institution.self, row.data).name.fr
            }
            let now = AuditLog.timestamp()
            var reindexed = Set<String>()
            for procedure in document.procedures {
                let change = try await writer.upsert(
                    ProcedureRow.self, id: procedure.id, data: try CatalogJSON.encode(procedure), entity: "procedure"
                ) {
                    $0.country = procedure.country
                    $0.institutionId = procedure.institution
                    $0.status = procedure.status.rawValue
                    $0.version = procedure.version
                    $0.titleFr = procedure.title.fr
                    $0.reviewed = procedure.lastReviewed != nil
                    $0.updatedAt = now
                    if $0.$views.value == nil { $0.views = 0 }
                }
                summary.count(change)
                guard change != .unchanged else { continue }
                try await recordVersion(procedure, actor: actor, note: note, on: database)
                try await replaceLinks(procedure, on: database)
                let institutionNames = Set([procedure.institution] + procedure.blocks.flatMap(\.steps).compactMap(\.institution))
                    .compactMap { names[$0] }.sorted()
                try await SearchIndex.replace(procedureId: procedure.id, procedure: procedure, institutionNames: institutionNames, on: database)
                reindexed.insert(procedure.id)
            }
            // Institution names are indexed with the procedures they take part in: a renamed one re-indexes them.
            try await reindexProcedures(of: changedInstitutions, except: reindexed, names: names, on: database)
            try await AuditLog.append(
                AuditEntry(
                    actor: actor, action: "catalog.import", entity: "catalog",
                    summary: "created \(summary.created), updated \(summary.updated), unchanged \(summary.unchanged)", requestId: requestId),
                on: database)
            if summary.created + summary.updated > 0 {
                try await Self.raiseGeneration(on: database)
            }
            try await alsoInTransaction?(database)
            return summary
        }
        if let changes { changes.update(to: try await generation()) }
        return summary
    }

    /// Every published change of a procedure becomes a numbered version, with who published it.
    private func recordVersion(_ procedure: Procedure, actor: String, note: String, on database: any Database) async throws {
        let last = try await ProcedureVersionRow.query(on: database).filter(\.$procedureId == procedure.id).max(\.$number) ?? 0
        let row = ProcedureVersionRow()
        row.procedureId = procedure.id
        row.number = last + 1
        row.data = try CatalogJSON.encode(procedure)
        row.publishedBy = actor
        row.publishedAt = AuditLog.timestamp()
        row.note = note
        try await row.create(on: database)
    }

    /// In the writer's transaction: the published content changed, every process's cached pages are to be rebuilt.
    static func raiseGeneration(on database: any Database) async throws {
        try await database.sql.raw("UPDATE catalog_state SET generation = generation + 1 WHERE id = 1").run()
    }

    package func generation() async throws -> Int {
        try await sql.raw("SELECT generation FROM catalog_state WHERE id = 1").first(decodingColumn: "generation", as: Int.self) ?? 0
    }

    private func reindexProcedures(of institutions: [String], except done: Set<String>, names: [String: String], on database: any Database)
        async throws
    {
        guard !institutions.isEmpty else { return }
        let sql = database.sql
        let list = SQLList(institutions.map { SQLBind($0) })
        let rows = try await sql.raw(
            """
            SELECT DISTINCT p.id AS id, p.data AS data FROM procedures p JOIN procedure_institutions pi ON pi.procedure_id = p.id \
            WHERE pi.institution_id IN (\(list))
            """
        ).all(decoding: IdData.self)
        for row in rows where !done.contains(row.id) {
            let procedure = try CatalogJSON.decode(Procedure.self, row.data)
            let institutionNames = Set([procedure.institution] + procedure.blocks.flatMap(\.steps).compactMap(\.institution))
                .compactMap { names[$0] }.sorted()
            try await SearchIndex.replace(procedureId: row.id, procedure: procedure, institutionNames: institutionNames, on: database)
        }
    }

    private func replaceLinks(_ procedure: Procedure, on database: any Database) async throws {
        let sql = database.sql
        try await sql.delete(from: "procedure_categories").where("procedure_id", .equal, procedure.id).run()
        try await sql.delete(from: "procedure_institutions").where("procedure_id", .equal, procedure.id).run()
        for category in Set(procedure.categories).sorted() {
            try await sql.insert(into: "procedure_categories").columns("procedure_id", "category_id").values(SQLBind(procedure.id), SQLBind(category))
                .run()
        }
        let institutions = Set([procedure.institution] + procedure.blocks.flatMap(\.steps).compactMap(\.institution))
        for institution in institutions.sorted() {
            try await sql.insert(into: "procedure_institutions").columns("procedure_id", "institution_id")
                .values(SQLBind(procedure.id), SQLBind(institution)).run()
        }
    }

    static func parentsFirst(_ institutions: [Institution]) -> [Institution] {
        let byId = Dictionary(institutions.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var ordered: [Institution] = []
        var placed = Set<String>()
        func place(_ institution: Institution, depth: Int) {
            guard !placed.contains(institution.id), depth < 32 else { return }
            if let parent = institution.parent, let parentInstitution = byId[parent] { place(parentInstitution, depth: depth + 1) }
            if placed.insert(institution.id).inserted { ordered.append(institution) }
        }
        for institution in institutions { place(institution, depth: 0) }
        return ordered
    }

    /// The whole catalogue in the interchange format, in a stable order (export → import → export is identical).
    package func exportDocument() async throws -> CatalogDocument {
        CatalogDocument(
            countries: try await CountryRow.query(on: database).sort(\.$id).all().map { try CatalogJSON.decode(Country.self, $0.data) },
            categories: try await CategoryRow.query(on: database).sort(\.$position).sort(\.$id).all().map {
                try CatalogJSON.decode(Category.self, $0.data)
            },
            institutions: Self.parentsFirst(
                try await InstitutionRow.query(on: database).sort(\.$id).all().map { try CatalogJSON.decode(Institution.self, $0.data) }),
            procedures: try await ProcedureRow.query(on: database).sort(\.$id).all().map { try CatalogJSON.decode(Procedure.self, $0.data) })
    }

    // MARK: Reads

    package func countries() async throws -> [Country] {
        try await CountryRow.query(on: database).sort(\.$id).all().map { try CatalogJSON.decode(Country.self, $0.data) }
    }

    package func categories() async throws -> [Category] {
        try await CategoryRow.query(on: database).sort(\.$position).sort(\.$id).all().map { try CatalogJSON.decode(Category.self, $0.data) }
    }

    package func allInstitutions() async throws -> [String: Institution] {
        let rows = try await sql.raw("SELECT id, data FROM institutions").all(decoding: IdData.self)
        return Dictionary(uniqueKeysWithValues: try rows.map { ($0.id, try CatalogJSON.decode(Institution.self, $0.data)) })
    }

    struct IdData: Decodable {
        let id: String
        let data: String
    }

    package struct Page<Item: Sendable>: Sendable {
        package var items: [Item]
        package var total: Int
        package var offset: Int
        package var limit: Int
    }

    package func institutions(country: String?, parent: String? = nil, limit: Int, offset: Int) async throws -> Page<Institution> {
        var query = InstitutionRow.query(on: database)
        if let country { query = query.filter(\.$country == country) }
        if let parent { query = query.filter(\.$parentId == parent) }
        let total = try await query.count()
        let rows = try await query.sort(\.$nameFr).sort(\.$id).range(offset..<(offset + limit)).all()
        return Page(items: try rows.map { try CatalogJSON.decode(Institution.self, $0.data) }, total: total, offset: offset, limit: limit)
    }

    package struct ProcedureFilter: Sendable, Equatable {
        package var country: String?
        package var category: String?
        package var institution: String?
        /// Not a filter: this country's procedures come first (the person's country).
        package var preferredCountry: String?

        package init(country: String? = nil, category: String? = nil, institution: String? = nil, preferredCountry: String? = nil) {
            self.country = country
            self.category = category
            self.institution = institution
            self.preferredCountry = preferredCountry
        }
    }

    /// Published procedures, filtered, in title order.
    package func procedures(_ filter: ProcedureFilter, limit: Int, offset: Int) async throws -> Page<Procedure> {
        let page = try await procedureIds(filter, limit: limit, offset: offset)
        return Page(items: try await procedures(ids: page.items), total: page.total, offset: offset, limit: limit)
    }

    /// The ids of a page of published procedures, filtered, the preferred country's first, then in title order.
    package func procedureIds(_ filter: ProcedureFilter, limit: Int, offset: Int) async throws -> Page<String> {
        var conditions: [SQLQueryString] = ["p.status = 'published'"]
        if let country = filter.country { conditions.append("p.country = \(bind: country)") }
        if let category = filter.category {
            conditions.append("p.id IN (SELECT procedure_id FROM procedure_categories WHERE category_id = \(bind: category))")
        }
        if let institution = filter.institution {
            conditions.append("p.id IN (SELECT procedure_id FROM procedure_institutions WHERE institution_id = \(bind: institution))")
        }
        let whereClause = conditions.dropFirst().reduce(conditions[0]) { result, next in result + " AND " + next }
        let total = try await sql.raw("SELECT COUNT(*) AS n FROM procedures p WHERE \(whereClause)").first(decodingColumn: "n", as: Int.self) ?? 0
        let first: SQLQueryString = filter.preferredCountry.map { "CASE WHEN p.country = \(bind: $0) THEN 0 ELSE 1 END, " } ?? ""
        let ids = try await sql.raw(
            """
            SELECT p.id AS id FROM procedures p WHERE \(whereClause) ORDER BY \(first)p.title_fr, p.id \
            LIMIT \(unsafeRaw: String(limit)) OFFSET \(unsafeRaw: String(offset))
            """
        ).all(decodingColumn: "id", as: String.self)
        return Page(items: ids, total: total, offset: offset, limit: limit)
    }

    package func procedures(ids: [String]) async throws -> [Procedure] {
        guard !ids.isEmpty else { return [] }
        // One id (a submission, a payment, a USSD menu: the most frequent read) is compared with `=`.
        let condition: SQLQueryString =
            if ids.count == 1, let id = ids.first { "id = \(bind: id)" } else { "id IN (\(SQLList(ids.map { SQLBind($0) })))" }
        let rows = try await sql.raw("SELECT id, data FROM procedures WHERE status = 'published' AND \(condition)").all(decoding: IdData.self)
        let byId = Dictionary(uniqueKeysWithValues: try rows.map { ($0.id, try DecodedProcedures.shared.procedure($0.id, data: $0.data)) })
        return ids.compactMap { byId[$0] }
    }

    package func mostViewed(limit: Int) async throws -> [Procedure] {
        let rows = try await ProcedureRow.query(on: database).filter(\.$status == PublicationStatus.published.rawValue)
            .sort(\.$views, .descending).sort(\.$titleFr).limit(limit).all()
        return try rows.map { try CatalogJSON.decode(Procedure.self, $0.data) }
    }

    package func procedureCounts() async throws -> (byCategory: [String: Int], byCountry: [String: Int]) {
        struct Count: Decodable {
            let key: String
            let n: Int
        }
        let categories = try await sql.raw(
            """
            SELECT pc.category_id AS key, COUNT(*) AS n FROM procedure_categories pc JOIN procedures p ON p.id = pc.procedure_id \
            WHERE p.status = 'published' GROUP BY pc.category_id
            """
        ).all(decoding: Count.self)
        let countries = try await sql.raw("SELECT country AS key, COUNT(*) AS n FROM procedures WHERE status = 'published' GROUP BY country")
            .all(decoding: Count.self)
        return (
            Dictionary(uniqueKeysWithValues: categories.map { ($0.key, $0.n) }), Dictionary(uniqueKeysWithValues: countries.map { ($0.key, $0.n) })
        )
    }

    package func search(_ query: String, country: String?, preferredCountry: String? = nil, limit: Int, offset: Int) async throws
        -> Page<Procedure>
    {
        let hits = try await searchIds(query, country: country, preferredCountry: preferredCountry, limit: limit, offset: offset)
        return Page(items: try await procedures(ids: hits.items), total: hits.total, offset: offset, limit: limit)
    }

    /// The ids of published procedures matching `query`, best first.
    package func searchIds(_ query: String, country: String?, preferredCountry: String? = nil, limit: Int, offset: Int) async throws
        -> Page<String>
    {
        try await find(query, country: country, preferredCountry: preferredCountry, limit: limit, offset: offset).hits
    }

    /// The ids of published procedures matching `query` (abbreviations and other wordings included, misspelt words
    /// corrected), best first, and the query as searched when a word was corrected.
    package func find(_ query: String, country: String?, preferredCountry: String? = nil, limit: Int, offset: Int) async throws
        -> (hits: Page<String>, correction: String?)
    {
        let searched = try await vocabulary.query(query, on: database)
        let hits = try await SearchIndex.search(
            searched, country: country, preferredCountry: preferredCountry, limit: limit, offset: offset, on: database)
        return (Page(items: hits.ids, total: hits.total, offset: offset, limit: limit), searched.correction)
    }

    /// Adds page views counted in memory since the last flush.
    package func addViews(_ counts: [String: Int]) async throws {
        try await write { database in
            for (id, count) in counts {
                try await database.sql.raw("UPDATE procedures SET views = views + \(bind: count) WHERE id = \(bind: id)").run()
            }
        }
    }

    package func isEmpty() async throws -> Bool {
        try await ProcedureRow.query(on: database).count() == 0
    }
}

/// Published procedures decoded once per stored text: a submission, a ticket's services and other features ask for a
/// procedure by id many times a second, and decoding its JSON took 5 % of a submission's CPU. The stored text is still
/// read each time and compared, so an edit is seen at once, by every process.
final class DecodedProcedures: Sendable {
    static let shared = DecodedProcedures()
    /// Enough for every procedure of a country's catalogue; past it the cache starts again.
    private static let limit = 2_000
    private let entries = Mutex<[String: (data: String, procedure: Procedure)]>([:])

    func procedure(_ id: String, data: String) throws -> Procedure {
        if let entry = entries.withLock({ $0[id] }), entry.data == data { return entry.procedure }
        let procedure = try CatalogJSON.decode(Procedure.self, data)
        entries.withLock { entries in
            if entries.count >= Self.limit { entries.removeAll(keepingCapacity: true) }
            entries[id] = (data, procedure)
        }
        return procedure
    }
}

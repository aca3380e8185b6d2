// SPDX-License-Identifier: MPL-2.0
import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// Rows of the catalogue. Each keeps its full description as JSON (`data`, the interchange format) beside the
/// columns that are filtered, joined or sorted on; pages and the API read the JSON, queries the columns.
final class CountryRow: Model, @unchecked Sendable {
    static let schema = "countries"
    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "data") var data: String
    init() {}
}

final class CategoryRow: Model, @unchecked Sendable {
    static let schema = "categories"
    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "position") var position: Int
    @Field(key: "data") var data: String
    init() {}
}

final class InstitutionRow: Model, @unchecked Sendable {
    static let schema = "institutions"
    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "country") var country: String
    @OptionalField(key: "parent_id") var parentId: String?
    @Field(key: "name_fr") var nameFr: String
    @Field(key: "data") var data: String
    init() {}
}

final class ProcedureRow: Model, @unchecked Sendable {
    static let schema = "procedures"
    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "country") var country: String
    @Field(key: "institution_id") var institutionId: String
    @Field(key: "status") var status: String
    @Field(key: "version") var version: Int
    @Field(key: "title_fr") var titleFr: String
    @Field(key: "views") var views: Int
    /// Written and checked by an editor (`lastReviewed`): ranks above imported fiches in search.
    @Field(key: "reviewed") var reviewed: Bool
    @Field(key: "updated_at") var updatedAt: String
    @Field(key: "data") var data: String
    init() {}
}

struct CreateCatalogTables: AsyncMigration {
    var name: String { "2026-11-22-02-CreateCatalogTables" }

    func prepare(on database: any Database) async throws {
        try await database.schema(CountryRow.schema)
            .field("id", .string, .identifier(auto: false))
            .field("data", .string, .required)
            .create()
        try await database.schema(CategoryRow.schema)
            .field("id", .string, .identifier(auto: false))
            .field("position", .int, .required)
            .field("data", .string, .required)
            .create()
        try await database.schema(InstitutionRow.schema)
            .field("id", .string, .identifier(auto: false))
            .field("country", .string, .required, .references(CountryRow.schema, "id"))
            .field("parent_id", .string)
            .field("name_fr", .string, .required)
            .field("data", .string, .required)
            .create()
        try await database.schema(ProcedureRow.schema)
            .field("id", .string, .identifier(auto: false))
            .field("country", .string, .required, .references(CountryRow.schema, "id"))
            .field("institution_id", .string, .required, .references(InstitutionRow.schema, "id"))
            .field("status", .string, .required)
            .field("version", .int, .required)
            .field("title_fr", .string, .required)
            .field("views", .int, .required)
            .field("updated_at", .string, .required)
            .field("data", .string, .required)
            .create()
        try await database.schema("procedure_categories")
            .field("procedure_id", .string, .required, .references(ProcedureRow.schema, "id", onDelete: .cascade))
            .field("category_id", .string, .required, .references(CategoryRow.schema, "id"))
            .unique(on: "procedure_id", "category_id")
            .create()
        try await database.schema("procedure_institutions")
            .field("procedure_id", .string, .required, .references(ProcedureRow.schema, "id", onDelete: .cascade))
            .field("institution_id", .string, .required, .references(InstitutionRow.schema, "id"))
            .unique(on: "procedure_id", "institution_id")
            .create()
        try await SearchIndex.createTable(on: database)
        try await SearchIndex.createIndexes(on: database)
    }

    func revert(on database: any Database) async throws {
        try await SearchIndex.dropTable(on: database)
        for table in [
            "procedure_institutions", "procedure_categories", ProcedureRow.schema, InstitutionRow.schema, CategoryRow.schema,
            CountryRow.schema,
        ] {
            try await database.schema(table).delete()
        }
    }
}

/// One row whose `generation` grows with every change of the catalogue: server processes poll it to know
/// when their cached pages are stale.
struct CreateCatalogState: AsyncMigration {
    var name: String { "2026-11-22-03-CreateCatalogState" }

    func prepare(on database: any Database) async throws {
        try await database.schema("catalog_state")
            .field("id", .int, .identifier(auto: false))
            .field("generation", .int, .required)
            .create()
        try await database.sql.raw("INSERT INTO catalog_state (id, generation) VALUES (1, 0)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("catalog_state").delete()
    }
}

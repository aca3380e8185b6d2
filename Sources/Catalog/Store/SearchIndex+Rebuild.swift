// SPDX-License-Identifier: MPL-2.0
import FluentKit
import Foundation
import GuichetCore
import SQLKit

extension SearchIndex {
    /// The search index is the one table whose shape depends on the database (FTS5 or `tsvector`): a copy of the data
    /// from one database to the other (`guichet migrate-data`) builds it again from the procedures, as an import does.
    package static func rebuild(on database: any Database) async throws -> Int {
        let sql = database.sql
        var names: [String: String] = [:]
        for row in try await sql.raw("SELECT id, data FROM institutions").all(decoding: CatalogRepository.IdData.self) {
            names[row.id] = try CatalogJSON.decode(Institution.self, row.data).name.fr
        }
        try await sql.raw("DELETE FROM procedure_search").run()
        let rows = try await sql.raw("SELECT id, data FROM procedures ORDER BY id").all(decoding: CatalogRepository.IdData.self)
        for row in rows {
            let procedure = try CatalogJSON.decode(Procedure.self, row.data)
            let institutionNames = Set([procedure.institution] + procedure.blocks.flatMap(\.steps).compactMap(\.institution))
                .compactMap { names[$0] }.sorted()
            try await replace(procedureId: row.id, procedure: procedure, institutionNames: institutionNames, on: database)
        }
        return rows.count
    }

    /// The search index's table: left out of a copy between databases, and rebuilt instead.
    package static var tableName: String { table }
}

// SPDX-License-Identifier: MPL-2.0
import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// What the catalogue tells features that do not depend on it (`CatalogLookup`): which of the ids they hold name an
/// institution or a procedure of the catalogue. Ids only: whatever else they need comes through their own ports.
package struct CatalogLookupService: CatalogLookup {
    let repository: CatalogRepository

    package init(repository: CatalogRepository) {
        self.repository = repository
    }

    /// On one connection.
    package init(database: any Database) {
        self.init(repository: CatalogRepository(database: database))
    }

    /// On the server's database (a connection of its pool for each query).
    package init(database: DatabaseService) {
        self.init(repository: CatalogRepository(service: database))
    }

    package func existingInstitutions(_ ids: Set<String>) async throws -> Set<String> {
        try await existing(ids, in: "institutions")
    }

    /// Procedures of the catalogue's public table (what editors publish; drafts live elsewhere).
    package func existingProcedures(_ ids: Set<String>) async throws -> Set<String> {
        try await existing(ids, in: "procedures")
    }

    private func existing(_ ids: Set<String>, in table: String) async throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        struct IdRow: Decodable { let id: String }
        let rows = try await repository.database.sql.select().column("id").from(table).where("id", .in, ids.sorted()).all(decoding: IdRow.self)
        return Set(rows.map(\.id))
    }
}

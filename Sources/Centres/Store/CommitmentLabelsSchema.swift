// SPDX-License-Identifier: MPL-2.0
import FluentKit

/// A French and an English label for each commitment, written in the back office's form (or the directory file).
/// One column per statement: SQLite alters a table one change at a time.
struct AddCommitmentLabels: AsyncMigration {
    var name: String { "2026-12-02-01-AddCommitmentLabels" }

    func prepare(on database: any Database) async throws {
        try await database.schema("centre_commitments").field("label_fr", .string).update()
        try await database.schema("centre_commitments").field("label_en", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("centre_commitments").deleteField("label_en").update()
        try await database.schema("centre_commitments").deleteField("label_fr").update()
    }
}

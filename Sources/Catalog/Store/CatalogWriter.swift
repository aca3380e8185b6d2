// SPDX-License-Identifier: MPL-2.0
import Audit
import FluentKit
import Foundation

extension CatalogRepository.ImportSummary {
    mutating func count(_ change: Writer.Change) {
        switch change {
        case .created: created += 1
        case .updated: updated += 1
        case .unchanged: unchanged += 1
        }
    }
}

/// Creates or updates one row by id and records the change in the audit log.
struct Writer {
    enum Change { case created, updated, unchanged }

    let database: any Database
    let actor: String
    let requestId: String?

    func upsert<Row: Model>(
        _ type: Row.Type, id: String, data: String, entity: String, configure: (Row) -> Void
    ) async throws -> Change where Row.IDValue == String, Row: DataRow {
        if let existing = try await Row.find(id, on: database) {
            guard existing.data != data else { return .unchanged }
            existing.data = data
            configure(existing)
            try await existing.update(on: database)
            try await audit(.updated, entity: entity, id: id)
            return .updated
        }
        let row = Row()
        row.id = id
        row.data = data
        configure(row)
        try await row.create(on: database)
        try await audit(.created, entity: entity, id: id)
        return .created
    }

    private func audit(_ change: Change, entity: String, id: String) async throws {
        try await AuditLog.append(
            AuditEntry(
                actor: actor, action: "catalog.\(entity).\(change)", entity: entity, entityId: id, summary: "\(change) by import",
                requestId: requestId), on: database)
    }
}

protocol DataRow: AnyObject {
    var data: String { get set }
}

extension CountryRow: DataRow {}
extension CategoryRow: DataRow {}
extension InstitutionRow: DataRow {}
extension ProcedureRow: DataRow {}

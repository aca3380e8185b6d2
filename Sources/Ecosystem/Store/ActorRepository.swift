// SPDX-License-Identifier: MPL-2.0
import Audit
import FluentKit
import Foundation
import GuichetCore

/// Actors of the ecosystem and their relations.
package struct ActorRepository: Sendable {
    let source: DatabaseSource
    package var db: any Database { source.db }

    package init(db: any Database) {
        source = DatabaseSource(db)
    }

    /// On the server's database, built once by `EcosystemModule`.
    package init(service: DatabaseService) {
        source = DatabaseSource(service)
    }

    /// Checks the whole document, then writes it in one transaction (actors created or updated, their relations replaced).
    package func importDocument(_ document: ActorsDocument, actor: String, requestId: String? = nil) async throws -> [ImportOutcome] {
        try await db.transaction { db in
            let existing = Set(try await ActorRow.query(on: db).all().compactMap(\.id))
            try document.validate(existing: existing)
            var outcomes: [ImportOutcome] = []
            for item in document.actors {
                let data = String(decoding: try SolutionRepository.encoder.encode(item), as: UTF8.self)
                let row = try await ActorRow.find(item.id, on: db)
                if let row, row.data == data {
                    outcomes.append(.unchanged)
                    continue
                }
                let saved = row ?? ActorRow()
                saved.id = item.id
                saved.name = item.name
                saved.kind = item.kind.rawValue
                saved.country = item.country
                saved.data = data
                saved.updatedAt = AuditLog.timestamp()
                try await saved.save(on: db)
                let outcome: ImportOutcome = row == nil ? .created : .updated
                outcomes.append(outcome)
                try await AuditLog.append(
                    AuditEntry(
                        actor: actor, action: "actor.\(outcome.rawValue)", entity: "actor", entityId: item.id, summary: item.name,
                        requestId: requestId),
                    on: db)
            }
            // Relations go in once every actor exists.
            for item in document.actors {
                try await ActorRelationRow.query(on: db).filter(\.$sourceId == item.id).delete()
                var seen = Set<String>()
                for relation in item.relations where seen.insert("\(relation.kind.rawValue)|\(relation.target)").inserted {
                    let row = ActorRelationRow()
                    row.id = "\(item.id)|\(relation.kind.rawValue)|\(relation.target)"
                    row.sourceId = item.id
                    row.targetId = relation.target
                    row.kind = relation.kind.rawValue
                    try await row.create(on: db)
                }
            }
            return outcomes
        }
    }

    package func all(kind: EcosystemActor.Kind? = nil, country: String? = nil) async throws -> [EcosystemActor] {
        var query = ActorRow.query(on: db)
        if let kind { query = query.filter(\.$kind == kind.rawValue) }
        if let country { query = query.filter(\.$country == country) }
        return try await query.sort(\.$name).all().map(Self.decode)
    }

    static func decode(_ row: ActorRow) throws -> EcosystemActor {
        try JSONDecoder().decode(EcosystemActor.self, from: Data(row.data.utf8))
    }

    package func actor(id: String) async throws -> EcosystemActor? {
        try await ActorRow.find(id, on: db).map(Self.decode)
    }

    package struct Link: Sendable, Equatable {
        package var source: String
        package var target: String
        package var kind: EcosystemActor.RelationKind
    }

    package func relations() async throws -> [Link] {
        try await ActorRelationRow.query(on: db).sort(\.$id).all().compactMap { row in
            EcosystemActor.RelationKind(rawValue: row.kind).map { Link(source: row.sourceId, target: row.targetId, kind: $0) }
        }
    }

    package func count() async throws -> Int {
        try await ActorRow.query(on: db).count()
    }
}

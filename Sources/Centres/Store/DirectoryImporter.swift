// SPDX-License-Identifier: MPL-2.0
import Audit
import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// Writes a `guichet-centres/1` document: all or nothing, safe to re-run (centres are updated in place by id). The
/// procedures and institutions it names are checked with the catalogue (`CatalogLookup`), never in its tables.
package struct DirectoryImporter: Sendable {
    let database: DatabaseService
    let catalog: any CatalogLookup
    /// The centres offering a procedure are shown on its cached page: told in the same transaction.
    let changes: any PublishedContentChanges

    package init(database: DatabaseService, catalog: any CatalogLookup, changes: any PublishedContentChanges = NoPublishedContentChanges()) {
        self.database = database
        self.catalog = catalog
        self.changes = changes
    }

    package struct Summary: Equatable, Sendable {
        package var created = 0
        package var updated = 0
    }

    package func importDocument(_ document: CentresDocument, actor: String) async throws -> Summary {
        let resolved = try DirectoryValidation.validate(document)
        try await checkReferences(resolved)
        let summary = try await database.writeTransaction { db in
            let sql = db.sql
            var summary = Summary()
            for (position, item) in resolved.enumerated() {
                let exists = try await sql.select().column("id").from("centres").where("id", .equal, item.centre.id).first() != nil
                let data = String(decoding: try JSONResponse.encoder.encode(item.centre), as: UTF8.self)
                let c = item.centre
                if exists {
                    try await sql.update("centres").set("country", to: c.country).set("region", to: c.region).set("department", to: c.department)
                        .set("status", to: c.status).set("time_zone", to: c.timezone).set("latitude", to: c.latitude)
                        .set("longitude", to: c.longitude).set("position", to: position).set("data", to: data).where("id", .equal, c.id).run()
                    try await sql.delete(from: "centre_hours").where("centre_id", .equal, c.id).run()
                    try await sql.delete(from: "centre_closures").where("centre_id", .equal, c.id).run()
                    summary.updated += 1
                } else {
                    try await sql.insert(into: "centres")
                        .columns("id", "country", "region", "department", "status", "time_zone", "latitude", "longitude", "position", "data")
                        .values(
                            SQLBind(c.id), SQLBind(c.country), SQLBind(c.region), SQLBind(c.department), SQLBind(c.status), SQLBind(c.timezone),
                            SQLBind(c.latitude), SQLBind(c.longitude), SQLBind(position), SQLBind(data)
                        ).run()
                    summary.created += 1
                }
                for span in item.hours {
                    try await sql.insert(into: "centre_hours").columns("centre_id", "weekday", "opens", "closes")
                        .values(SQLBind(c.id), SQLBind(span.weekday), SQLBind(span.opens), SQLBind(span.closes)).run()
                }
                for closure in item.closures {
                    try await sql.insert(into: "centre_closures").columns("centre_id", "day", "reason_fr", "reason_en")
                        .values(SQLBind(c.id), SQLBind(closure.day), SQLBind(closure.reason.fr), SQLBind(closure.reason.en ?? closure.reason.fr))
                        .run()
                }
                try await upsertServices(item, sql: sql)
                try await upsertCounters(item, sql: sql)
                try await AuditLog.append(
                    AuditEntry(
                        actor: actor, action: exists ? "centre.updated" : "centre.created", entity: "centre", entityId: c.id,
                        summary: "\(c.name.fr) (\(c.status))"), on: db)
            }
            if let commitments = document.commitments {
                try await sql.delete(from: "centre_commitments").run()
                for (position, commitment) in commitments.enumerated() {
                    try await sql.insert(into: "centre_commitments")
                        .columns("id", "kind", "threshold_minutes", "target_percent", "position", "label_fr", "label_en")
                        .values(
                            SQLBind(commitment.kind), SQLBind(commitment.kind), SQLBind(commitment.minutes), SQLBind(commitment.target),
                            SQLBind(position),
                            SQLBind(commitment.label?.fr), SQLBind(commitment.label?.en)
                        ).run()
                }
                try await AuditLog.append(
                    AuditEntry(actor: actor, action: "commitments.set", entity: "commitments", summary: "\(commitments.count) commitments"), on: db)
            }
            try await changes.markChanged(on: db)
            return summary
        }
        await changes.refresh()
        return summary
    }

    /// Services and counters keep their ids (tickets refer to them): updated in place, new ones added.
    func upsertServices(_ item: ResolvedCentre, sql: any SQLDatabase) async throws {
        for (position, service) in item.services.enumerated() {
            let id = "\(item.centre.id).\(service.key)"
            let procedures = (service.procedures ?? []).joined(separator: ",")
            if try await sql.select().column("id").from("centre_services").where("id", .equal, id).first() != nil {
                try await sql.update("centre_services").set("letter", to: service.letter).set("position", to: position)
                    .set("name_fr", to: service.name.fr).set("name_en", to: service.name.en ?? service.name.fr)
                    .set("institution_id", to: service.institution).set("procedure_ids", to: procedures).where("id", .equal, id).run()
            } else {
                try await sql.insert(into: "centre_services")
                    .columns("id", "centre_id", "letter", "position", "name_fr", "name_en", "institution_id", "procedure_ids")
                    .values(
                        SQLBind(id), SQLBind(item.centre.id), SQLBind(service.letter), SQLBind(position), SQLBind(service.name.fr),
                        SQLBind(service.name.en ?? service.name.fr), SQLBind(service.institution), SQLBind(procedures)
                    ).run()
            }
        }
    }

    func upsertCounters(_ item: ResolvedCentre, sql: any SQLDatabase) async throws {
        for (position, label) in item.counters.enumerated() {
            let id = "\(item.centre.id).\(position + 1)"
            if try await sql.select().column("id").from("centre_counters").where("id", .equal, id).first() != nil {
                try await sql.update("centre_counters").set("label", to: label).set("position", to: position).where("id", .equal, id).run()
            } else {
                try await sql.insert(into: "centre_counters").columns("id", "centre_id", "label", "position", "is_open", "service_ids")
                    .values(SQLBind(id), SQLBind(item.centre.id), SQLBind(label), SQLBind(position), SQLBind(false), SQLBind("")).run()
            }
        }
    }

    /// Procedures and institutions named by services must exist in the catalogue.
    func checkReferences(_ resolved: [ResolvedCentre]) async throws {
        let procedures = Set(resolved.flatMap(\.procedures))
        let institutions = Set(resolved.flatMap(\.institutions))
        try DirectoryValidation.checkReferences(
            resolved, knownProcedures: procedures.isEmpty ? [] : try await catalog.existingProcedures(procedures),
            knownInstitutions: institutions.isEmpty ? [] : try await catalog.existingInstitutions(institutions))
    }
}

import Audit
import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// An entry of a directory file that cannot be imported: which centre, which field, why. Nothing is written.
package struct CentresImportError: Error, CustomStringConvertible, Equatable {
    package var entry: String
    package var field: String
    package var problem: String
    package var description: String { "\(entry): \(field): \(problem)" }
}

/// Writes a `guichet-centres/1` document: all or nothing, safe to re-run (centres are updated in place by id).
package struct DirectoryImporter: Sendable {
    let database: any Database

    package init(database: any Database) {
        self.database = database
    }

    package struct Summary: Equatable, Sendable {
        package var created = 0
        package var updated = 0
    }

    struct Resolved {
        var centre: Centre
        var hours: [OpeningSpan]
        var services: [CentreDocumentService]
        var counters: [String]
        var closures: [Closure]
    }

    typealias CentreDocumentService = CentresDocument.Service

    package func importDocument(_ document: CentresDocument, actor: String) async throws -> Summary {
        let resolved = try validate(document)
        try await checkReferences(resolved)
        return try await database.transaction { db in
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
                        .values(SQLBind(c.id), SQLBind(closure.day), SQLBind(closure.reason.fr), SQLBind(closure.reason.en ?? closure.reason.fr)).run()
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
                            SQLBind(commitment.kind), SQLBind(commitment.kind), SQLBind(commitment.minutes), SQLBind(commitment.target), SQLBind(position),
                            SQLBind(commitment.label?.fr), SQLBind(commitment.label?.en)
                        ).run()
                }
                try await AuditLog.append(
                    AuditEntry(actor: actor, action: "commitments.set", entity: "commitments", summary: "\(commitments.count) commitments"), on: db)
            }
            return summary
        }
    }

    /// Services and counters keep their ids (tickets refer to them): updated in place, new ones added.
    func upsertServices(_ item: Resolved, sql: any SQLDatabase) async throws {
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

    func upsertCounters(_ item: Resolved, sql: any SQLDatabase) async throws {
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

    func validate(_ document: CentresDocument) throws -> [Resolved] {
        guard document.format == CentresDocument.formatName else {
            throw CentresImportError(entry: "document", field: "format", problem: "expected \(CentresDocument.formatName)")
        }
        let networks = Dictionary((document.networks ?? []).map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        var seen = Set<String>()
        var result: [Resolved] = []
        for entry in document.centres {
            func fail(_ field: String, _ problem: String) -> CentresImportError { CentresImportError(entry: entry.id, field: field, problem: problem) }
            guard entry.id.range(of: "^[a-z0-9][a-z0-9-]{1,62}$", options: .regularExpression) != nil else {
                throw fail("id", "lower-case letters, digits and dashes")
            }
            guard seen.insert(entry.id).inserted else { throw fail("id", "appears twice") }
            let network = try entry.network.map { id in
                guard let network = networks[id] else { throw fail("network", "unknown network \(id)") }
                return network
            }
            guard entry.country.range(of: "^[A-Z]{2}$", options: .regularExpression) != nil else { throw fail("country", "ISO code (SN)") }
            guard ["open", "planned"].contains(entry.status) else { throw fail("status", "open or planned") }
            guard TimeZone(identifier: entry.timezone) != nil else { throw fail("timezone", "unknown time zone \(entry.timezone)") }
            guard (-90...90).contains(entry.latitude) else { throw fail("latitude", "between -90 and 90") }
            guard (-180...180).contains(entry.longitude) else { throw fail("longitude", "between -180 and 180") }
            guard !entry.sources.isEmpty else { throw fail("sources", "cite at least one source") }
            var spans: [OpeningSpan] = []
            for hours in entry.hours ?? network?.hours ?? [] {
                guard let opens = CentreClock.minutes(hours.opens), let closes = CentreClock.minutes(hours.closes), opens < closes else {
                    throw fail("hours", "HH:MM, opening before closing")
                }
                for day in hours.days {
                    guard (1...7).contains(day) else { throw fail("hours.days", "1 (Monday) to 7 (Sunday)") }
                    spans.append(OpeningSpan(weekday: day, opens: opens, closes: closes))
                }
            }
            let services = entry.services ?? network?.services ?? []
            var letters = Set<String>()
            var keys = Set<String>()
            for service in services {
                guard service.letter.range(of: "^[A-Z]$", options: .regularExpression) != nil, letters.insert(service.letter).inserted else {
                    throw fail("services.\(service.key).letter", "one capital letter, unique in the centre")
                }
                guard service.key.range(of: "^[a-z0-9-]{1,40}$", options: .regularExpression) != nil, keys.insert(service.key).inserted else {
                    throw fail("services.\(service.key).key", "lower-case key, unique in the centre")
                }
            }
            var closures: [Closure] = []
            for closure in entry.closures ?? [] {
                guard closure.day.range(of: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", options: .regularExpression) != nil else {
                    throw fail("closures.day", "YYYY-MM-DD")
                }
                closures.append(Closure(day: closure.day, reason: closure.reason))
            }
            let centre = Centre(
                id: entry.id, country: entry.country, region: entry.region, department: entry.department, name: entry.name, status: entry.status,
                institution: entry.institution, address: entry.address, latitude: entry.latitude, longitude: entry.longitude,
                timezone: entry.timezone, hoursConfirmed: entry.hoursConfirmed ?? network?.hoursConfirmed ?? false, sources: entry.sources)
            result.append(
                Resolved(centre: centre, hours: spans, services: services, counters: entry.counters ?? network?.counters ?? [], closures: closures))
        }
        for commitment in document.commitments ?? [] {
            guard let kind = Commitment.Kind(rawValue: commitment.kind), (1...100).contains(commitment.target),
                kind == .satisfaction || (commitment.minutes ?? 0) > 0
            else { throw CentresImportError(entry: "commitments", field: commitment.kind, problem: "wait (with minutes) or satisfaction, target 1–100") }
        }
        return result
    }

    /// Procedures and institutions named by services must exist in the catalogue.
    func checkReferences(_ resolved: [Resolved]) async throws {
        let sql = database.sql
        struct IdRow: Decodable { let id: String }
        let procedures = Set(resolved.flatMap { $0.services.flatMap { $0.procedures ?? [] } })
        let institutions = Set(resolved.flatMap { item in item.services.compactMap(\.institution) + [item.centre.institution].compactMap { $0 } })
        let knownProcedures =
            procedures.isEmpty
            ? [] : Set(try await sql.select().column("id").from("procedures").where("id", .in, Array(procedures)).all(decoding: IdRow.self).map(\.id))
        let knownInstitutions =
            institutions.isEmpty
            ? []
            : Set(try await sql.select().column("id").from("institutions").where("id", .in, Array(institutions)).all(decoding: IdRow.self).map(\.id))
        for item in resolved {
            if let institution = item.centre.institution, !knownInstitutions.contains(institution) {
                throw CentresImportError(entry: item.centre.id, field: "institution", problem: "not in the catalogue: \(institution)")
            }
            for service in item.services {
                for procedure in service.procedures ?? [] where !knownProcedures.contains(procedure) {
                    throw CentresImportError(entry: item.centre.id, field: "services.\(service.key).procedures", problem: "not in the catalogue: \(procedure)")
                }
                if let institution = service.institution, !knownInstitutions.contains(institution) {
                    throw CentresImportError(entry: item.centre.id, field: "services.\(service.key).institution", problem: "not in the catalogue: \(institution)")
                }
            }
        }
    }
}

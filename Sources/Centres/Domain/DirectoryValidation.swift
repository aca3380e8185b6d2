// SPDX-License-Identifier: MPL-2.0
import Foundation

/// An entry of a directory file that cannot be imported: which centre, which field, why. Nothing is written.
package struct CentresImportError: Error, CustomStringConvertible, Equatable {
    package var entry: String
    package var field: String
    package var problem: String
    package var description: String { "\(entry): \(field): \(problem)" }
}

/// A centre of a directory file once checked and its network applied: what the importer writes.
package struct ResolvedCentre: Sendable {
    package var centre: Centre
    package var hours: [OpeningSpan]
    package var services: [CentresDocument.Service]
    package var counters: [String]
    package var closures: [Closure]

    /// The catalogue's procedures the centre's services handle.
    var procedures: Set<String> { Set(services.flatMap { $0.procedures ?? [] }) }
    /// The catalogue's institutions the centre and its services name.
    var institutions: Set<String> { Set(services.compactMap(\.institution) + [centre.institution].compactMap { $0 }) }
}

/// The rules of a `guichet-centres/1` document, checked before anything is written.
package enum DirectoryValidation {
    package static func validate(_ document: CentresDocument) throws -> [ResolvedCentre] {
        guard document.format == CentresDocument.formatName else {
            throw CentresImportError(entry: "document", field: "format", problem: "expected \(CentresDocument.formatName)")
        }
        let networks = Dictionary((document.networks ?? []).map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        var seen = Set<String>()
        var result: [ResolvedCentre] = []
        for entry in document.centres {
            func fail(_ field: String, _ problem: String) -> CentresImportError {
                CentresImportError(entry: entry.id, field: field, problem: problem)
            }
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
                ResolvedCentre(
                    centre: centre, hours: spans, services: services, counters: entry.counters ?? network?.counters ?? [], closures: closures))
        }
        for commitment in document.commitments ?? [] {
            guard let kind = Commitment.Kind(rawValue: commitment.kind), (1...100).contains(commitment.target),
                kind == .satisfaction || (commitment.minutes ?? 0) > 0
            else {
                throw CentresImportError(entry: "commitments", field: commitment.kind, problem: "wait (with minutes) or satisfaction, target 1–100")
            }
        }
        return result
    }

    /// Every procedure and institution the centres name must be known to the catalogue (`known…` are those it knows).
    package static func checkReferences(_ resolved: [ResolvedCentre], knownProcedures: Set<String>, knownInstitutions: Set<String>) throws {
        for item in resolved {
            if let institution = item.centre.institution, !knownInstitutions.contains(institution) {
                throw CentresImportError(entry: item.centre.id, field: "institution", problem: "not in the catalogue: \(institution)")
            }
            for service in item.services {
                for procedure in service.procedures ?? [] where !knownProcedures.contains(procedure) {
                    throw CentresImportError(
                        entry: item.centre.id, field: "services.\(service.key).procedures", problem: "not in the catalogue: \(procedure)")
                }
                if let institution = service.institution, !knownInstitutions.contains(institution) {
                    throw CentresImportError(
                        entry: item.centre.id, field: "services.\(service.key).institution", problem: "not in the catalogue: \(institution)")
                }
            }
        }
    }
}

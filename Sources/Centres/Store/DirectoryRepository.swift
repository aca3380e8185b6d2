// SPDX-License-Identifier: MPL-2.0
import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// The directory as the pages and the queue read it: centres, their hours, closures, services, counters and the network's
/// commitments (written by `DirectoryImporter`, the commitments also by `CommitmentsService`).
package struct DirectoryRepository: Sendable {
    let sql: any SQLDatabase
    /// The server's directory keeps centres, hours and services in memory between changes (`DirectoryMemo`); nil reads
    /// them every time (tests of one feature, commands).
    let memo: DirectoryMemo?

    /// Reads through the database's fastest path (`DatabaseService.sql`). With `changes` (the server's), keeps centres,
    /// hours and services in memory while it keeps its version.
    package init(database: DatabaseService, changes: any PublishedContentChanges = NoPublishedContentChanges()) {
        self.sql = database.sql
        self.memo = changes is NoPublishedContentChanges ? nil : DirectoryMemo(changes: changes)
    }

    struct DataRow: Decodable { let data: String }

    package func centres(country: String? = nil) async throws -> [Centre] {
        var query = sql.select().column("data").from("centres")
        if let country { query = query.where("country", .equal, country) }
        let rows = try await query.orderBy("country").orderBy("region").orderBy("department").orderBy("position").all(decoding: DataRow.self)
        return try rows.map { try JSONDecoder().decode(Centre.self, from: Data($0.data.utf8)) }
    }

    package func centre(_ id: String) async throws -> Centre? {
        guard let memo else { return try await readCentre(id) }
        return try await memo.centre(id) { try await readCentre(id) }
    }

    func readCentre(_ id: String) async throws -> Centre? {
        guard let row = try await sql.select().column("data").from("centres").where("id", .equal, id).first(decoding: DataRow.self) else {
            return nil
        }
        return try JSONDecoder().decode(Centre.self, from: Data(row.data.utf8))
    }

    package func requireCentre(_ id: String) async throws -> Centre {
        guard let centre = try await centre(id) else { throw AppError.notFound("centre_not_found") }
        return centre
    }

    struct HoursRow: Decodable { let weekday: Int, opens: Int, closes: Int }

    package func hours(_ centreId: String) async throws -> [OpeningSpan] {
        guard let memo else { return try await readHours(centreId) }
        return try await memo.hours(centreId) { try await readHours(centreId) }
    }

    func readHours(_ centreId: String) async throws -> [OpeningSpan] {
        try await sql.raw("SELECT weekday, opens, closes FROM centre_hours WHERE centre_id = \(bind: centreId) ORDER BY weekday, opens")
            .all(decoding: HoursRow.self)
            .map { OpeningSpan(weekday: $0.weekday, opens: $0.opens, closes: $0.closes) }
    }

    struct ClosureRow: Decodable { let day: String, reasonFr: String, reasonEn: String }

    package func closures(_ centreId: String, from day: String) async throws -> [Closure] {
        try await sql.raw(
            """
            SELECT day, reason_fr AS "reasonFr", reason_en AS "reasonEn" FROM centre_closures \
            WHERE centre_id = \(bind: centreId) AND day >= \(bind: day) ORDER BY day
            """
        ).all(decoding: ClosureRow.self)
            .map { Closure(day: $0.day, reason: LocalText(fr: $0.reasonFr, en: $0.reasonEn)) }
    }

    struct ServiceRow: Decodable {
        let id: String, centreId: String, letter: String, nameFr: String, nameEn: String, institutionId: String?, procedureIds: String
    }

    package func services(_ centreId: String) async throws -> [CentreService] {
        guard let memo else { return try await readServices(centreId) }
        return try await memo.services(centreId) { try await readServices(centreId) }
    }

    func readServices(_ centreId: String) async throws -> [CentreService] {
        try await sql.raw("SELECT \(unsafeRaw: Self.serviceColumns) FROM centre_services WHERE centre_id = \(bind: centreId) ORDER BY position")
            .all(decoding: ServiceRow.self)
            .map(Self.service)
    }

    package func service(_ id: String) async throws -> CentreService? {
        guard let memo else { return try await readService(id) }
        return try await memo.service(id) { try await readService(id) }
    }

    func readService(_ id: String) async throws -> CentreService? {
        try await sql.raw("SELECT \(unsafeRaw: Self.serviceColumns) FROM centre_services WHERE id = \(bind: id)").first(decoding: ServiceRow.self)
            .map(Self.service)
    }

    /// A service's columns named as `ServiceRow`'s fields: read in raw SQL (tickets, the console and the API read them on
    /// every request), without SQLKit's builder or a key strategy applied to every column of every row.
    static let serviceColumns =
        #"id, centre_id AS "centreId", letter, name_fr AS "nameFr", name_en AS "nameEn", institution_id AS "institutionId", "#
        + #"procedure_ids AS "procedureIds""#

    static func service(_ row: ServiceRow) -> CentreService {
        CentreService(
            id: row.id, centreId: row.centreId, letter: row.letter, name: LocalText(fr: row.nameFr, en: row.nameEn), institution: row.institutionId,
            procedures: row.procedureIds.split(separator: ",").map(String.init))
    }

    struct CounterRow {
        let id: String, centreId: String, label: String, isOpen: Bool, agent: String?, serviceIds: String

        /// Column by column, as `counterColumns` names them (the console and call-next read counters on every request).
        init(row: any SQLRow) throws {
            id = try row.decode(column: "id", as: String.self)
            centreId = try row.decode(column: "centreId", as: String.self)
            label = try row.decode(column: "label", as: String.self)
            isOpen = try row.decode(column: "isOpen", as: Bool.self)
            agent = try row.decode(column: "agent", as: String?.self)
            serviceIds = try row.decode(column: "serviceIds", as: String.self)
        }
    }

    package func counters(_ centreId: String) async throws -> [Counter] {
        try await sql.raw("SELECT \(unsafeRaw: Self.counterColumns) FROM centre_counters WHERE centre_id = \(bind: centreId) ORDER BY position")
            .all().map(CounterRow.init(row:)).map(Self.counter)
    }

    /// A counter's columns named as `CounterRow`'s fields (read in raw SQL, like `serviceColumns`).
    static let counterColumns = #"id, centre_id AS "centreId", label, is_open AS "isOpen", agent, service_ids AS "serviceIds""#

    package func counter(_ id: String, centre: String) async throws -> Counter {
        guard
            let row = try await sql.raw(
                "SELECT \(unsafeRaw: Self.counterColumns) FROM centre_counters WHERE id = \(bind: id) AND centre_id = \(bind: centre)"
            ).first().map(CounterRow.init(row:))
        else { throw AppError.notFound("counter_not_found") }
        return Self.counter(row)
    }

    static func counter(_ row: CounterRow) -> Counter {
        Counter(
            id: row.id, centreId: row.centreId, label: row.label, isOpen: row.isOpen, agent: row.agent,
            serviceIds: row.serviceIds.split(separator: ",").map(String.init))
    }

    /// Is the centre open at `date` (its hours in its own time zone, minus exceptional closures)?
    package func isOpen(_ centre: Centre, at date: Date) async throws -> Bool {
        let day = CentreClock.day(date, in: centre.timeZone)
        // Only that day's closure matters.
        struct Closed: Decodable { let n: Int }
        let closedToday =
            try await sql.raw("SELECT COUNT(*) AS n FROM centre_closures WHERE centre_id = \(bind: centre.id) AND day = \(bind: day)")
            .first(decoding: Closed.self).map { $0.n > 0 } ?? false
        let closed: Set<String> = closedToday ? [day] : []
        return CentreClock.isOpen(at: date, in: centre.timeZone, hours: try await hours(centre.id), closedDays: closed)
    }

    struct CommitmentRow: Decodable { let id: String, kind: String, thresholdMinutes: Int?, targetPercent: Int, labelFr: String?, labelEn: String? }

    package func commitments() async throws -> [Commitment] {
        try await sql.select().columns("id", "kind", "threshold_minutes", "target_percent", "label_fr", "label_en").from("centre_commitments")
            .orderBy("position").all(decoding: CommitmentRow.self, keyDecodingStrategy: .snakeCaseColumns)
            .compactMap { row in
                Commitment.Kind(rawValue: row.kind).map { kind in
                    Commitment(
                        kind: kind, minutes: row.thresholdMinutes, target: row.targetPercent,
                        label: row.labelFr.map { LocalText(fr: $0, en: row.labelEn) })
                }
            }
    }
}

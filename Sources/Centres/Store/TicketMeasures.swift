// SPDX-License-Identifier: MPL-2.0
import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// What the centres measure of each catalogue procedure, for the ecosystem's ranking: tickets served (finished) for a
/// service that handles it, and the answers given on those services' tickets ("satisfied" and "very satisfied" count
/// as satisfied). A service handling several procedures counts each ticket for each of them. Tablet answers, which
/// name no service, are not attributed to any procedure.
package struct TicketMeasures: ProcedureMeasureSource {
    let sql: any SQLDatabase
    /// The demo's simulated rows count only in the demo.
    let simulated: SimulatedRows

    package init(database: any Database, simulated: SimulatedRows = .excluded) {
        self.init(sql: database.sql, simulated: simulated)
    }

    init(sql: any SQLDatabase, simulated: SimulatedRows = .excluded) {
        self.sql = sql
        self.simulated = simulated
    }

    package var measureKey: String { "measures.tickets" }

    struct ServedRow: Decodable { let serviceId: String, served: Int }
    struct RatedRow: Decodable { let serviceId: String, rated: Int, satisfied: Int }
    struct ServiceRow: Decodable { let id: String, procedureIds: String }

    package func procedureMeasures(since: Date) async throws -> [String: ProcedureMeasure] {
        let start = CentreClock.stamp(since)
        let served = try await sql.raw(
            """
            SELECT service_id, COUNT(*) AS served FROM centre_tickets WHERE status = \(bind: TicketStatus.done.rawValue) \
            AND finished_at >= \(bind: start)\(simulated.andExcluded) GROUP BY service_id
            """
        ).all(decoding: ServedRow.self, keyDecodingStrategy: .snakeCaseColumns)
        let rated = try await sql.raw(
            """
            SELECT service_id, COUNT(*) AS rated, SUM(CASE WHEN rating >= 3 THEN 1 ELSE 0 END) AS satisfied FROM centre_feedback \
            WHERE service_id IS NOT NULL AND created_at >= \(bind: start)\(simulated.andExcluded) GROUP BY service_id
            """
        ).all(decoding: RatedRow.self, keyDecodingStrategy: .snakeCaseColumns)
        var byService: [String: ProcedureMeasure] = [:]
        for row in served { byService[row.serviceId, default: ProcedureMeasure()].count += row.served }
        for row in rated {
            byService[row.serviceId, default: ProcedureMeasure()].rated += row.rated
            byService[row.serviceId, default: ProcedureMeasure()].satisfied += row.satisfied
        }
        guard !byService.isEmpty else { return [:] }
        let services = try await sql.select().columns("id", "procedure_ids").from("centre_services").where("id", .in, Array(byService.keys))
            .all(decoding: ServiceRow.self, keyDecodingStrategy: .snakeCaseColumns)
        var result: [String: ProcedureMeasure] = [:]
        for service in services {
            guard let measure = byService[service.id] else { continue }
            for procedure in Set(service.procedureIds.split(separator: ",").map(String.init)) {
                result[procedure] = (result[procedure] ?? ProcedureMeasure()) + measure
            }
        }
        return result
    }
}

// SPDX-License-Identifier: MPL-2.0
import Audit
import Catalog
import Foundation
import GuichetCore
import GuichetTesting
import SQLKit
import Testing

@testable import Applications

/// The demo's simulated applications: the same every time, in every status, each step after the one before, real
/// signed documents, flagged, written once and counted only in the demo.
@Suite struct ApplicationsSimulationTests {
    /// A Monday at 10:00 UTC.
    static let now = Date(timeIntervalSince1970: 1_788_775_200)

    @Test func theSameHistoryEveryTimeInEveryStatusWithItsStepsInOrder() async throws {
        try await TestApp.withComponents(seed: .demo) { components in
            let service = components.applications
            try await ApplicationsDemo.seedForms(service: service)
            let procedure = try #require(try await service.catalog.procedures(ids: ["sn-extrait-acte-naissance"]).first)
            let form = try #require(try await service.forms.current(procedure: procedure.id))
            func plan() -> [ApplicationsSimulation.Simulated] {
                var random = SimulationRandom(seed: 1, part: procedure.id)
                return ApplicationsSimulation.plan(procedure, form: form, dueDays: 10, now: Self.now, days: 60, random: &random)
            }
            let first = plan()
            let second = plan()
            #expect(first.map(\.id) == second.map(\.id) && first.map(\.reference) == second.map(\.reference))
            #expect(first.count > 40)
            let statuses = Set(first.map(\.status))
            #expect(statuses.isSuperset(of: [.submitted, .inReview, .actionRequired, .rejected, .documentIssued]), "\(statuses)")
            for application in first {
                #expect(ApplicationReference.normalise(application.reference) == application.reference)
                #expect(application.submittedAt < Self.now)
                var last = application.submittedAt
                for step in application.steps {
                    #expect(step.at >= last && step.at < Self.now, "\(application.reference): \(step.action)")
                    last = step.at
                }
                #expect(application.answers["last_name"]?.hasSuffix("(démo)") ?? true)
            }
            // Decisions around the declared 10 days: most within, some late.
            let days = first.compactMap { application in application.decidedAt.map { $0.timeIntervalSince(application.submittedAt) / 86_400 } }
            let within = days.filter { $0 <= 10 }.count
            #expect(!days.isEmpty && within < days.count && within * 2 > days.count, "\(within) of \(days.count) within the time")
        }
    }

    @Test func writtenOnceFlaggedWithSignedDocumentsAndCountedOnlyInTheDemo() async throws {
        try await TestApp.withComponents(seed: .demo) { components in
            let service = components.applications
            try await ApplicationsDemo.seedForms(service: service)
            let counts = try await ApplicationsSimulation.run(service: service, now: Self.now, days: 30)
            #expect(counts.applications > 50, "\(counts)")
            #expect(counts.byStatus["document_issued", default: 0] > 0 && counts.byStatus["in_review", default: 0] > 0)
            #expect(try await ApplicationsSimulation.run(service: service, now: Self.now, days: 30) == ApplicationsSimulation.Counts())
            let sql = components.database.sql
            struct Row: Decodable { let n: Int }
            let real = try await sql.raw("SELECT COUNT(*) AS n FROM applications WHERE simulated = FALSE").first(decoding: Row.self)?.n
            #expect(real == 0)
            let issued = try await sql.raw("SELECT code FROM issued_documents").all(decodingColumn: "code", as: String.self)
            #expect(issued.count == counts.byStatus["document_issued"])
            for code in issued.prefix(5) {
                #expect(try await service.documents.verify(code: code).status == "valid")
            }
            let since = Self.now.addingTimeInterval(-40 * 86_400)
            let deployment = try await ApplicationMeasures(database: components.database).procedureMeasures(since: since)
            let demo = try await ApplicationMeasures(database: components.database, simulated: SimulatedRows(included: true))
                .procedureMeasures(since: since)
            #expect(deployment.isEmpty)
            #expect(demo.values.map(\.count).reduce(0, +) == counts.applications)
            try await AuditLog.chainPending(on: components.database.db)
            let audit = try await sql.raw("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'simulation.generated'").first(decoding: Row.self)?.n
            #expect(audit == 1)
        }
    }
}

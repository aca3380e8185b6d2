// SPDX-License-Identifier: MPL-2.0
import Audit
import Foundation
import GuichetTesting
import Testing

@testable import Ecosystem

@Suite struct MatchingTests {
    static func solution(
        _ id: String, _ name: String, description: String, sectors: [String], sdgs: [Int], countries: [String], channels: [Channel],
        maturity: Maturity?
    ) -> Solution {
        var solution = Solution(id: id, source: .csv, name: name)
        solution.descriptionFr = description
        solution.sectors = sectors
        solution.sdgs = sdgs
        solution.countries = countries
        solution.channels = channels
        solution.maturity = maturity
        return solution
    }

    static let solutions = [
        solution(
            "d", "Vaccination reminders", description: "SMS reminders for vaccination", sectors: ["santé"], sdgs: [3], countries: ["Togo"],
            channels: [.sms], maturity: .atScale),
        solution(
            "c", "Paiement mobile des taxes", description: "Payer les taxes par SMS", sectors: ["fiscalité"], sdgs: [16], countries: ["Togo"],
            channels: [.sms], maturity: .atScale),
        solution(
            "b", "Registre d’état civil numérique", description: "Registre numérique des actes de naissance dans les communes",
            sectors: ["Naissance et état civil"], sdgs: [16, 9], countries: ["Senegal"], channels: [.web], maturity: .atScale),
        solution(
            "a", "Naissance par SMS", description: "Déclaration de naissance par SMS", sectors: ["état civil"], sdgs: [16], countries: ["Togo"],
            channels: [.sms], maturity: .pilot),
    ]

    static let need = Need(
        id: "n1", institution: "Mairie de Lomé", procedureId: nil, country: "TG",
        problem: "Les familles rurales attendent des semaines pour l’acte de naissance", affected: "Familles rurales sans smartphone",
        yearlyVolume: 12_000, evidence: "", sdgs: [16], thematicAreas: [], sectors: ["état civil"], channels: [.sms, .ussd],
        createdBy: "user:test", createdAt: "2026-12-01T00:00:00.000Z")

    @Test func orderAndReasonsOnAFixedDataSet() {
        let ranked = Matcher.rank(need: Self.need, procedureTitle: nil, solutions: Self.solutions, countryNames: ["TG": ["Togo"]])
        #expect(ranked.map(\.solution.id) == ["a", "b", "c"], "the reminder shares nothing with the need: not a candidate")
        #expect(ranked.map(\.score.total) == [12 + 12 + 6 + 10 + 8 + 5, 16 + 12 + 6 + 8, 6 + 10 + 8 + 8])
        let first = ranked[0].score.reasons
        #expect(first.map(\.part) == [.words, .sector, .sdg, .country, .channel, .maturity])
        #expect(first[0].detail == "civil, etat, naissance")
        #expect(first[1].detail == "état civil")
        #expect(first[3].detail == "Togo")
        #expect(first[4].detail == "sms")
        #expect(ranked[1].score.reasons.first { $0.part == .sector }?.detail == "état civil")
        #expect(ranked[1].score.reasons.contains { $0.part == .country } == false)
    }

    @Test func needsAreRecordedOnceAndDecisionsAudited() async throws {
        try await TestApp.withComponents { components in
            let db = components.database.db
            _ = try await SolutionRepository(db: db).importSolutions(Self.solutions, actor: "test")
            let repository = NeedRepository(db: db)
            let first = try await repository.record(Self.need, submissionKey: "form-1")
            var retry = Self.need
            retry.id = "n2"
            let second = try await repository.record(retry, submissionKey: "form-1")
            #expect(first.created && !second.created)
            #expect(second.need.id == "n1")
            #expect(try await repository.all().count == 1)
            try await repository.decide(needId: "n1", solutionId: "a", decision: .confirmed, actor: "user:analyst")
            try await repository.decide(needId: "n1", solutionId: "a", decision: .confirmed, actor: "user:analyst")
            try await repository.decide(needId: "n1", solutionId: "c", decision: .dismissed, actor: "user:analyst")
            try await repository.decide(needId: "n1", solutionId: "c", decision: .confirmed, actor: "user:analyst")
            #expect(try await repository.decisions(needId: "n1") == ["a": .confirmed, "c": .confirmed])
            let events = try await AuditLog.records(on: db).filter { $0.entry.entity == "need" }
            #expect(events.map(\.entry.action) == ["need.created", "match.confirmed", "match.dismissed", "match.confirmed"])
            #expect(events.allSatisfy { $0.entry.entityId == "n1" })
        }
    }
}

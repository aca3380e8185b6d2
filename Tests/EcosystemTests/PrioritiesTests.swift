// SPDX-License-Identifier: MPL-2.0
import Catalog
import Foundation
import GuichetApp
import GuichetTesting
import HummingbirdTesting
import Testing

@testable import Ecosystem

@Suite struct PrioritiesTests {
    static func input(
        _ id: String, declared: Int, measured: [(String, Int)] = [], satisfied: Int = 0, rated: Int = 0, steps: Int, institutions: Int,
        documents: Int, days: Int, cost: Double?, needs: Int, confirmed: Bool, online: Bool, categories: [String]
    ) -> PriorityRanking.Input {
        PriorityRanking.Input(
            procedureId: id, title: "Démarche \(id), test", country: "SN", categories: categories, declaredVolume: declared,
            measured: measured.map { PriorityRanking.Measured(key: $0.0, count: $0.1) }, satisfied: satisfied, rated: rated, steps: steps,
            institutions: institutions, documents: documents, days: days, cost: cost, needs: needs, confirmedSolution: confirmed, online: online)
    }

    /// p1: declared volume, no ratings; p2: measured volume above the declared one, 4 satisfied of 10; p3: declared volume
    /// above the measured one (two sources), 18 of 20 satisfied; p4: measured volume, 3 ratings (too few: neutral).
    static let inputs = [
        input(
            "p1", declared: 1000, steps: 4, institutions: 2, documents: 2, days: 10, cost: 5_000, needs: 1, confirmed: false, online: false,
            categories: ["a"]),
        input(
            "p2", declared: 0, measured: [("measures.tickets", 3000)], satisfied: 4, rated: 10, steps: 2, institutions: 1, documents: 4, days: 0,
            cost: nil, needs: 0, confirmed: true, online: true, categories: ["a", "b"]),
        input(
            "p3", declared: 500, measured: [("measures.tickets", 200), ("measures.applications", 100)], satisfied: 18, rated: 20, steps: 2,
            institutions: 2, documents: 1, days: 5, cost: 10_000, needs: 2, confirmed: false, online: false, categories: ["b"]),
        input(
            "p4", declared: 0, measured: [("measures.tickets", 1500)], satisfied: 0, rated: 3, steps: 3, institutions: 1, documents: 3, days: 20,
            cost: 20_000, needs: 0, confirmed: false, online: true, categories: ["c"]),
    ]

    @Test func arithmeticOfTheScore() throws {
        #expect(Self.inputs.map(\.yearlyVolume) == [1000, 3000, 500, 1500])
        #expect(Self.inputs.map(\.volumeSource) == [.declared, .measured, .declared, .measured])
        #expect(Self.inputs.map(\.dissatisfaction) == [nil, 0.6, 0.1, nil], "fewer than 5 ratings say nothing")
        #expect(abs(PriorityRanking.neutralSatisfaction(Self.inputs) - 0.35) < 1e-9, "the mean of the rated procedures")

        // Weights 3, 3, 2, 1, 2 (sum 11). Volume ÷ 3000, needs ÷ 2; burden over steps ÷ 4, institutions ÷ 2, documents ÷ 4,
        // days ÷ 20 and cost ÷ 20 000.
        let rows = PriorityRanking.rank(Self.inputs, weights: .standard)
        #expect(rows.map(\.input.procedureId) == ["p2", "p4", "p1", "p3"])
        let byId = Dictionary(uniqueKeysWithValues: rows.map { ($0.input.procedureId, $0) })
        let p1 = try #require(byId["p1"])
        let p2 = try #require(byId["p2"])
        let p3 = try #require(byId["p3"])
        let p4 = try #require(byId["p4"])
        #expect(abs(p1.volume - 1.0 / 3) < 1e-9 && p2.volume == 1 && abs(p3.volume - 1.0 / 6) < 1e-9 && p4.volume == 0.5)
        #expect(abs(p1.burden - 0.65) < 1e-9, "mean of 4/4, 2/2, 2/4, 10/20 and 5000/20000")
        #expect(abs(p2.burden - 0.5) < 1e-9, "no stated cost: the mean of the four other parts")
        #expect(abs(p3.burden - 0.5) < 1e-9 && abs(p4.burden - 0.8) < 1e-9)
        #expect(p1.needs == 0.5 && p3.needs == 1 && p2.readiness == 1 && p4.readiness == 0.5)
        #expect(abs(p2.satisfaction - 0.6) < 1e-9 && abs(p3.satisfaction - 0.1) < 1e-9 && !p2.satisfactionNeutral)
        #expect(abs(p1.satisfaction - 0.35) < 1e-9 && p1.satisfactionNeutral && abs(p4.satisfaction - 0.35) < 1e-9 && p4.satisfactionNeutral)
        #expect(abs(p1.score - 100 * 4.65 / 11) < 1e-9)  // 3 × ⅓ + 3 × 0.65 + 2 × 0.5 + 0 + 2 × 0.35
        #expect(abs(p2.score - 100 * 6.7 / 11) < 1e-9)  // 3 + 3 × 0.5 + 0 + 1 + 2 × 0.6
        #expect(abs(p3.score - 100 * 4.2 / 11) < 1e-9)  // 3 × ⅙ + 3 × 0.5 + 2 + 0 + 2 × 0.1
        #expect(abs(p4.score - 100 * 5.1 / 11) < 1e-9)  // 3 × 0.5 + 3 × 0.8 + 0 + 0.5 + 2 × 0.35

        // Satisfaction alone: the least satisfied first, the neutral ones in the middle.
        let satisfactionOnly = PriorityRanking.rank(Self.inputs, weights: .init(volume: 0, burden: 0, needs: 0, readiness: 0, satisfaction: 10))
        #expect(satisfactionOnly.map(\.input.procedureId) == ["p2", "p1", "p4", "p3"])
        #expect(abs(satisfactionOnly[0].score - 60) < 1e-9 && abs(satisfactionOnly[3].score - 10) < 1e-9)
        // Volume alone: the measured 3000 beats the declared 1000.
        let volumeOnly = PriorityRanking.rank(Self.inputs, weights: .init(volume: 10, burden: 0, needs: 0, readiness: 0, satisfaction: 0))
        #expect(volumeOnly.map(\.input.procedureId) == ["p2", "p4", "p1", "p3"] && volumeOnly[0].score == 100)
        let readinessOnly = PriorityRanking.rank(Self.inputs, weights: .init(volume: 0, burden: 0, needs: 0, readiness: 10, satisfaction: 0))
        #expect(readinessOnly.map(\.input.procedureId) == ["p2", "p4", "p1", "p3"])
        let none = PriorityRanking.Weights(volume: 0, burden: 0, needs: 0, readiness: 0, satisfaction: 0)
        #expect(PriorityRanking.rank(Self.inputs, weights: none).allSatisfy { $0.score == 0 })
        // Nobody rated: every procedure gets the same neutral part, which leaves the order alone.
        let unrated = Self.inputs.map { input in
            var input = input
            input.rated = 0
            input.satisfied = 0
            return input
        }
        #expect(PriorityRanking.rank(unrated, weights: .standard).allSatisfy { $0.satisfaction == 0.5 && $0.satisfactionNeutral })

        let sectors = PriorityRanking.bySector(rows)
        #expect(sectors.map(\.category) == ["a", "b", "c"])
        #expect(abs(sectors[0].meanScore - (100 * 4.65 / 11 + 100 * 6.7 / 11) / 2) < 1e-9)
        #expect(sectors[0].best.input.procedureId == "p2" && sectors[1].best.input.procedureId == "p2" && sectors[2].best.input.procedureId == "p4")

        let csv = PriorityRanking.csv(rows, weights: .standard).split(separator: "\n")
        #expect(csv.count == 5)
        #expect(
            csv[0] == "rank,procedure_id,title,country,score,volume_part,burden_part,needs_part,readiness_part,satisfaction_part,yearly_volume,"
                + "volume_source,declared_volume,measured_volume,measured_by_source,steps,institutions,documents,days,cost_xof,needs,"
                + "confirmed_solution,online,satisfied,rated,satisfaction_neutral,weights")
        #expect(
            csv[1] == "1,p2,\"Démarche p2, test\",SN,60.9,1.000,0.500,0.000,1.000,0.600,3000,measured,0,3000,tickets=3000,2,1,4,0,,0,yes,yes,4,10,no,"
                + "volume=3;burden=3;needs=2;readiness=1;satisfaction=2")
        #expect(
            csv[3].hasPrefix("3,p1,\"Démarche p1, test\",SN,42.3,0.333,0.650,0.500,0.000,0.350,1000,declared,1000,0,,4,2,2,10,5000,1,no,no,0,0,yes,"))
        #expect(
            csv[4].hasPrefix("4,p3,\"Démarche p3, test\",SN,38.2,0.167,0.500,1.000,0.000,0.100,500,declared,500,300,tickets=200;applications=100,"))
    }

    @Test func analystPageWeightsCSVAndAuthorisation() async throws {
        try await TestApp.withClient(seed: .demo) { client, components in
            let institution = try #require(try TestApp.demoDocument().institutions.first?.id)
            let editor = try await TestApp.signedIn(client, components, role: .catalogEditor, institutions: [institution])
            #expect(try await editor.get(EcosystemRoute.priorities.path()).status == .forbidden)
            #expect(try await editor.get(EcosystemRoute.prioritiesCSV.path()).status == .forbidden)
            try await client.execute(uri: EcosystemRoute.priorities.path(), method: .get) { response in
                #expect(response.status == .seeOther)
            }

            // A need with its yearly volume puts its procedure first when volume is all that counts.
            let procedure = try #require(try await firstProcedure(components, containing: "naissance"))
            let need = Need(
                id: "n-priorities", institution: "Mairie", procedureId: procedure, country: "SN", problem: "Attente", affected: "Familles",
                yearlyVolume: 50_000, evidence: "", createdBy: "user:test", createdAt: "2026-12-01T00:00:00.000Z")
            _ = try await NeedRepository(db: components.database.db).record(need, submissionKey: "k-priorities")

            let analyst = try await TestApp.signedIn(client, components, role: .analyst)
            let page = try await analyst.get(
                EcosystemRoute.priorities.path() + "?w_volume=10&w_burden=0&w_needs=0&w_readiness=0&w_satisfaction=0&country=SN")
            #expect(page.status == .ok)
            let html = page.text
            #expect(html.contains("<h1>Que numériser d’abord</h1>"))
            #expect(html.contains("<label for=\"w_volume\">"))
            let firstRow = try #require(html.range(of: "<tbody><tr><td>1</td>").map { String(html[$0.upperBound...].prefix(900)) })
            #expect(firstRow.contains("/procedures/\(procedure)"))
            #expect(firstRow.contains("100.0"))
            #expect(firstRow.contains("Volume retenu : 50\u{00A0}000 par an (déclaré dans les besoins)"))
            #expect(firstRow.contains("1 besoins relevés, 50\u{00A0}000 personnes ou dossiers par an"))
            #expect(html.contains("<label for=\"w_satisfaction\">Faible satisfaction"))
            #expect(html.contains("Aucun avis : satisfaction comptée comme neutre (0.50)"))
            #expect(
                html.contains("volume mesuré sur les 12 derniers mois (tickets, demandes)"), "the formula names the sources the application registers"
            )
            #expect(html.contains("<h2>Par secteur</h2>"))

            let csv = try await analyst.get(
                EcosystemRoute.prioritiesCSV.path() + "?w_volume=10&w_burden=0&w_needs=0&w_readiness=0&w_satisfaction=0&country=SN")
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            let lines = csv.text.split(separator: "\n")
            #expect(lines[1].hasPrefix("1,\(procedure),"))
            #expect(lines[1].contains(",100.0,"))
            #expect(lines.dropFirst().allSatisfy { $0.contains(",SN,") })

            #expect(try await analyst.get(EcosystemRoute.priorities.path() + "?w_volume=11").status == .badRequest)
            #expect(try await analyst.get(EcosystemRoute.priorities.path() + "?w_satisfaction=-1").status == .badRequest)
            #expect(try await analyst.get(EcosystemRoute.priorities.path() + "?country=ZZ").status == .badRequest)
        }
    }
}

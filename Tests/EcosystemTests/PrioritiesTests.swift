import Catalog
@testable import Ecosystem
import Foundation
import GuichetApp
import GuichetTesting
import HummingbirdTesting
import Testing

@Suite struct PrioritiesTests {
    static func input(
        _ id: String, volume: Int, steps: Int, institutions: Int, documents: Int, days: Int, cost: Double?, needs: Int, confirmed: Bool,
        online: Bool, categories: [String]
    ) -> PriorityRanking.Input {
        PriorityRanking.Input(
            procedureId: id, title: "Démarche \(id), test", country: "SN", categories: categories, yearlyVolume: volume, steps: steps,
            institutions: institutions, documents: documents, days: days, cost: cost, needs: needs, confirmedSolution: confirmed, online: online)
    }

    static let inputs = [
        input("p2", volume: 0, steps: 2, institutions: 1, documents: 4, days: 0, cost: nil, needs: 0, confirmed: true, online: true, categories: ["a", "b"]),
        input("p3", volume: 500, steps: 2, institutions: 2, documents: 1, days: 5, cost: 10_000, needs: 2, confirmed: false, online: false, categories: ["b"]),
        input("p1", volume: 1000, steps: 4, institutions: 2, documents: 2, days: 10, cost: 5_000, needs: 1, confirmed: false, online: false, categories: ["a"]),
    ]

    @Test func arithmeticOfTheScore() {
        let rows = PriorityRanking.rank(Self.inputs, weights: .standard)
        #expect(rows.map(\.input.procedureId) == ["p1", "p3", "p2"])
        let p1 = rows[0]
        #expect(p1.volume == 1 && p1.needs == 0.5 && p1.readiness == 0)
        #expect(abs(p1.burden - 0.8) < 1e-9, "mean of 4/4, 2/2, 2/4, 10/10 and 5000/10000")
        #expect(abs(p1.score - 100 * 6.4 / 9) < 1e-9)
        #expect(abs(rows[1].burden - 0.65) < 1e-9)
        #expect(abs(rows[1].score - 100 * 5.45 / 9) < 1e-9)
        #expect(abs(rows[2].burden - 0.5) < 1e-9, "no stated cost: the mean of the four other parts")
        #expect(abs(rows[2].score - 100 * 2.5 / 9) < 1e-9)

        let readinessOnly = PriorityRanking.rank(Self.inputs, weights: .init(volume: 0, burden: 0, needs: 0, readiness: 10))
        #expect(readinessOnly.map(\.input.procedureId) == ["p2", "p1", "p3"])
        #expect(readinessOnly[0].score == 100)
        #expect(PriorityRanking.rank(Self.inputs, weights: .init(volume: 0, burden: 0, needs: 0, readiness: 0)).allSatisfy { $0.score == 0 })

        let sectors = PriorityRanking.bySector(rows)
        #expect(sectors.map(\.category) == ["a", "b"])
        #expect(abs(sectors[0].meanScore - (100 * 6.4 / 9 + 100 * 2.5 / 9) / 2) < 1e-9)
        #expect(sectors[0].best.input.procedureId == "p1" && sectors[1].best.input.procedureId == "p3")

        let csv = PriorityRanking.csv(rows, weights: .standard).split(separator: "\n")
        #expect(csv.count == 4)
        #expect(csv[0].hasPrefix("rank,procedure_id,title,country,score"))
        #expect(csv[1].hasPrefix("1,p1,\"Démarche p1, test\",SN,71.1,1.000,0.800,0.500,0.000,1000,4,2,2,10,5000,1,no,no,"))
        #expect(csv[3].hasPrefix("3,p2,\"Démarche p2, test\",SN,27.8,"))
    }

    @Test func analystPageWeightsCSVAndAuthorisation() async throws {
        try await TestApp.withClient(seed: .demo) { client, components in
            let institution = try #require(try TestApp.demoDocument().institutions.first?.id)
            let editor = try await TestApp.signedIn(client, components, role: .catalogEditor, institutions: [institution])
            #expect(try await editor.get(EcosystemPaths.priorities).status == .forbidden)
            #expect(try await editor.get(EcosystemPaths.prioritiesCSV).status == .forbidden)
            try await client.execute(uri: EcosystemPaths.priorities, method: .get) { response in
                #expect(response.status == .seeOther)
            }

            // A need with its yearly volume puts its procedure first when volume is all that counts.
            let procedure = try #require(try await firstProcedure(components, containing: "naissance"))
            let need = Need(
                id: "n-priorities", institution: "Mairie", procedureId: procedure, country: "SN", problem: "Attente", affected: "Familles",
                yearlyVolume: 50_000, evidence: "", createdBy: "user:test", createdAt: "2026-12-01T00:00:00.000Z")
            _ = try await NeedRepository(db: components.database.db).record(need, submissionKey: "k-priorities")

            let analyst = try await TestApp.signedIn(client, components, role: .analyst)
            let page = try await analyst.get(EcosystemPaths.priorities + "?w_volume=10&w_burden=0&w_needs=0&w_readiness=0&country=SN")
            #expect(page.status == .ok)
            let html = page.text
            #expect(html.contains("<h1>Que numériser d’abord</h1>"))
            #expect(html.contains("<label for=\"w_volume\">"))
            let firstRow = try #require(html.range(of: "<tbody><tr><td>1</td>").map { String(html[$0.upperBound...].prefix(400)) })
            #expect(firstRow.contains("/procedures/\(procedure)"))
            #expect(firstRow.contains("100.0"))
            #expect(firstRow.contains("1 besoins relevés, 50000 personnes ou dossiers par an"))
            #expect(html.contains("<h2>Par secteur</h2>"))

            let csv = try await analyst.get(EcosystemPaths.prioritiesCSV + "?w_volume=10&w_burden=0&w_needs=0&w_readiness=0&country=SN")
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            let lines = csv.text.split(separator: "\n")
            #expect(lines[1].hasPrefix("1,\(procedure),"))
            #expect(lines[1].contains(",100.0,"))
            #expect(lines.dropFirst().allSatisfy { $0.contains(",SN,") })

            #expect(try await analyst.get(EcosystemPaths.priorities + "?w_volume=11").status == .badRequest)
            #expect(try await analyst.get(EcosystemPaths.priorities + "?country=ZZ").status == .badRequest)
        }
    }
}

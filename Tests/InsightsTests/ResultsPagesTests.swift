// SPDX-License-Identifier: MPL-2.0
import Applications
import Foundation
import GuichetCore
import GuichetTesting
import HummingbirdTesting
import SQLKit
import Testing

@testable import Insights

/// `/resultats` and `/opendata` over the demo's simulated applications and centre history (`serve --demo`), and over a
/// deployment, which never counts simulated rows.
@Suite struct ResultsPagesTests {
    static let demo: @Sendable (inout AppConfiguration) -> Void = {
        $0.demo = true
        $0.servicePublicDirectory = nil
    }
    static let procedure = "sn-extrait-acte-naissance"

    /// Per month, the applications of the procedure filed and decided, counted straight from the table.
    static func counted(_ sql: any SQLDatabase, procedure: String) async throws -> (filed: [String: Int], decided: [String: Int]) {
        let rows = try await sql.raw("SELECT submitted_at, decided_at FROM applications WHERE procedure_id = \(bind: procedure)").all()
        var filed: [String: Int] = [:]
        var decided: [String: Int] = [:]
        for row in rows {
            if let submitted = Timestamps.parse(try row.decode(column: "submitted_at", as: String?.self)) {
                filed[Months.month(submitted), default: 0] += 1
            }
            if let at = Timestamps.parse(try row.decode(column: "decided_at", as: String?.self)) { decided[Months.month(at), default: 0] += 1 }
        }
        return (filed, decided)
    }

    @Test func theDemoPublishesItsFiguresSmallAndSaysTheyAreSimulated() async throws {
        try await TestApp.withClient(configure: Self.demo) { client, components in
            let css = try await client.execute(uri: "/static/guichet.css", method: .get) { $0.body.readableBytes }
            let pages = [
                InsightsRoute.results.path(), InsightsRoute.country.path("SN"), InsightsRoute.institution.path("sn-centre-etat-civil"),
                InsightsRoute.procedure.path(Self.procedure),
            ]
            for uri in pages {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .ok, "\(uri)")
                    #expect(response.text.contains("Données simulées"), "\(uri)")
                    #expect(!response.text.contains("<script"), "\(uri)")
                    #expect(response.body.readableBytes + css <= 20_480, "\(uri): \(response.body.readableBytes) + \(css) bytes")
                }
            }
            let page = try await client.execute(uri: InsightsRoute.procedure.path(Self.procedure), method: .get) { $0.text }
            // Every chart has its table, the declared time beside the real ones, months in order.
            #expect(page.components(separatedBy: "<svg class=\"chart\"").count - 1 == 3)
            #expect(page.components(separatedBy: "<table").count - 1 == 2)
            #expect(page.contains("Délai annoncé par le catalogue"))
            let months = Months.ending(at: Date(), count: PerformanceService.months)
            for month in months { #expect(page.contains("<th scope=\"row\">\(month)</th>")) }
            // The month's filed count, as the table says it, is the table's own count.
            let counted = try await Self.counted(components.database.sql, procedure: Self.procedure)
            let busiest = try #require(counted.filed.filter { months.contains($0.key) }.max { $0.value < $1.value })
            #expect(busiest.value >= 5)
            #expect(page.contains("<th scope=\"row\">\(busiest.key)</th>"))
            let english = try await client.execute(uri: InsightsRoute.procedure.path(Self.procedure) + "?lang=en", method: .get) { $0.text }
            #expect(english.contains("Simulated data") && english.contains("Time declared by the catalogue"))
            // The home page leads here.
            let home = try await client.execute(uri: "/", method: .get) { $0.text }
            #expect(home.contains("href=\"\(InsightsRoute.results.path())\"") && home.contains("href=\"\(InsightsRoute.openData.path())\""))
        }
    }

    /// The open CSV of the procedures' monthly results holds, month by month, what the applications table holds, and
    /// nothing of a group under five.
    @Test func theProceduresMonthlyFileCountsWhatTheTableHolds() async throws {
        try await TestApp.withClient(configure: Self.demo) { client, components in
            let csv = try await client.execute(uri: InsightsRoute.file.path("results-procedures-monthly.csv"), method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/csv") == true)
                return response.text
            }
            let lines = csv.split(separator: "\r\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            let header = try #require(lines.first)
            #expect(header == OpenDataService.datasets.first { $0.key == "results_procedures" }?.columns)
            let counted = try await Self.counted(components.database.sql, procedure: Self.procedure)
            let rows = lines.dropFirst().filter { $0.count > 1 && $0[1] == Self.procedure }
            #expect(rows.count >= 3)
            for row in rows {
                let filed = counted.filed[row[0], default: 0]
                #expect(row[4] == (filed >= 5 ? String(filed) : ""), "\(row[0]) filed")
                let decided = counted.decided[row[0], default: 0]
                #expect(row[8] == (decided >= 5 ? String(decided) : ""), "\(row[0]) decided")
                #expect(row[10].isEmpty == (decided < 5), "\(row[0]) median")
            }
            // No reference, no name, no answer of any application anywhere in the open data.
            let references = try await components.database.sql.raw("SELECT reference FROM applications WHERE reference IS NOT NULL LIMIT 20")
                .all(decodingColumn: "reference", as: String.self)
            for name in OpenDataService.datasets.flatMap({ $0.files.map(\.name) }) {
                let body = try await client.execute(uri: InsightsRoute.file.path(name), method: .get) { response in
                    #expect(response.status == .ok, "\(name)")
                    return response.text
                }
                #expect(!body.contains("(démo)"), "\(name)")
                for reference in references { #expect(!body.contains(reference), "\(name)") }
            }
        }
    }

    /// A deployment (not the demo) never counts the simulated rows, and bad addresses answer 404 in the person's language.
    @Test func aDeploymentShowsNoSimulatedFiguresAndUnknownsAre404() async throws {
        try await TestApp.withClient(seed: .demo) { client, components in
            let service = components.applications
            try await ApplicationsDemo.seedForms(service: service)
            try await ApplicationsSimulation.run(service: service, now: Date(), days: 40)
            try await client.execute(uri: InsightsRoute.procedure.path(Self.procedure), method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("Aucune demande sur la période."))
                #expect(!response.text.contains("Données simulées"))
            }
            for uri in [
                InsightsRoute.procedure.path("nope"), InsightsRoute.institution.path("nope"), InsightsRoute.country.path("ZZ"),
                InsightsRoute.file.path("passwords.csv"),
            ] {
                try await client.execute(uri: uri, method: .get) { response in #expect(response.status == .notFound, "\(uri)") }
            }
            try await client.execute(uri: InsightsRoute.country.path("XX") + "?lang=en", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.text.contains("lang=\"en\""))
            }
        }
    }

    /// "Managers get the same for their own scope": an administrator or a back-office agent of the procedure's
    /// institution finds a link to those applications in the back office; anyone else does not.
    @Test func agentsOfTheInstitutionDrillDownToTheirApplications() async throws {
        try await TestApp.withClient(seed: .demo) { client, components in
            let uri = InsightsRoute.procedure.path(Self.procedure)
            let link = "/admin/applications?procedure"
            let anonymous = try await client.execute(uri: uri, method: .get) { $0.text }
            #expect(!anonymous.contains(link))
            let agent = try await TestApp.signedIn(client, components, role: .backOfficeAgent, institutions: ["sn-centre-etat-civil"])
            let seen = try await agent.get(uri).text
            #expect(seen.contains(link) && seen.contains(Self.procedure))
            #expect(try await agent.get(InsightsRoute.institution.path("sn-centre-etat-civil")).text.contains("/admin/applications"))
            let institutions = try await components.applications.catalog.allInstitutions()
            let elsewhere = try #require(institutions.keys.sorted().first { $0.hasPrefix("sn-") && $0 != "sn-centre-etat-civil" })
            let other = try await TestApp.signedIn(client, components, role: .backOfficeAgent, institutions: [elsewhere])
            #expect(!(try await other.get(uri).text.contains(link)))
            let centreAgent = try await TestApp.signedIn(client, components, role: .centreAgent)
            #expect(!(try await centreAgent.get(uri).text.contains(link)))
        }
    }
}

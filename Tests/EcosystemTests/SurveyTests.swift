// SPDX-License-Identifier: MPL-2.0
import Audit
import Foundation
import GuichetTesting
import HummingbirdTesting
import Testing

@testable import Ecosystem

@Suite struct SurveyTests {
    /// 14 women (8 online), 6 men (5 online: 1 offline, so the share is not shown), 3 "other" (a group under 5).
    static func file() -> String {
        var lines = ["Nom;Téléphone;région;milieu;sexe;tranche_age;appareil;usage_internet;services_en_ligne;obstacles"]
        for index in 0..<14 {
            lines.append(
                "Awa \(index);+228 90 00 00 0\(index % 10);Maritime;urbain;F;15-24;\(index < 8 ? "smartphone" : "téléphone simple");\(index < 8 ? "oui" : "non");acte de naissance;coût des données"
            )
        }
        for index in 0..<6 {
            lines.append("Koffi \(index);;Kara;rural;M;25-34;smartphone;\(index < 5 ? "oui" : "non");;réseau")
        }
        for _ in 0..<3 { lines.append(";;Kara;rural;autre;25-34;aucun;non;;pas d’appareil") }
        lines.append(";;Kara;ville;F;25-34;aucun;non;;")
        lines.append(";;Kara;rural;X;;aucun;peut-être;;")
        lines.append(";;Kara;rural;F;25-34;appelez le 90 12 34 56;non;;")
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func identifyingColumnsAreDroppedAndBadRowsExplained() throws {
        let reading = try SurveyCSV.read(Data(Self.file().utf8))
        #expect(
            reading.warnings == [
                "column \"Nom\" identifies a person: dropped, never stored", "column \"Téléphone\" identifies a person: dropped, never stored",
            ])
        #expect(reading.responses.count == 23)
        #expect(
            reading.rejected == [
                "line 25: area: \"ville\" is not urban or rural",
                "line 26: sex: \"X\" is not female, male or other; age_band: empty; internet_use: \"peut-être\" is not yes or no",
                "line 27: a field holds an e-mail address or a phone number",
            ])
        let stored = String(decoding: try JSONEncoder().encode(reading.responses), as: UTF8.self)
        #expect(!stored.contains("Awa") && !stored.contains("90 00"))
    }

    @Test func smallCellsAreSuppressedInAggregatesAndCSV() throws {
        let groups = SurveyAggregates.groups(try SurveyCSV.read(Data(Self.file().utf8)).responses)
        let women = try #require(groups.first { $0.dimension == "sex" && $0.value == "female" })
        #expect(women.respondents == 14 && women.internetUsers == 8 && women.internetShare == 8.0 / 14)
        #expect(women.smartphoneOwners == 8)
        let men = try #require(groups.first { $0.dimension == "sex" && $0.value == "male" })
        #expect(men.respondents == 6 && men.internetUsers == nil && men.internetShare == nil)
        let other = try #require(groups.first { $0.dimension == "sex" && $0.value == "other" })
        #expect(other.respondents == nil && other.internetUsers == nil)
        let rural = try #require(groups.first { $0.dimension == "area" && $0.value == "rural" })
        #expect(
            rural.respondents == 9 && rural.internetUsers == nil && rural.internetShare == nil,
            "4 rural respondents offline: 5 online would give them away")
        let csv = SurveyAggregates.csv(groups)
        #expect(csv.contains("sex,female,14,8,57.1,8,57.1\n"))
        #expect(csv.contains("sex,male,6,<5,,<5,\n"))
        #expect(csv.contains("sex,other,<5,<5,,<5,\n"))
        for line in csv.split(separator: "\n").dropFirst() {
            for field in line.split(separator: ",", omittingEmptySubsequences: false)[2...] where field.allSatisfy(\.isNumber) && !field.isEmpty {
                #expect(Int(field)! >= 5, "\(line) shows a count under 5")
            }
        }
    }

    @Test func importReplacesAndPagesShowOnlyAggregates() async throws {
        try await TestApp.withClient { client, components in
            let repository = SurveyRepository(db: components.database.db)
            let responses = try SurveyCSV.read(Data(Self.file().utf8)).responses
            try await repository.importSurvey(id: "test-survey", title: "Enquête de test", synthetic: true, responses: responses, actor: "test")
            try await repository.importSurvey(id: "test-survey", title: "Enquête de test", synthetic: true, responses: responses, actor: "test")
            #expect(try await repository.surveys().map(\.respondents) == [23])
            let actions = try await AuditLog.records(on: components.database.db).filter { $0.entry.entity == "survey" }.map(\.entry.action)
            #expect(actions == ["survey.created", "survey.replaced"])

            try await client.execute(uri: EcosystemRoute.surveys.path(), method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("Enquête de test"))
                #expect(response.text.contains("données synthétiques"))
            }
            try await client.execute(uri: EcosystemRoute.survey.path("test-survey"), method: .get) { response in
                let html = response.text
                #expect(response.status == .ok)
                #expect(html.contains("23 répondants"))
                #expect(html.contains("role=\"img\" aria-labelledby=\"chart-sex-desc\""))
                #expect(html.contains("<td>Femmes</td><td>14</td><td>8</td><td>57 %</td>"))
                #expect(html.contains("<td>Hommes</td><td>6</td><td>&lt;5</td><td>non affiché (&lt;5)</td>"))
                #expect(html.contains("<td>Autre</td><td>&lt;5</td>"))
                #expect(!html.contains("Awa") && !html.contains("Maritime"))
                #expect(html.utf8.count < 20_480)
            }
            try await client.execute(uri: EcosystemRoute.surveyCSV.path("test-survey"), method: .get) { response in
                #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
                #expect(response.text.contains("sex,other,<5,<5,,<5,"))
            }
            try await client.execute(uri: EcosystemRoute.survey.path("nope"), method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func demoSurveyIsMarkedSynthetic() async throws {
        try await TestApp.withComponents { components in
            await EcosystemSeeder.seedIfEmpty(database: components.database.db, shared: nil, logger: TestApp.logger)
            let surveys = try await SurveyRepository(db: components.database.db).surveys()
            #expect(surveys.count == 1)
            #expect(surveys.first?.synthetic == true && surveys.first?.id == EcosystemSeeder.demoSurveyId)
            #expect((surveys.first?.respondents ?? 0) > 50)
        }
    }
}

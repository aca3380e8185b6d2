// SPDX-License-Identifier: MPL-2.0
import Audit
import FluentKit
import Foundation
import GuichetCore

/// Digital-usage surveys: importing a file replaces that survey's respondents in one transaction (never duplicates).
package struct SurveyRepository: Sendable {
    let source: DatabaseSource
    package var db: any Database { source.db }

    package init(db: any Database) {
        source = DatabaseSource(db)
    }

    /// On the server's database, built once by `EcosystemModule`.
    package init(service: DatabaseService) {
        source = DatabaseSource(service)
    }

    package struct Summary: Sendable, Equatable {
        package var id: String
        package var title: String
        package var synthetic: Bool
        package var respondents: Int
    }

    package func importSurvey(id: String, title: String, synthetic: Bool, responses: [SurveyResponse], actor: String) async throws {
        try await db.transaction { db in
            let row = try await SurveyRow.find(id, on: db) ?? SurveyRow()
            let created = row.id == nil
            row.id = id
            row.title = title
            row.synthetic = synthetic
            row.importedAt = AuditLog.timestamp()
            try await row.save(on: db)
            try await SurveyResponseRow.query(on: db).filter(\.$surveyId == id).delete()
            for (index, response) in responses.enumerated() {
                let item = SurveyResponseRow()
                item.id = "\(id)|\(index)"
                item.surveyId = id
                item.region = response.region
                item.area = response.area.rawValue
                item.sex = response.sex.rawValue
                item.ageBand = response.ageBand
                item.device = response.device
                item.usesInternet = response.usesInternet
                item.servicesOnline = response.servicesOnline.joined(separator: "|")
                item.barriers = response.barriers.joined(separator: "|")
                try await item.create(on: db)
            }
            try await AuditLog.append(
                AuditEntry(
                    actor: actor, action: created ? "survey.created" : "survey.replaced", entity: "survey", entityId: id,
                    summary: "\(title): \(responses.count) respondents"),
                on: db)
        }
    }

    package func surveys() async throws -> [Summary] {
        var result: [Summary] = []
        for row in try await SurveyRow.query(on: db).sort(\.$title).all() {
            let count = try await SurveyResponseRow.query(on: db).filter(\.$surveyId == row.id ?? "").count()
            result.append(Summary(id: row.id ?? "", title: row.title, synthetic: row.synthetic, respondents: count))
        }
        return result
    }

    package func survey(id: String) async throws -> (summary: Summary, responses: [SurveyResponse])? {
        guard let row = try await SurveyRow.find(id, on: db) else { return nil }
        let responses = try await SurveyResponseRow.query(on: db).filter(\.$surveyId == id).all().compactMap { item -> SurveyResponse? in
            guard let area = SurveyResponse.Area(rawValue: item.area), let sex = SurveyResponse.Sex(rawValue: item.sex) else { return nil }
            return SurveyResponse(
                region: item.region, area: area, sex: sex, ageBand: item.ageBand, device: item.device, usesInternet: item.usesInternet,
                servicesOnline: item.servicesOnline.split(separator: "|").map(String.init),
                barriers: item.barriers.split(separator: "|").map(String.init))
        }
        return (Summary(id: id, title: row.title, synthetic: row.synthetic, respondents: responses.count), responses)
    }
}

// SPDX-License-Identifier: MPL-2.0
import Audit
import FluentKit
import Foundation
import GuichetTesting
import Testing

@testable import Ecosystem

@Suite struct LearningPlanStorageTests {
    static func file(_ name: String, _ text: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eco-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    @Test func importUpdateAndExportAreLossless() async throws {
        try await TestApp.withComponents { components in
            let db = components.database.db
            let repository = LearningPlanRepository(db: db)
            let text = LabsFormatTests.trapPlan + "\n"
            let plan = try LearningPlan(text: text)
            #expect(try await repository.importPlan(plan, actor: "test") == .created)
            #expect(try await repository.importPlan(plan, actor: "test") == .unchanged)
            #expect(try await repository.exportText(id: plan.id) == text)
            #expect(try await repository.plan(id: plan.id) == plan)

            let edited = try LearningPlan(text: text.replacingOccurrences(of: "Réponse.", with: "Réponse corrigée."))
            #expect(edited.id == plan.id)
            #expect(try await repository.importPlan(edited, actor: "test") == .updated)
            #expect(try await repository.count() == 1)
            #expect(try await repository.exportText(id: plan.id)?.contains("Réponse corrigée.") == true)

            let events = try await AuditLog.records(on: db).filter { $0.entry.entity == "learning_plan" }
            #expect(events.map(\.entry.action) == ["learning_plan.created", "learning_plan.updated"])
            #expect(events.allSatisfy { $0.entry.entityId == plan.id && !$0.entry.summary.contains("@") })
            #expect(try await AuditLog.verify(on: db) == .intact(events: try await AuditLog.records(on: db).count))

            // Links: every kind, each value once, the empty data source left out.
            let links = try await PlanTermRow.query(on: db).filter(\.$planId == plan.id).all()
            let terms = try await TermRow.query(on: db).filter(\.$id ~~ links.map(\.termId)).all()
            let byKind = Dictionary(grouping: terms, by: \.kind).mapValues { Set($0.map(\.value)) }
            #expect(byKind["country"] == ["Côte d’Ivoire"])
            #expect(byKind["sdg"] == ["16", "5"])
            #expect(byKind["method"] == ["Artificial Intelligence/Machine Learning", "(Community) Asset Mapping", "Co-creation"])
            #expect(byKind["datasource"] == ["Sensor & sensor network data", "Données mobiles, SMS et USSD"])
            #expect(byKind["thematic_area"] == ["access to technology & internet", "santé - e-santé, télémédecine"])
        }
    }

    @Test func filtersCombine() async throws {
        try await TestApp.withComponents { components in
            let repository = LearningPlanRepository(db: components.database.db)
            let plans = [
                "# Un\n[[year:2023]]\n[[country:Togo]]\n[[sdgs:16. Peace, justice and strong institutions]]\n[[thematic_areas:civil registration]]\n",
                "# Deux\n[[year:2021]]\n[[country:Togo]]\n[[sdgs:9. Industry, innovation and infrastructure]]\n[[thematic_areas:Civil Registration]]\n",
                "# Trois\n[[year:2023]]\n[[country:Senegal]]\n[[sdgs:16. Peace, justice and strong institutions]]\n",
            ]
            for text in plans { try await repository.importPlan(try LearningPlan(text: text), actor: "test") }
            func titles(_ filter: LearningPlanRepository.Filter) async throws -> [String] { try await repository.list(filter).map(\.title) }
            #expect(try await titles(.init()) == ["Trois", "Un", "Deux"])
            #expect(try await titles(.init(country: "Togo")) == ["Un", "Deux"])
            #expect(try await titles(.init(country: "togo", sdg: 16)) == ["Un"])
            #expect(try await titles(.init(sdg: 16, year: 2023)) == ["Trois", "Un"])
            #expect(try await titles(.init(thematicArea: "civil registration")) == ["Un", "Deux"])
            #expect(try await titles(.init(country: "Mali")) == [])
            let facets = try await repository.facets()
            #expect(facets[.sdg]?.map(\.value) == ["9", "16"])
            #expect(facets[.country]?.first { $0.value == "Togo" }?.count == 2)
            #expect(try await repository.years() == [2023, 2021])
        }
    }

    @Test func eachFileIsAllOrNothingAndReported() async throws {
        try await TestApp.withComponents { components in
            let repository = LearningPlanRepository(db: components.database.db)
            let good = try Self.file("good.md", "# Bon plan\n[[type:learningplan]]\n[[country:Togo]]\n## Title\n> Q\nR\n")
            let badSDG = try Self.file("bad-sdg.md", "# Mauvais ODD\n[[type:learningplan]]\n[[country:Togo]]\n[[sdgs:19. Nope]]\n")
            let badHeader = try Self.file("bad-header.md", "# Mauvais en-tête\n[[type:learningplan]]\n[[country Togo]]\n")
            let missing = FileManager.default.temporaryDirectory.appendingPathComponent("absent-\(UUID().uuidString).md")
            let readme = try Self.file("README.md", "# Real learning plans\n\nSix plans exported by the platform.\n")
            let reports = await LearningPlanImporter.importFiles(
                [badSDG, good, badHeader, missing, readme], repository: repository, actor: "test")
            #expect(reports.map(\.outcome) == [nil, .created, nil, nil, nil])
            #expect(reports[4].problem == "no [[key:value]] header: not an export of the Labs platform")
            #expect(reports[0].line == "bad-sdg.md: rejected: unknown SDG \"19. Nope\" (expected \"1.\" to \"17.\" and the goal's name)")
            #expect(reports[2].line == "bad-header.md: rejected: line 3: malformed_header: [[country Togo]]")
            #expect(reports[3].problem == "file not found")
            #expect(try await repository.count() == 1)
            #expect(try await TermRow.query(on: components.database.db).filter(\.$kind == "sdg").count() == 0)
            let again = await LearningPlanImporter.importFiles([good], repository: repository, actor: "test")
            #expect(again.map(\.outcome) == [.unchanged])
        }
    }

    @Test(.enabled(if: SharedFiles.available, SharedFiles.skipMessage))
    func seedAndRealPlansImportAndExportByteForByte() async throws {
        try await TestApp.withComponents { components in
            let repository = LearningPlanRepository(db: components.database.db)
            let files = [try #require(SharedFiles.seedPlan)] + SharedFiles.realPlans
            let reports = await LearningPlanImporter.importFiles(files, repository: repository, actor: "test")
            #expect(reports.allSatisfy { $0.outcome == .created }, "\(reports.map(\.line))")
            #expect(try await repository.count() == files.count)
            for (file, report) in zip(files, reports) {
                let id = try #require(report.id)
                let exported = try #require(try await repository.exportText(id: id))
                #expect(exported == (try String(contentsOf: file, encoding: .utf8)), "\(file.lastPathComponent)")
            }
            let second = await LearningPlanImporter.importFiles(files, repository: repository, actor: "test")
            #expect(second.allSatisfy { $0.outcome == .unchanged })
            #expect(try await repository.list(.init(country: "Republic of the Congo")).count == 2)
        }
    }

    @Test func demoSeederLoadsSamplesAndSharedPlansOnce() async throws {
        try await TestApp.withComponents { components in
            let db = components.database.db
            await EcosystemSeeder.seedIfEmpty(database: db, shared: nil, logger: TestApp.logger)
            let repository = LearningPlanRepository(db: db)
            #expect(try await repository.count() == EcosystemModule.demoPlans.count)
            #expect(EcosystemModule.demoPlans.count >= 2)
            for plan in try await repository.list(.init()) {
                let document = try #require(try await repository.plan(id: plan.id)).document
                #expect(document.value("sample") != nil, "\(plan.title) is marked as a sample")
                #expect(document.value("source") != nil, "\(plan.title) cites its source")
            }
            // Not empty any more: a second start adds nothing.
            await EcosystemSeeder.seedIfEmpty(database: db, shared: SharedFiles.directory, logger: TestApp.logger)
            #expect(try await repository.count() == EcosystemModule.demoPlans.count)
        }
        if SharedFiles.available {
            try await TestApp.withComponents { components in
                await EcosystemSeeder.seedIfEmpty(database: components.database.db, shared: SharedFiles.directory, logger: TestApp.logger)
                let count = try await LearningPlanRepository(db: components.database.db).count()
                #expect(count == EcosystemModule.demoPlans.count + 1 + SharedFiles.realPlans.count)
            }
        }
    }
}

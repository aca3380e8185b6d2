// SPDX-License-Identifier: MPL-2.0
import FluentKit
import Foundation
import Logging

/// Demo data of the ecosystem: the project's own sample plans, then, when `../shared` is found beside the project,
/// the seed learning plan and the real plans, read where they are (never copied into the repository).
package enum EcosystemSeeder {
    /// `../shared` beside the working directory, when it exists.
    package static func sharedDirectory(workingDirectory: String = FileManager.default.currentDirectoryPath) -> URL? {
        let url = URL(fileURLWithPath: workingDirectory).deletingLastPathComponent().appendingPathComponent("shared")
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue ? url : nil
    }

    /// The seed plan and the real plans in a `shared` folder, whichever exist.
    package static func sharedPlanFiles(_ shared: URL) -> [URL] {
        let fm = FileManager.default
        let seeds = ((try? fm.contentsOfDirectory(at: shared.appendingPathComponent("seeds"), includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.lastPathComponent.hasPrefix("002_") && $0.pathExtension == "txt" }
        let plans = ((try? fm.contentsOfDirectory(at: shared.appendingPathComponent("learning-plans"), includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "md" && $0.lastPathComponent != "README.md" }
        return (seeds + plans).sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// Loads the demo into an empty ecosystem; a file that cannot be read is logged and skipped: it never stops the server.
    package static func seedIfEmpty(database: any Database, shared: URL?, logger: Logger) async {
        let repository = LearningPlanRepository(db: database)
        do {
            guard try await repository.count() == 0 else { return }
        } catch {
            logger.error("ecosystem demo not loaded", metadata: ["error": "\(error)"])
            return
        }
        var files = EcosystemModule.demoPlans
        if let shared {
            files += sharedPlanFiles(shared)
        } else {
            logger.notice("../shared not found: only the sample learning plans are loaded")
        }
        let reports = await LearningPlanImporter.importFiles(files, repository: repository, actor: "system:demo")
        for report in reports where report.problem != nil {
            logger.error("learning plan not loaded", metadata: ["file": "\(report.file)", "problem": "\(report.problem ?? "")"])
        }
        logger.info("learning plans loaded", metadata: ["count": "\(reports.filter { $0.outcome != nil }.count)"])
        await seedSolutions(database: database, shared: shared, logger: logger)
        do {
            let document = try JSONDecoder().decode(ActorsDocument.self, from: Data(contentsOf: EcosystemModule.demoActors))
            _ = try await ActorRepository(db: database).importDocument(document, actor: "system:demo")
        } catch {
            logger.error("demo actors not loaded", metadata: ["error": "\(error)"])
        }
        do {
            let reading = try SurveyCSV.read(Data(contentsOf: EcosystemModule.demoSurvey))
            try await SurveyRepository(db: database).importSurvey(
                id: demoSurveyId, title: "Usages numériques au Togo (données synthétiques)", synthetic: true, responses: reading.responses,
                actor: "system:demo")
        } catch {
            logger.error("demo survey not loaded", metadata: ["error": "\(error)"])
        }
    }

    package static let demoSurveyId = "synthetique-usages-numeriques"

    /// The sample solutions (marked as samples), then the Labs' 325 records when the dataset is found.
    static func seedSolutions(database: any Database, shared: URL?, logger: Logger) async {
        let repository = SolutionRepository(db: database)
        do {
            var samples = try EcosystemModule.demoSolutions.map { file in
                try LabsSolution.solution(text: String(contentsOf: file, encoding: .utf8))
            }
            samples += try SolutionCSV.read(Data(contentsOf: EcosystemModule.demoSolutionsCSV)).accepted
            for index in samples.indices { samples[index].source = .sample }
            _ = try await repository.importSolutions(samples, actor: "system:demo")
        } catch {
            logger.error("sample solutions not loaded", metadata: ["error": "\(error)"])
        }
        guard let pages = shared?.appendingPathComponent("datasets/acclab-solutions/pages"),
            FileManager.default.fileExists(atPath: pages.path)
        else { return }
        do {
            let report = try await SolutionImporter.importLabs(directory: pages, repository: repository, actor: "system:demo")
            logger.info("Accelerator Labs solutions loaded", metadata: ["created": "\(report.created)", "rejected": "\(report.rejected.count)"])
        } catch {
            logger.error("Accelerator Labs solutions not loaded", metadata: ["error": "\(error)"])
        }
    }
}

import Foundation

package enum EcosystemResources {
    /// The `Resources` folder of this module (templates, locales, demo plans and solutions).
    package static var directory: URL {
        Bundle.module.bundleURL.appendingPathComponent("Resources")
    }

    /// The project's own sample learning plans, in the platform's format.
    package static var demoPlans: [URL] { demoFiles(prefix: "sample-plan-", extension: "md") }

    /// The project's own sample solutions, in the platform's format.
    package static var demoSolutions: [URL] { demoFiles(prefix: "sample-solution-", extension: "md") }

    /// Sample solutions as CSV: also the example of the CSV import's columns.
    package static var demoSolutionsCSV: URL { directory.appendingPathComponent("Demo/sample-solutions.csv") }

    /// The agencies and organisations named in the project's source documents.
    package static var demoActors: URL { directory.appendingPathComponent("Demo/actors.json") }

    /// A survey file the project invented (synthetic respondents), to show the aggregates.
    package static var demoSurvey: URL { directory.appendingPathComponent("Demo/synthetic-survey.csv") }

    static func demoFiles(prefix: String, extension: String) -> [URL] {
        let folder = directory.appendingPathComponent("Demo")
        let files = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []
        return files.filter { $0.lastPathComponent.hasPrefix(prefix) && $0.pathExtension == `extension` }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }
}

// SPDX-License-Identifier: MPL-2.0
import Foundation
import Testing

/// The project's shared material (`../shared` beside the package), read at test time, never copied.
enum SharedFiles {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let directory = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")

    static var available: Bool { FileManager.default.fileExists(atPath: directory.appendingPathComponent("learning-plans").path) }

    static var seedPlan: URL? {
        let seeds = directory.appendingPathComponent("seeds")
        return (try? FileManager.default.contentsOfDirectory(at: seeds, includingPropertiesForKeys: nil))?
            .first { $0.lastPathComponent.hasPrefix("002_") }
    }

    static var realPlans: [URL] {
        let folder = directory.appendingPathComponent("learning-plans")
        return ((try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "md" && $0.lastPathComponent != "README.md" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    static let skipMessage: Comment = "../shared (seed plan, real learning plans) is not beside the package: nothing to read"
}

// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import Testing

/// Processes starting together on an empty data folder keep one key between them.
@Suite struct KeyFilesTests {
    @Test func theFirstKeyWinsForEveryone() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("site.key")
        let kept = try await withThrowingTaskGroup(of: Data.self) { group in
            for index in 0..<16 {
                group.addTask { try KeyFiles.createOnce(at: file, contents: Data("key \(index)\n".utf8)) }
            }
            var kept: [Data] = []
            for try await data in group { kept.append(data) }
            return kept
        }
        #expect(Set(kept).count == 1)
        #expect(kept.first == (try Data(contentsOf: file)))
        // Only the key is left in the folder: every process's own file is gone.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["site.key"])
        // The site secret made twice in one folder is the same key.
        let first = try SiteSecret.load(dataDirectory: folder.path)
        let second = try SiteSecret.load(dataDirectory: folder.path)
        #expect(first == second)
    }
}

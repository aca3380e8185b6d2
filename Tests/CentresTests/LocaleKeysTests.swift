import Foundation
import GuichetApp
import GuichetCore
import Testing

@Suite struct CentresLocaleKeysTests {
    /// Every literal key the module's Swift code asks for (`v.t("…")`, error codes) exists in French and English.
    @Test func everyKeyTheCodeAsksForExists() throws {
        let localizer = try Localizer(resourceDirectories: GuichetApplication.resourceDirectories)
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/Centres")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        var checked = 0
        for file in files where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            var keys = text.matches(of: /\bv\.t\("([a-z_.0-9]+)"/).map { "centres." + $0.1 }
            keys += text.matches(of: /(?:notFound|conflict|code:)\(?\s*"([a-z_]+)"/).map { "errors." + $0.1 }
            for key in keys {
                for language in Language.allCases {
                    #expect(localizer.keys(language).contains(key), "\(file.lastPathComponent) asks for \(key) (\(language))")
                }
                checked += 1
            }
        }
        for prefix in ["centres.priority.", "centres.ticket_status."] {
            let values = prefix.hasSuffix("priority.") ? ["none", "elderly", "disability", "pregnancy", "appointment"] : ["waiting", "called", "serving", "done", "no_show"]
            for value in values { #expect(localizer.keys(.en).contains(prefix + value)) }
        }
        #expect(checked >= 40, "the scan found \(checked) keys: has the code changed how it asks for texts?")
    }
}

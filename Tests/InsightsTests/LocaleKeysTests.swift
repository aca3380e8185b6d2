// SPDX-License-Identifier: MPL-2.0
import GuichetCore
import GuichetTesting
import Testing

@testable import Insights

@Suite struct InsightsLocaleKeysTests {
    /// Every literal key the module's Swift code asks for exists in French and English, and so does every key it builds
    /// from a dataset, a column, a frequency or a channel.
    @Test func everyKeyTheCodeAsksForExists() throws {
        let scan = try LocaleKeyScan(target: "Insights")
        var asked: [(file: String, key: String)] = []
        for file in try scan.files("swift") {
            var keys = file.text.matches(of: /\bpage\.t\("([a-z_.0-9]+)"/).map { "insights." + $0.1 }
            keys += file.text.matches(of: /\btexts\("([a-z_.0-9]+)"\)/).map { "insights." + $0.1 }
            keys += file.text.matches(of: /label: "(insights\.[a-z_.0-9]+)"/).map { String($0.1) }
            keys += file.text.matches(of: /detail: "(insights\.[a-z_.0-9]+)"/).map { String($0.1) }
            asked += keys.map { (file.name, $0) }
        }
        #expect(asked.count >= 20, "the scan found \(asked.count) keys: has the code changed how it asks for texts?")
        for dataset in OpenDataService.datasets {
            asked += ["title", "description"].map { ("datasets", "insights.dataset.\(dataset.key).\($0)") }
            asked += [("datasets", "insights.frequency.\(dataset.frequency)")]
            asked += dataset.columns.map { ("datasets", "insights.column.\($0)") }
        }
        asked += (ScopePage.channels + ["other"]).map { ("channels", "insights.channel.\($0)") }
        let missing = scan.missing(asked)
        #expect(missing.isEmpty, "\(missing.joined(separator: "\n"))")
    }

    @Test func everyKeyTheTemplatesShowExists() throws {
        let scan = try LocaleKeyScan(target: "Insights")
        let asked = try scan.templateKeys()
        let missing = scan.missing(asked)
        #expect(missing.isEmpty, "\(missing.joined(separator: "\n"))")
        #expect(asked.count >= 40, "the scan found \(asked.count) keys in the templates")
    }

    @Test func frenchAndEnglishHaveTheSameKeys() throws {
        let scan = try LocaleKeyScan(target: "Insights")
        let french = try scan.ownKeys(.fr)
        let english = try scan.ownKeys(.en)
        #expect(french.subtracting(english).isEmpty, "only in French: \(french.subtracting(english).sorted())")
        #expect(english.subtracting(french).isEmpty, "only in English: \(english.subtracting(french).sorted())")
        #expect(french.count > 100)
    }
}

// SPDX-License-Identifier: MPL-2.0
import Foundation
import Testing

@testable import GuichetCore

@Suite struct RenderingTests {
    @Test(arguments: [
        ("plain text, accents: é à ç", "plain text, accents: é à ç"),
        ("<script>alert('x')</script>", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
        ("a \"quoted\" & <b>", "a &quot;quoted&quot; &amp; &lt;b&gt;"),
        ("", ""),
    ])
    func escapesLikeMustache(input: String, expected: String) {
        #expect(FastHTMLContentType.escape(input) == expected)
    }

    @Test func boxingKeepsValuesAndDropsAbsentOnes() {
        struct Inner {
            let name: String
            let note: String?
        }
        struct Outer {
            let flag: Bool
            let items: [Inner]
            let missing: Inner?
        }
        let boxed = MustacheBoxing.box(Outer(flag: true, items: [Inner(name: "a", note: nil)], missing: nil)) as? [String: Any]
        #expect(boxed?["flag"] as? Bool == true)
        #expect(boxed?["missing"] == nil)
        let items = boxed?["items"] as? [Any]
        let first = items?.first as? [String: Any]
        #expect(first?["name"] as? String == "a")
        #expect(first?.keys.contains("note") == false)
    }

    @Test func boxingKeepsTablesAndTokensAsTheyAre() {
        struct Model {
            let t: [String: any Sendable]
            let csrf: CSRFToken
            let counts: [String: String]
        }
        let token = CSRFToken(value: "abc")
        let boxed = MustacheBoxing.box(Model(t: ["a": ["b": "c"] as [String: any Sendable]], csrf: token, counts: ["x": "1"])) as? [String: Any]
        #expect(((boxed?["t"] as? [String: any Sendable])?["a"] as? [String: any Sendable])?["b"] as? String == "c")
        #expect(boxed?["csrf"] as? CSRFToken === token)
        #expect((boxed?["counts"] as? [String: String])?["x"] == "1")
    }

    @Test func daysAreWrittenWithTheirZeros() {
        #expect(Timestamps.day(Date(timeIntervalSince1970: 0)) == "1970-01-01")
        #expect(Timestamps.day(Date(timeIntervalSince1970: 1_796_601_599)) == "2026-12-06")
        #expect(Timestamps.digits(7, 4) == "0007")
        #expect(Timestamps.digits(12_345, 4) == "12345")
    }
}

// SPDX-License-Identifier: MPL-2.0
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
}

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
        #expect(HTMLEscaping.escape(input) == expected)
    }

    /// The escaping writes into a string of the length it counted first: every entity, alone, repeated, beside accents
    /// and in long texts, comes out as a character-by-character replacement would have it.
    @Test func escapingAgreesWithReplacingEachCharacter() {
        func reference(_ text: String) -> String {
            let entities: [Character: String] = ["<": "&lt;", ">": "&gt;", "&": "&amp;", "\"": "&quot;", "'": "&#39;"]
            return text.map { entities[$0] ?? String($0) }.joined()
        }
        let pieces = ["<", ">", "&", "\"", "'", "é", "a", "l'état", "ߒ", " "]
        var random = SystemRandomNumberGenerator()
        for length in [1, 2, 5, 16, 17, 100, 3000] {
            for _ in 0..<20 {
                let text = (0..<length).map { _ in pieces.randomElement(using: &random) ?? "" }.joined()
                var output = "kept: "
                HTMLEscaping.append(text, to: &output)
                #expect(output == "kept: " + reference(text), "\(text)")
            }
        }
    }

    /// The byte search (whether a page drew its CSRF token, where a multipart body closes) agrees with Foundation's
    /// `contains` on ASCII tokens, and finds a later occurrence from an offset.
    @Test func byteSearchAgreesWithContains() {
        let token = "Ab-_9xYz"
        let texts = [
            "", "A", token, "x" + token, token + "x", "AbAb-_9xY", "<p>é \(token)</p>", String(repeating: "A", count: 300) + token,
            "Ab-_9xYZ", "AAb-_9xYz", "ééé",
        ]
        for text in texts {
            #expect(ByteSearch.contains(text, token) == text.contains(token), "\(text)")
        }
        #expect(ByteSearch.contains("abc", ""))
        #expect(!ByteSearch.contains("", "a"))
        let bytes = Array("--b--x--b--".utf8)
        let closing = Array("--b--".utf8)
        bytes.withUnsafeBufferPointer { haystack in
            closing.withUnsafeBufferPointer { needle in
                #expect(ByteSearch.firstIndex(of: needle, in: haystack) == 0)
                #expect(ByteSearch.firstIndex(of: needle, in: haystack, from: 1) == 6)
                #expect(ByteSearch.firstIndex(of: needle, in: haystack, from: 7) == nil)
            }
        }
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
        guard case .object(let boxed) = TemplateBoxing.box(Outer(flag: true, items: [Inner(name: "a", note: nil)], missing: nil)),
            case .bool(true) = boxed["flag"], case .list(let items) = boxed["items"], case .object(let first) = items.first,
            case .text("a") = first["name"]
        else {
            Issue.record("not boxed as expected")
            return
        }
        #expect(boxed["missing"] == nil)
        #expect(first["note"] == nil)
    }

    @Test func boxingKeepsTablesAndTokensAsTheyAre() {
        struct Model {
            let t: [String: any Sendable]
            let csrf: CSRFToken
            let counts: [String: String]
        }
        let token = CSRFToken(value: "abc")
        let boxed = TemplateBoxing.box(Model(t: ["a": ["b": "c"] as [String: any Sendable]], csrf: token, counts: ["x": "1"]))
        guard case .text("c") = boxed?.child("t")?.child("a")?.child("b"), case .token(let kept) = boxed?.child("csrf"),
            case .text("1") = boxed?.child("counts")?.child("x")
        else {
            Issue.record("not boxed as expected")
            return
        }
        #expect(kept === token)
    }

    @Test func boxingLooksInsideExistentials() {
        struct Inner {
            let name: String
        }
        struct Outer {
            let page: Any
            let items: [any Sendable]
            let maybe: Any?
        }
        let boxed = TemplateBoxing.box(Outer(page: Inner(name: "p"), items: ["a", 2], maybe: Inner(name: "m")) as Any)
        guard case .text("p") = boxed?.child("page")?.child("name"), case .list(let items) = boxed?.child("items"),
            case .text("a") = items.first, case .text("2") = items.last, case .text("m") = boxed?.child("maybe")?.child("name")
        else {
            Issue.record("not boxed as expected: \(String(describing: boxed))")
            return
        }
    }

    /// The Mustache the templates use, rendered as the specification says.
    @Test func templatesRenderAsMustacheDoes() throws {
        var library = TemplateLibrary()
        try library.register("<p>{{$body}}default{{/body}}</p>\n{{$foot}}foot{{/foot}}", named: "layout")
        try library.register(
            """
            {{<layout}}{{$body}}{{title}} {{&raw}} {{{raw}}}
              {{#items}}
              {{> item-line}}
              {{/items}}
            {{^empty(items)}}has{{/empty(items)}}{{#empty(none)}}no{{/empty(none)}}{{^missing}}!{{/missing}}\
            {{#flag}}on{{/flag}}{{^flag}}off{{/flag}}{{#page}}{{title}}/{{.title}}/{{page.inner.x}}{{/page}}{{/body}}{{/layout}}
            """, named: "page")
        try library.register("- {{.}}: {{title}}\n", named: "item-line")
        let value = TemplateValue.object([
            "title": .text("<T&\"'>"), "raw": .text("<b>"), "items": .list([.text("a"), .text("b")]), "none": .list([]),
            "flag": .bool(false), "page": .object(["inner": .object(["x": .text("1")])]),
        ])
        let html = library.render(value, withTemplate: "page")
        #expect(
            html == "<p>&lt;T&amp;&quot;&#39;&gt; <b> <b>\n- a: &lt;T&amp;&quot;&#39;&gt;\n- b: &lt;T&amp;&quot;&#39;&gt;\n"
                + "hasno!off&lt;T&amp;&quot;&#39;&gt;//1</p>\nfoot", "\(html ?? "nil")")
        #expect(throws: TemplateError.self) { try library.register("{{#a}}", named: "open") }
        #expect(throws: TemplateError.self) { try library.register("{{/a}}", named: "close") }
        #expect(throws: TemplateError.self) { try library.register("{{#first(a)}}{{/first(a)}}", named: "transform") }
        #expect(library.missingReferences.isEmpty)
        try library.register("{{> nowhere}}", named: "dangling")
        #expect(library.missingReferences == ["nowhere"])
    }

    /// New rows' identifiers: version-4 UUIDs in lower case, as Foundation's `UUID` reads them, and never twice.
    @Test func randomIdentifiersAreVersionFourUUIDs() {
        var seen = Set<String>()
        for _ in 0..<10_000 {
            let id = RandomID.uuid()
            let parsed = UUID(uuidString: id)
            #expect(parsed?.uuidString.lowercased() == id, "\(id)")
            let bytes = Array(id.utf8)
            #expect(bytes.count == 36 && bytes[14] == UInt8(ascii: "4") && "89ab".utf8.contains(bytes[19]), "\(id)")
            seen.insert(id)
        }
        #expect(seen.count == 10_000)
    }

    @Test func pathSegmentsAreEncodedOnlyWhenTheyNeedIt() {
        let route = Route("/centres/:id/tickets/:code")
        #expect(route.path("sn-ess-dakar", "AB12.x_~") == "/centres/sn-ess-dakar/tickets/AB12.x_~")
        #expect(route.path("a b/c", "é?#") == "/centres/a%20b%2Fc/tickets/%C3%A9%3F%23")
        #expect(route.path("", "x") == "/centres//tickets/x")
    }

    @Test func daysAreWrittenWithTheirZeros() {
        #expect(Timestamps.day(Date(timeIntervalSince1970: 0)) == "1970-01-01")
        #expect(Timestamps.day(Date(timeIntervalSince1970: 1_796_601_599)) == "2026-12-06")
        #expect(Timestamps.digits(7, 4) == "0007")
        #expect(Timestamps.digits(12_345, 4) == "12345")
    }
}

// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import Testing

/// The query encoder and decoder work on bytes: they must answer what Foundation's percent-encoding did.
struct FormQueryTests {
    static let samples = [
        "", "abc", "a b", "a+b", "acte+de+naissance", "extrai+de+naissence", "é", "%C3%A9", "caf%C3%A9+cr%C3%A8me", "%", "%e", "%e9",
        "%ZZ", "%FF", "%00", "a%2Fb", "100%", "日本", "x/y?z=1&w", "-_.~", "²", "😀", "%F0%9F%98%80", "+%2B+", "a%20b%2", "%41%42",
    ]

    @Test(arguments: samples)
    func decodesAsFoundationDid(raw: String) {
        let spaced = raw.replacingOccurrences(of: "+", with: " ")
        let expected = spaced.removingPercentEncoding ?? spaced
        // `&` and `=` separate fields and values: a raw sample holding one is not a single value.
        guard !raw.contains("&"), !raw.contains("=") else { return }
        #expect(FormQuery("v=" + raw)["v"] == expected)
        #expect(FormQuery(raw + "=1").items.first?.name == expected)
    }

    @Test(arguments: samples)
    func encodesAsFoundationDid(text: String) {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-_.~")
        #expect(FormQuery.encode(text) == text.addingPercentEncoding(withAllowedCharacters: allowed))
        #expect(FormQuery("v=" + FormQuery.encode(text))["v"] == text)
    }
}

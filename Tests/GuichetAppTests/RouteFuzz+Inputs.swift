// SPDX-License-Identifier: MPL-2.0
import Foundation
import PropertyBased

/// The input a hostile or careless client sends: values that broke parsers before (other digits, overflow, days that
/// do not exist, encoded separators, markup), and generated ones around them.
enum Hostile {
    static let overlong = String(repeating: "x", count: 10_000)
    static let overlongValues = [overlong, String(repeating: "9", count: 10_000), String(repeating: "é", count: 2_000)]

    /// Sent in every parameter and field of every route.
    static let values: [String] =
        overlongValues + [
            "", " ", "٢٠٢٠-٠١-٠١", "２０２０", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "99999999999999999999",
            "1e309", "NaN", "-1", "0", "1.5", "+5", "2026-02-30", "2026-13-01", "abcd-ef-gh", "%00", "%2F", "%ZZ", "%C3%28",
            "../../etc/passwd", "<script>alert(1)</script>", "' OR 1=1--", "a\u{0}b", "\r\nSet-Cookie: x=y", "😀", "👨‍👩‍👧‍👦",
        ]

    /// Drawn by the generator beside random values: more of what broke parsers elsewhere.
    static let moreValues: [String] =
        values + [
            "٣", "१२३", "２０２０-０１-０１", "-9223372036854775809", "-1e309", "Infinity", "-0", "0x10", "1_000", "0000-00-00", "9999-12-31",
            "2026-02", "25:61", "2026-01-01T25:00:00Z", "%", "%FF%FE", "%ED%A0%80", "..", ".", "\"; DROP TABLE users; --", "\u{202E}abc",
            "\u{FEFF}", "e\u{301}\u{301}\u{301}", "null", "true", "[]", "{}", "{{name}}", "//evil.example", "/\\evil.example",
            "javascript:alert(1)", "fr,en;q=0.5,*;q=NaN",
        ]

    /// Put where a JSON field's value goes, as they are (not as strings).
    static let jsonLiterals: [String] = [
        "9223372036854775807", "-9223372036854775808", "99999999999999999999", "1e309", "-1", "0", "1.5", "true", "null",
        "[]", "{}", "[\"x\", 1, null]", "\"\\uD800\"", "\"a\\uDC00b\"", "\"\\u0000\"",
    ]

    /// Whole form bodies beside the generated fields: invalid UTF-8, unpaired surrogates (CESU-8), broken escapes, too big.
    static func formBodies(csrf: String) -> [[UInt8]] {
        let token = Array("&_csrf=\(csrf)".utf8)
        return [
            [0x71, 0x3D, 0xFF, 0xFE, 0xC0, 0xAF] + token,
            [0x71, 0x3D, 0xED, 0xA0, 0x80] + token,
            Array("q=%FF%FE&page=%ED%A0%80&%C3%28=%C0%AF".utf8) + token,
            Array("=&&==&%&%%&q".utf8) + token,
            Array("q=".utf8) + Array(repeating: 0x61, count: 2 << 20) + token,
        ]
    }

    /// Whole JSON bodies: not JSON, not an object, invalid bytes, too deep, too big.
    static let jsonBodies: [[UInt8]] = [
        [], Array("null".utf8), Array("[]".utf8), Array("\"x\"".utf8), Array("{".utf8), Array("{\"a\":".utf8),
        [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D], [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x7D],
        Array("{\"a\":\"\\uD800\",\"\\uDFFF\":1}".utf8), Array("{\"a\":NaN}".utf8), Array("{\"a\":1e309}".utf8),
        Array(String(repeating: "[", count: 10_000).utf8), Array(String(repeating: "{\"a\":", count: 5_000).utf8),
        Array("{\"a\":\"".utf8) + Array(repeating: 0x61, count: 2 << 20) + Array("\"}".utf8),
    ]

    static let character = Gen<Character>.oneOf(
        Gen.character(in: "\u{0}"..."\u{7F}"),
        Gen.character(in: "\u{80}"..."\u{7FF}"),
        Gen.character(in: "\u{600}"..."\u{6FF}"),
        Gen.character(in: "\u{FF00}"..."\u{FFEF}"),
        Gen.character(in: "\u{1F300}"..."\u{1FAFF}"),
        Gen.character(in: "\u{E000}"..."\u{10FFFF}"),
    )

    /// A random value: one of the fixed ones, random text, digits of any length, an integer, a decimal, or a day-like triple.
    static let generated = Gen<String>.oneOf(
        Gen<String?>.element(of: moreValues).map { $0 ?? "" },
        character.string(of: 0...40),
        zip(Gen.bool(), Gen.number.string(of: 1...40)).map { negative, digits in (negative ? "-" : "") + digits },
        Gen.int().map { String($0) },
        Gen.double(in: -1e300...1e300).map { String($0) },
        zip(Gen.int(in: -1...10_000), Gen.int(in: -1...99), Gen.int(in: -1...99)).map { year, month, day in "\(year)-\(month)-\(day)" },
    )

    /// Every byte outside A–Z, a–z, 0–9 and `-._~` percent-encoded (what a path segment or query value may hold).
    static func encoded(_ text: String) -> String {
        encodedValues[text] ?? percentEncoded(text)
    }

    /// The fixed values encoded once: the overlong ones are sent thousands of times.
    static let encodedValues = Dictionary(moreValues.map { ($0, percentEncoded($0)) }, uniquingKeysWith: { first, _ in first })

    static func percentEncoded(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count * 3)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// How a value goes into a URI: encoded, and as typed when it is visible ASCII (`%00`, `%2F`, `../..` reach the server raw).
    static func uriForms(_ text: String) -> [String] {
        let encoded = encoded(text)
        let raw = !text.isEmpty && text.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "#") && $0 != UInt8(ascii: "?") }
        return raw && text != encoded ? [encoded, text] : [encoded]
    }
}

/// A JSON document written by hand, so that a field may hold a literal JSON itself refuses to write (`1e309`, `"\uD800"`).
indirect enum JSONText {
    case string(String)
    case literal(String)
    case object([(String, JSONText)])
    case array([JSONText])

    var text: String {
        switch self {
        case .string(let value): return Self.quoted(value)
        case .literal(let value): return value
        case .object(let members): return "{" + members.map { Self.quoted($0.0) + ":" + $0.1.text }.joined(separator: ",") + "}"
        case .array(let items): return "[" + items.map(\.text).joined(separator: ",") + "]"
        }
    }

    static func quoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04X", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

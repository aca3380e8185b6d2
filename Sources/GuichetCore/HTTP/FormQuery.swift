// SPDX-License-Identifier: MPL-2.0
import Foundation
import Hummingbird

/// Query strings as browsers send them from a GET form (`application/x-www-form-urlencoded`): `+` is a space.
/// Hummingbird's `queryParameters` keeps `+` as is, so a search for "acte+de+naissance" would miss.
package struct FormQuery: Sendable {
    package let items: [(name: String, value: String)]

    package init(_ raw: String?) {
        items = (raw ?? "").split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (Self.decode(parts[0]), parts.count > 1 ? Self.decode(parts[1]) : "")
        }
    }

    /// Fields already decoded (e.g. the text parts of a multipart body).
    package init(items: [(name: String, value: String)]) {
        self.items = items
    }

    package subscript(_ name: String) -> String? {
        items.first { $0.name == name }?.value
    }

    /// A value or name ready to go into a query string: every byte but ASCII letters, digits and `-_.~` percent-encoded
    /// (UTF-8), as `addingPercentEncoding` with those characters allowed did.
    package static func encode(_ text: String) -> String {
        let utf8 = text.utf8
        guard utf8.contains(where: { !isUnreserved($0) }) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count * 3)
        for byte in utf8 {
            if isUnreserved(byte) {
                bytes.append(byte)
            } else {
                bytes.append(UInt8(ascii: "%"))
                bytes.append(hexDigit(byte >> 4))
                bytes.append(hexDigit(byte & 0x0F))
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The capital hexadecimal digit of a value below 16.
    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "A") + value - 10
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"): true
        default: false
        }
    }

    /// `+` is a space, then percent-decoding; a malformed escape or bytes that are not UTF-8 leave the text with only its
    /// spaces decoded, as `removingPercentEncoding` did (nil) — done on the bytes, without Foundation.
    static func decode(_ text: Substring) -> String {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "%") }) else { return String(text) }
        let spaced = utf8.map { $0 == UInt8(ascii: "+") ? UInt8(ascii: " ") : $0 }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(spaced.count)
        var iterator = spaced.makeIterator()
        var malformed = false
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                malformed = true
                break
            }
            bytes.append(high << 4 | low)
        }
        if !malformed, let decoded = String(validating: bytes, as: UTF8.self) { return decoded }
        return String(decoding: spaced, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension Request {
    package var form: FormQuery { FormQuery(uri.query) }
}

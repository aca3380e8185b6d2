// SPDX-License-Identifier: MPL-2.0
import Foundation
import NIOCore

/// U+0000 is refused at the edge, in a query, a form or a JSON string: no field of ours takes one, and PostgreSQL's
/// `text` cannot store it, so a NUL that reached the database was a 500 there (and stored as is on SQLite).
package enum NULCharacter {
    package static var refused: AppError { AppError(.badRequest, code: "bad_character") }

    /// A raw NUL or `%00` in percent-encoded text (a query string, a form body).
    package static func inEncoded(_ text: some StringProtocol) -> Bool {
        var previous: (UInt8, UInt8) = (0, 0)
        for byte in text.utf8 {
            if byte == 0 || (previous == (UInt8(ascii: "%"), UInt8(ascii: "0")) && byte == UInt8(ascii: "0")) { return true }
            previous = (previous.1, byte)
        }
        return false
    }

    /// A NUL in a decoded form's names or values.
    package static func inForm(_ form: FormQuery) -> Bool {
        form.items.contains { $0.name.utf8.contains(0) || $0.value.utf8.contains(0) }
    }

    /// A raw NUL, or `\u0000` in a JSON string or key (escapes are followed, so `\\u0000` is text, not a NUL).
    package static func inJSON(_ bytes: some Sequence<UInt8>) -> Bool {
        var iterator = bytes.makeIterator()
        var inString = false
        while let byte = iterator.next() {
            if byte == 0 { return true }
            guard inString else {
                inString = byte == UInt8(ascii: "\"")
                continue
            }
            if byte == UInt8(ascii: "\"") {
                inString = false
            } else if byte == UInt8(ascii: "\\"), let escaped = iterator.next(), escaped == UInt8(ascii: "u") {
                var digits: [UInt8] = []
                while digits.count < 4, let digit = iterator.next() { digits.append(digit) }
                if digits == Array("0000".utf8) { return true }
            }
        }
        return false
    }
}

/// The JSON API's bodies, decoded in one way: a NUL refused, the decoder's errors said in the person's language.
package enum JSONInput {
    package static func decode<T: Decodable>(_ type: T.Type, from body: ByteBuffer) throws -> T {
        guard !NULCharacter.inJSON(body.readableBytesView) else { throw NULCharacter.refused }
        do {
            return try JSONDecoder().decode(T.self, from: Data(body.readableBytesView))
        } catch {
            throw AppError.decoding(error)
        }
    }
}

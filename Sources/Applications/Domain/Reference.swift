// SPDX-License-Identifier: MPL-2.0
import Foundation

/// Application references such as `SN-26-7H3K-9Q`: country, two-digit year, four characters, then a fifth and a
/// check character. The alphabet has 29 symbols (no 0/O, 1/I/L, U/V), so nothing reads two ways; 29 is prime, and
/// the check is a weighted sum modulo 29 with weights 1…5 over the random part, offset by the country and year. Any
/// one wrong character changes the sum by w·d with 0 < w, |d| < 29, and any swap of two neighbours by ±d: neither is 0
/// modulo a prime, so both are always caught.
package enum ApplicationReference {
    package static let alphabet = Array("23456789ABCDEFGHJKMNPQRSTWXYZ")

    static func value(_ character: Character) -> Int? { alphabet.firstIndex(of: character) }

    /// A new reference for `country` (two letters) filed in `year`.
    package static func make(country: String, year: Int, random: () -> Int = { Int.random(in: 0..<29) }) -> String {
        let body = (0..<5).map { _ in alphabet[random()] }
        let prefix = "\(country.uppercased())-\(String(format: "%02d", year % 100))"
        let check = alphabet[checkValue(prefix: prefix, body: body)]
        return "\(prefix)-\(String(body[0..<4]))-\(body[4])\(check)"
    }

    static func checkValue(prefix: String, body: [Character]) -> Int {
        var sum = prefix.unicodeScalars.reduce(0) { ($0 * 31 + Int($1.value)) % 29 }
        for (index, character) in body.enumerated() { sum += (index + 1) * (value(character) ?? 0) }
        return sum % 29
    }

    /// The canonical form of what someone typed (case, spaces and dashes forgiven), or nil when it is not a valid
    /// reference: wrong shape, a character outside the alphabet, or a check character that does not match.
    package static func normalise(_ typed: String) -> String? {
        let compact = typed.uppercased().filter { $0.isLetter || $0.isNumber }
        guard compact.count == 10 else { return nil }
        let characters = Array(compact)
        let country = String(characters[0..<2])
        let year = String(characters[2..<4])
        guard country.allSatisfy({ $0.isASCII && $0.isLetter }), year.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let body = Array(characters[4..<9])
        guard body.allSatisfy({ value($0) != nil }), let check = value(characters[9]) else { return nil }
        let prefix = "\(country)-\(year)"
        guard checkValue(prefix: prefix, body: body) == check else { return nil }
        return "\(prefix)-\(String(body[0..<4]))-\(body[4])\(characters[9])"
    }
}

/// Short random codes from the same alphabet: verification codes of issued documents.
package enum ShortCode {
    package static func make(length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in ApplicationReference.alphabet[Int(generator.next(upperBound: UInt32(29)))] })
    }
}

// SPDX-License-Identifier: MPL-2.0
import NIOConcurrencyHelpers
import SQLKit

extension SQLRowDecoder.KeyDecodingStrategy {
    /// The columns of `.convertFromSnakeCase` (`issuedAt` reads `issued_at`), each key converted once per process:
    /// SQLKit converts every key of every row again, character by character, which was a twentieth of the CPU of a
    /// centre agent's console.
    package static var snakeCaseColumns: Self { SnakeCaseColumns.strategy }
}

package enum SnakeCaseColumns {
    static let strategy = SQLRowDecoder.KeyDecodingStrategy.custom { keys in Column(stringValue: column(for: keys.last?.stringValue ?? "")) }
    private static let known = NIOLockedValueBox<[String: String]>([:])

    struct Column: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }

        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// The column a key reads, converted once and kept (the keys are the fields of the row types: a few hundred).
    package static func column(for key: String) -> String {
        if let column = known.withLockedValue({ $0[key] }) { return column }
        let column = snakeCase(key)
        known.withLockedValue { $0[key] = column }
        return column
    }

    /// SQLKit's rule: a word starts at each capital after the first character; in a run of capitals, the last one
    /// before a lower-case letter starts the next word (`myURLValue` → `my_url_value`). Each word's first character is
    /// lower-cased, and the words are joined with `_`.
    static func snakeCase(_ key: String) -> String {
        let characters = Array(key)
        guard !characters.isEmpty else { return key }
        var words: [ArraySlice<Character>] = []
        var start = 0
        var search = 1
        while let capital = characters[search...].firstIndex(where: \.isUppercase) {
            words.append(characters[start..<capital])
            start = capital
            guard let lower = characters[capital...].firstIndex(where: \.isLowercase) else { break }
            search = lower
            if lower != capital + 1 {
                words.append(characters[capital..<(lower - 1)])
                start = lower - 1
            }
        }
        words.append(characters[start...])
        return words.map { word in (word.first.map { $0.lowercased() } ?? "") + String(word.dropFirst()) }.joined(separator: "_")
    }
}

// SPDX-License-Identifier: MPL-2.0
import Foundation

/// RFC 4180 CSV: quoted fields may hold the delimiter, quotes (doubled) and line breaks; CRLF or LF line ends;
/// a UTF-8 byte-order mark is skipped. The delimiter, `;` or `,`, is the one the header line uses more.
package struct CSVTable: Sendable, Equatable {
    package struct Row: Sendable, Equatable {
        /// The file line the row starts on (the header is line 1).
        package var line: Int
        package var fields: [String]
    }

    package var delimiter: Character
    package var header: [String]
    package var rows: [Row]

    package enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case notUTF8
        case empty
        case unclosedQuote(line: Int)

        package var description: String {
            switch self {
            case .notUTF8: return "the file is not UTF-8 text"
            case .empty: return "the file has no header line"
            case .unclosedQuote(let line): return "line \(line): a quoted field is never closed"
            }
        }
    }

    package init(data: Data) throws(Problem) {
        guard var text = String(data: data, encoding: .utf8) else { throw .notUTF8 }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        try self.init(text: text)
    }

    package init(text: String) throws(Problem) {
        let delimiter = Self.detectDelimiter(text)
        var records = try Self.records(text, delimiter: delimiter)
        records.removeAll { $0.fields.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty } }
        guard let header = records.first else { throw .empty }
        self.delimiter = delimiter
        self.header = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        self.rows = Array(records.dropFirst())
    }

    /// A value as a comma-separated field: quoted when it holds a comma, a quote or a line break; a leading formula
    /// character neutralised, so that a spreadsheet never runs a cell (CSV injection).
    package static func field(_ value: String) -> String {
        var value = value
        if let first = value.first, "=+-@".contains(first), Double(value) == nil { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func detectDelimiter(_ text: String) -> Character {
        var semicolons = 0
        var commas = 0
        var quoted = false
        for character in text {
            if character == "\"" { quoted.toggle() }
            if quoted { continue }
            if character == "\n" || character == "\r\n" { break }
            if character == ";" { semicolons += 1 }
            if character == "," { commas += 1 }
        }
        return semicolons > commas ? ";" : ","
    }

    static func records(_ text: String, delimiter: Character) throws(Problem) -> [Row] {
        var rows: [Row] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var line = 1
        var rowStart = 1
        var iterator = Array(text).makeIterator()
        var pending: Character? = nil
        func next() -> Character? {
            if let character = pending {
                pending = nil
                return character
            }
            return iterator.next()
        }
        while let character = next() {
            if quoted {
                if character == "\"" {
                    if let following = next() {
                        if following == "\"" {
                            field.append("\"")
                        } else {
                            quoted = false
                            pending = following
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    if character == "\n" || character == "\r\n" { line += 1 }
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"" where field.isEmpty: quoted = true
            case delimiter:
                fields.append(field)
                field = ""
            case "\n", "\r\n", "\r":
                fields.append(field)
                rows.append(Row(line: rowStart, fields: fields))
                fields = []
                field = ""
                line += 1
                rowStart = line
            default: field.append(character)
            }
        }
        if quoted { throw .unclosedQuote(line: rowStart) }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            rows.append(Row(line: rowStart, fields: fields))
        }
        return rows
    }
}

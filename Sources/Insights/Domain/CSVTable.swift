// SPDX-License-Identifier: MPL-2.0
import Foundation

/// A table written as CSV (RFC 4180: comma-separated, a header line, fields quoted when they hold a comma, a quote or
/// a line break, lines ending CRLF), its columns in a fixed order that the data dictionary documents.
struct CSVTable: Sendable {
    let columns: [String]
    var rows: [[String]] = []

    init(columns: [String]) {
        self.columns = columns
    }

    /// A row by column name; a column missing from `values` is empty.
    mutating func append(_ values: [String: String]) {
        rows.append(columns.map { values[$0] ?? "" })
    }

    var text: String {
        ([columns] + rows).map { $0.map(Self.field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    static func field(_ value: String) -> String {
        // A leading formula character is neutralised, so that a spreadsheet never runs a cell (CSV injection).
        var value = value
        if let first = value.first, "=+-@".contains(first), Double(value) == nil { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

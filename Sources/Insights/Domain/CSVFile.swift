// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore

/// A table written as CSV (RFC 4180: comma-separated, a header line, fields quoted when they hold a comma, a quote or
/// a line break, lines ending CRLF), its columns in a fixed order that the data dictionary documents.
struct CSVFile: Sendable {
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
        ([columns] + rows).map { $0.map(CSVTable.field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }
}

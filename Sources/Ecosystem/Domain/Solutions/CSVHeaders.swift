// SPDX-License-Identifier: MPL-2.0
/// How an imported CSV file's header names its columns, the one way for every import (solutions, surveys): each
/// header is folded ("Maturité" → "maturite"), matched against the columns' own names then their aliases; a header
/// that names personal data is dropped with a warning and never read; a column named twice keeps its first header.
enum CSVHeaders {
    /// "Maturité" → "maturite", "Thematic areas" → "thematic_areas": no case, no accents, `_` between words.
    static func fold(_ header: String) -> String {
        let folded = header.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
        return folded.split { !($0.isASCII && ($0.isLetter || $0.isNumber)) }.joined(separator: "_")
    }

    /// The columns found, by their index in the file, and a warning for each header dropped or ignored.
    static func map<Column: RawRepresentable & Hashable>(
        _ header: [String], aliases: [String: Column], identifying: Set<String>
    ) -> (columns: [Int: Column], warnings: [String]) where Column.RawValue == String {
        var columns: [Int: Column] = [:]
        var warnings: [String] = []
        for (index, name) in header.enumerated() {
            let folded = fold(name)
            if identifying.contains(folded) {
                warnings.append("column \"\(name)\" identifies a person: dropped, never stored")
            } else if let column = Column(rawValue: folded) ?? aliases[folded] {
                if columns.values.contains(column) {
                    warnings.append("column \"\(name)\" repeats \(column.rawValue): ignored")
                } else {
                    columns[index] = column
                }
            } else {
                warnings.append("column \"\(name)\" is not known: ignored")
            }
        }
        return (columns, warnings)
    }
}

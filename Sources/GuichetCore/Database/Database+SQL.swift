// SPDX-License-Identifier: MPL-2.0
import FluentKit
import SQLKit

extension FluentKit.Database {
    /// The SQL side of a Fluent database, for the queries FluentKit cannot say.
    package var sql: any SQLDatabase {
        // trap-safe: every driver Guichet configures (FluentSQLiteDriver, FluentPostgresDriver) is an SQLDatabase.
        self as! any SQLDatabase
    }
}

/// A fixed list of column names, quoted (as both SQLite and PostgreSQL quote them) and joined once: a select builder
/// given the names quotes and escapes each of them again on every query.
package struct SQLColumnList: SQLExpression {
    package let names: [String]
    private let text: String

    package init(_ names: [String]) {
        self.names = names
        self.text = names.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ", ")
    }

    package func serialize(to serializer: inout SQLSerializer) {
        serializer.write(text)
    }
}

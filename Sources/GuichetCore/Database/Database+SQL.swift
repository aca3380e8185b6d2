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

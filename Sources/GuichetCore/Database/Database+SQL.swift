import FluentKit
import SQLKit

extension FluentKit.Database {
    /// The same database, for SQLKit's query builders and raw SQL.
    package var sql: any SQLDatabase {
        // trap-safe: every driver DatabaseService configures (SQLite, PostgreSQL) makes SQLDatabases; there is no other
        self as! any SQLDatabase
    }
}

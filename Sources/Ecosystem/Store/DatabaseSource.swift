// SPDX-License-Identifier: MPL-2.0
import FluentKit
import GuichetCore

/// Where a repository's queries go: one connection (the CLI, tests, a transaction) or, on the server, the service's
/// pool, a connection of it at each use, so that a repository built once at start serves every request.
struct DatabaseSource: Sendable {
    private let resolve: @Sendable () -> any Database

    init(_ database: any Database) { resolve = { database } }

    init(_ service: DatabaseService) { resolve = { service.db } }

    var db: any Database { resolve() }
}

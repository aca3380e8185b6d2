// SPDX-License-Identifier: MPL-2.0
import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PostgresKit
import SQLKit
import ServiceLifecycle

package enum SQLDialectKind: Sendable {
    case sqlite, postgres
}

package enum DatabaseServiceError: Error, CustomStringConvertible {
    /// FluentKit gave no database for the configuration just made.
    case noDatabase

    package var description: String { "no database is configured" }
}

/// Owns FluentKit's `Databases` and `Migrations` for the life of the application: created at start,
/// shut down with the service group (or by `shutdown()` in tests and commands).
package final class DatabaseService: Service, @unchecked Sendable {
    package let databases: Databases
    package let migrations: Migrations
    package let dialect: SQLDialectKind
    package let logger: Logger
    /// Serialises writers on SQLite (`writeTransaction`), on the writer's own thread.
    package let writeQueue: WriteQueue
    /// The limits' attempts on SQLite, kept in this process (see `AttemptLimiter`).
    package let attempts = AttemptMemory()
    /// The database made at start: `db` falls back to it once `databases` is shut down (it then has no database to
    /// give), so that a late query fails with the pool's shutdown error instead of stopping the process.
    private let first: any Database
    /// SQLite only: the writer's own connection, on its own thread. FluentKit's SQLite pool keeps one connection per event
    /// loop, so a transaction held on the shared pool made every read that came to its event loop wait for the commit,
    /// and every statement queued behind the reads on the two threads that run SQLite calls. The write queue's
    /// transactions run here; reads keep the shared connections and threads.
    private let writerDatabases: Databases?
    private let writerFirst: (any Database)?
    /// The threads that run SQLite's calls (this service's own, so that bcrypt and file work elsewhere do not delay them).
    private let threadPools: [NIOThreadPool]
    /// SQLite only: reads run at once by the asking task, on connections of their own (see `SQLiteReaders`).
    private let readers: SQLiteReaders?
    private let cleanup: (@Sendable (DatabaseService) async -> Void)?
    /// PostgreSQL only: an executor for each event loop of the pool's group, by loop (see `executor(for:)`).
    private let loopExecutors: [ObjectIdentifier: EventLoopTaskExecutor]
    private let isShutDown = NIOLockedValueBox(false)

    package init(_ kind: AppConfiguration.DatabaseKind, logger: Logger, dropSchemaOnShutdown: Bool = false) async throws {
        // FluentKit logs queries with their values at debug and trace level: e-mail addresses, password hashes and
        // other personal data would reach the log. The database's own logger stops at info.
        var logger = logger
        if logger.logLevel < .info { logger.logLevel = .info }
        self.logger = logger
        self.migrations = Migrations()
        switch kind {
        case .sqliteFile(let path):
            dialect = .sqlite
            let readerThreads = NIOThreadPool(numberOfThreads: Self.readerCount)
            let writerThread = NIOThreadPool(numberOfThreads: 1)
            readerThreads.start()
            writerThread.start()
            threadPools = [readerThreads, writerThread]
            readers = SQLiteReaders(path: path)
            databases = Databases(threadPool: readerThreads, on: Self.readerLoops)
            databases.use(.sqlite(.file(path), sqlLogLevel: .trace), as: .sqlite)
            let writer = Databases(threadPool: writerThread, on: MultiThreadedEventLoopGroup.singleton)
            writer.use(.sqlite(.file(path), sqlLogLevel: .trace), as: .sqlite)
            writerDatabases = writer
            writeQueue = WriteQueue(executor: WriterExecutor(pool: writerThread))
            // One event loop: the pool then holds exactly one connection, the writer's.
            writerFirst = writer.database(logger: logger, on: Self.writerLoop)
            cleanup = nil
            loopExecutors = [:]
        case .postgres(let url, let schema):
            dialect = .postgres
            databases = Databases(threadPool: NIOThreadPool.singleton, on: MultiThreadedEventLoopGroup.singleton)
            var executors: [ObjectIdentifier: EventLoopTaskExecutor] = [:]
            for loop in MultiThreadedEventLoopGroup.singleton.makeIterator() {
                executors[ObjectIdentifier(loop)] = EventLoopTaskExecutor(loop: loop)
            }
            loopExecutors = executors
            threadPools = []
            readers = nil
            writeQueue = WriteQueue()
            writerDatabases = nil
            writerFirst = nil
            var configuration = try SQLPostgresConfiguration(url: url)
            if let schema {
                try await Self.createSchema(schema, url: url, logger: logger)
                configuration.searchPath = [schema, "public"]
            }
            // A burst (many agents calling at once, each transaction appending to the audit chain) waits for a connection
            // up to 30 s rather than failing after the default 10 s.
            databases.use(
                .postgres(configuration: configuration, maxConnectionsPerEventLoop: 4, connectionPoolTimeout: .seconds(30), sqlLogLevel: .trace),
                as: .psql)
            if let schema, dropSchemaOnShutdown {
                cleanup = { service in
                    _ = try? await service.sql.raw("DROP SCHEMA IF EXISTS \(ident: schema) CASCADE").run()
                }
            } else {
                cleanup = nil
            }
        }
        guard let first = databases.database(logger: logger, on: databases.eventLoopGroup.any()) else {
            await databases.shutdownAsync()
            await writerDatabases?.shutdownAsync()
            for pool in threadPools { try? await pool.shutdownGracefully() }
            throw DatabaseServiceError.noDatabase
        }
        self.first = first
        if dialect == .sqlite {
            // WAL lets readers go on while one writer commits; it is a property of the file, set once.
            try await sql.raw("PRAGMA journal_mode=WAL").run()
            // FULL: a commit reaches the disk before it is acknowledged, so an acknowledged application or ticket survives a
            // power cut, not only a crash of the process (FULL is SQLite's default; said here so that nobody lowers it).
            try await sql.raw("PRAGMA synchronous=FULL").run()
            try await writer.sql.raw("PRAGMA synchronous=FULL").run()
            // The writer's savepoint journals (one per writer of a batch) and temporary structures stay in memory rather than
            // spilling to files.
            try await writer.sql.raw("PRAGMA temp_store=MEMORY").run()
        }
    }

    private static func createSchema(_ schema: String, url: String, logger: Logger) async throws {
        let bootstrap = Databases(threadPool: NIOThreadPool.singleton, on: MultiThreadedEventLoopGroup.singleton)
        bootstrap.use(.postgres(configuration: try SQLPostgresConfiguration(url: url)), as: .psql)
        do {
            guard let database = bootstrap.database(logger: logger, on: bootstrap.eventLoopGroup.any()) else {
                throw DatabaseServiceError.noDatabase
            }
            try await database.sql.raw("CREATE SCHEMA IF NOT EXISTS \(ident: schema)").run()
        } catch {
            await bootstrap.shutdownAsync()
            throw error
        }
        await bootstrap.shutdownAsync()
    }

    package var db: any Database {
        databases.database(logger: logger, on: databases.eventLoopGroup.any()) ?? first
    }

    /// PostgreSQL: the executor that runs tasks on `loop`, when `loop` is one of the pool's event loops (nil on SQLite).
    ///
    /// A task that runs there asks the pool of that loop for its connections (FluentKit takes the current event loop's
    /// pool), so that its statements are sent and answered on the thread that runs it (see `EventLoopTaskExecutor`).
    package func executor(for loop: any EventLoop) -> (any TaskExecutor)? {
        loopExecutors[ObjectIdentifier(loop)]
    }

    /// SQLite: the readers' connections idle now (0 elsewhere).
    package var idleReaders: Int { readers?.idleCount ?? 0 }

    /// SQL on the database: on SQLite, what only reads runs on the readers' own connections (`SQLiteReaders`), the rest
    /// through FluentKit's database (`db`).
    package var sql: any SQLDatabase {
        guard let readers else { return db.sql }
        return SQLiteReadDatabase(readers: readers, fallback: db.sql)
    }

    /// Where the write queue's transactions run: on SQLite the writer's own connection, on PostgreSQL the pool.
    package var writer: any Database {
        guard let writerDatabases else { return db }
        return writerDatabases.database(logger: logger, on: Self.writerLoop) ?? writerFirst ?? first
    }

    /// The writer's connection lives on one event loop, so that its pool holds one connection.
    private static let writerLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next()

    /// SQLite's readers: FluentKit's SQLite pool holds one connection per event loop, so the readers get event loops of
    /// their own, twice as many as cores (at least four), and as many threads. A request reads several times, one read
    /// after another; with one connection per core, 64 requests at once queued for two connections while the cores
    /// idled (one run on two cores, two readers → four: tickets by the API 818 → 947/s, submissions 1,165 → 1,274/s;
    /// eight were no better than four).
    static let readerCount = max(4, 2 * System.coreCount)
    private static let readerLoops = MultiThreadedEventLoopGroup(numberOfThreads: readerCount)

    package func add(_ migrations: [any Migration]) {
        self.migrations.add(migrations)
    }

    package func migrate() async throws {
        let migrator = Migrator(
            databases: databases, migrations: migrations, logger: logger, on: databases.eventLoopGroup.any(), migrationLogLevel: .debug)
        try await migrator.setupIfNeeded().get()
        try await migrator.prepareBatch().get()
    }

    package func shutdown() async {
        let alreadyDone = isShutDown.withLockedValue { done in
            defer { done = true }
            return done
        }
        guard !alreadyDone else { return }
        await cleanup?(self)
        // SQLite closes no connection that still has statements: the writer's kept ones go first.
        await writeQueue.closeStatements()
        readers?.close()
        await databases.shutdownAsync()
        await writerDatabases?.shutdownAsync()
        for pool in threadPools { try? await pool.shutdownGracefully() }
    }

    package func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }
}

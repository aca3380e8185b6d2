// SPDX-License-Identifier: MPL-2.0
import Accounts
import Catalog
import Foundation
import GuichetApp
import GuichetCore
import Hummingbird
import HummingbirdTesting
import Logging

/// Each test gets its own database: a temporary SQLite file, or, when `DATABASE_URL` names a PostgreSQL server,
/// a fresh schema in it that is dropped at the end. The database is always shut down, whatever the test does.
package enum TestApp {
    package enum Seed: Sendable {
        case none
        /// The demo files of the repository (Senegal, Togo, Congo), without the servicepublic dataset.
        case demo
        case documents([CatalogDocument])
    }

    package static var isPostgres: Bool {
        ProcessInfo.processInfo.environment["DATABASE_URL"].map { $0.hasPrefix("postgres") } ?? false
    }

    package static func databaseKind() -> (AppConfiguration.DatabaseKind, cleanup: @Sendable () -> Void) {
        let suffix = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        if let url = ProcessInfo.processInfo.environment["DATABASE_URL"], url.hasPrefix("postgres") {
            return (.postgres(url: url, schema: "test_\(suffix)"), {})
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-test-\(suffix).sqlite").path
        return (
            .sqliteFile(path: path),
            {
                for extra in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + extra) }
            }
        )
    }

    package static var logger: Logger {
        var logger = Logger(label: "guichet-test")
        logger.logLevel = .warning
        return logger
    }

    package static func demoDocument() throws -> CatalogDocument {
        try CatalogDocument.merged(CatalogResources.demoFiles.map { try CatalogCodec.decode(Data(contentsOf: $0), format: .yaml) })
    }

    /// Prepared components (migrated, seeded), handed to `body`, then shut down.
    package static func withComponents<T: Sendable>(
        seed: Seed = .none, maxPageSize: Int = 100, logger: Logger = TestApp.logger, configure: @Sendable (inout AppConfiguration) -> Void = { _ in },
        _ body: @Sendable (AppComponents) async throws -> T
    ) async throws -> T {
        let (kind, cleanup) = databaseKind()
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-data-\(UUID().uuidString)")
        defer {
            cleanup()
            try? FileManager.default.removeItem(at: data)
        }
        var configuration = AppConfiguration(database: kind, runMigrations: true, maxPageSize: maxPageSize)
        configuration.dataDirectory = data.path
        configuration.maxFileBytes = 64 * 1024
        configuration.maxApplicationBytes = 160 * 1024
        // Real bcrypt, at its lowest cost: tests sign in hundreds of times.
        configuration.bcryptCost = 4
        configuration.trustForwardedFor = true
        // No delivery worker polls the outbox of a test's database; the channels' tests send what they queue themselves.
        configuration.channels.worker = false
        // Nor does a payments worker poll an operator: the payments' tests drive their rounds themselves.
        configuration.payments.worker = false
        configure(&configuration)
        let components = try await GuichetApplication.prepare(configuration: configuration, logger: logger, dropSchemaOnShutdown: true)
        do {
            let repository = CatalogRepository(database: components.database.db, changes: components.cache.generation)
            switch seed {
            case .none: break
            case .demo: try await repository.importDocument(try demoDocument(), actor: "test")
            case .documents(let documents):
                for document in documents { try await repository.importDocument(document, actor: "test") }
            }
            let result = try await body(components)
            await components.database.shutdown()
            return result
        } catch {
            await components.database.shutdown()
            throw error
        }
    }

    /// A whole application answering through HummingbirdTesting's router client.
    package static func withClient<T: Sendable>(
        seed: Seed = .none, maxPageSize: Int = 100, logger: Logger = TestApp.logger, configure: @Sendable (inout AppConfiguration) -> Void = { _ in },
        _ body: @Sendable (any TestClientProtocol, AppComponents) async throws -> T
    ) async throws -> T {
        try await withComponents(seed: seed, maxPageSize: maxPageSize, logger: logger, configure: configure) { components in
            let app = try GuichetApplication.buildApplication(components, logger: logger, ownsDatabase: false)
            return try await app.test(.router) { client in try await body(client, components) }
        }
    }
}

extension TestResponse {
    package var text: String { String(buffer: body) }
}

/// Keeps every log line in memory, for tests that check what the logs hold.
package final class CapturedLog: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    package init() {}

    package var text: String { lock.withLock { lines.joined(separator: "\n") } }

    func append(_ line: String) { lock.withLock { lines.append(line) } }

    /// A logger at `trace` level writing here (and, like the server's, with request metadata).
    package func logger(level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: "guichet-captured") { label in CapturingHandler(log: self, label: label) }
        logger.logLevel = level
        return logger
    }
}

struct CapturingHandler: LogHandler {
    let log: CapturedLog
    let label: String
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        log.append("\(event.level) \(label): \(event.message) \(merged.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " "))")
    }
}

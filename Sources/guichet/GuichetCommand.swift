// SPDX-License-Identifier: MPL-2.0
import ArgumentParser
import Audit
import Catalog
import Foundation
import GuichetApp
import GuichetCore
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServicePublicImport

@main
struct Guichet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guichet",
        abstract: "Guichet: public-service catalogue, applications and service centres.",
        subcommands: [
            Serve.self, Migrate.self, Seed.self, CatalogCommand.self, CentresCommand.self, AuditCommand.self, UserCommand.self,
            LearningPlanCommand.self, SolutionCommand.self, SurveyCommand.self, KeysCommand.self, OpenDataCommand.self, BackupCommand.self,
            RestoreCommand.self, MigrateDataCommand.self,
        ])
}

/// Options every command shares: where the database is.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "SQLite file (default: GUICHET_SQLITE_PATH or ./guichet.sqlite). DATABASE_URL=postgres://… selects PostgreSQL.")
    var sqlite: String?

    func kind() -> AppConfiguration.DatabaseKind {
        var environment = ProcessInfo.processInfo.environment
        if let sqlite { environment["GUICHET_SQLITE_PATH"] = sqlite }
        return AppConfiguration.database(from: environment)
    }
}

/// Logs go to standard error, so that `catalog export` can write the catalogue to standard output.
let loggingBootstrapped: Void = LoggingSystem.bootstrap { label in StandardErrorLogHandler(label: label) }

func makeLogger(_ label: String = "guichet") -> Logger {
    _ = loggingBootstrapped
    var logger = Logger(label: label)
    logger.logLevel = Logger.Level(rawValue: ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? "info") ?? .info
    return logger
}

func servicePublicDirectory(_ flag: String?) -> String? {
    AppConfiguration.servicePublicDirectory(
        flag: flag, environment: ProcessInfo.processInfo.environment, workingDirectory: FileManager.default.currentDirectoryPath)
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the web server.")

    @Flag(help: "Migrate and load the demo data into an empty database.") var demo = false
    @Option(help: "Address to listen on (GUICHET_HOST).") var host: String?
    @Option(help: "Port to listen on (GUICHET_PORT).") var port: Int?
    @Option(help: "Senegal servicepublic open data folder (GUICHET_SERVICEPUBLIC_DIR).") var servicepublic: String?
    @Flag(help: "Do not run pending migrations at start.") var noMigrate = false
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let logger = makeLogger()
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        var configuration = AppConfiguration(
            host: host ?? environment["GUICHET_HOST"] ?? "127.0.0.1",
            port: port ?? environment["GUICHET_PORT"].flatMap(Int.init) ?? 8080,
            database: database.kind(),
            demo: demo,
            servicePublicDirectory: demo ? servicePublicDirectory(servicepublic) : nil,
            runMigrations: !noMigrate,
            secureCookies: environment["GUICHET_SECURE_COOKIES"] == "1",
            pageCache: environment["GUICHET_PAGE_CACHE"] != "off")
        configuration.trustForwardedFor = environment["GUICHET_TRUST_PROXY"] == "1"
        if let cost = environment["GUICHET_BCRYPT_COST"].flatMap(Int.init), (10...16).contains(cost) { configuration.bcryptCost = cost }
        if let minutes = environment["GUICHET_SESSION_IDLE_MINUTES"].flatMap(Double.init), minutes > 0 {
            configuration.sessionIdleTimeout = minutes * 60
        }
        if let hours = environment["GUICHET_SESSION_HOURS"].flatMap(Double.init), hours > 0 { configuration.sessionAbsoluteTimeout = hours * 3600 }
        configuration.applyFileSettings(environment)
        try configuration.applySiteSettings(environment)
        let simulator = DemoOperator.start(&configuration)
        defer { simulator?.terminate() }
        if let url = configuration.payments.url, simulator != nil {
            logger.info("demo payments go to the simulated operator", metadata: ["url": "\(url)"])
        } else if demo, configuration.payments.url == nil {
            logger.warning(
                "the demo's simulated mobile-money operator (Tools/momo-simulator.py, python3) did not start: fees are paid at a counter only")
        }
        let components = try await GuichetApplication.prepare(configuration: configuration, logger: logger, metrics: registry)
        printDemoCredentials(components.demoCredentials)
        let app = try GuichetApplication.buildApplication(components, logger: logger)
        do {
            try await app.runService()
        } catch {
            await components.database.shutdown()
            throw error
        }
        await components.database.shutdown()
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run pending database migrations.")
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        var configuration = AppConfiguration(database: database.kind(), runMigrations: true)
        configuration.applyFileSettings(ProcessInfo.processInfo.environment)
        let components = try await GuichetApplication.prepare(configuration: configuration, logger: makeLogger())
        await components.database.shutdown()
        print("migrations applied")
    }
}

struct Seed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load the demo data into an empty database.")
    @Flag(help: "Load the demo catalogue.") var demo = false
    @Option(help: "Senegal servicepublic open data folder.") var servicepublic: String?
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        guard demo else { throw ValidationError("say what to seed: --demo") }
        var configuration = AppConfiguration(database: database.kind(), demo: true, servicePublicDirectory: servicePublicDirectory(servicepublic))
        configuration.applyFileSettings(ProcessInfo.processInfo.environment)
        let components = try await GuichetApplication.prepare(configuration: configuration, logger: makeLogger())
        printDemoCredentials(components.demoCredentials)
        await components.database.shutdown()
        print("demo data loaded")
    }
}

/// Runs `body` with a migrated database and always shuts it down. The data folder is the server's (`GUICHET_DATA_DIR`), so
/// that a command never makes keys of its own elsewhere.
func withDatabase<T>(_ options: DatabaseOptions, _ body: (DatabaseService) async throws -> T) async throws -> T {
    var configuration = AppConfiguration(database: options.kind(), runMigrations: true)
    configuration.applyFileSettings(ProcessInfo.processInfo.environment)
    let components = try await GuichetApplication.prepare(configuration: configuration, logger: makeLogger())
    do {
        let result = try await body(components.database)
        await components.database.shutdown()
        return result
    } catch {
        await components.database.shutdown()
        throw error
    }
}

struct CatalogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog", abstract: "Import and export the procedure catalogue.",
        subcommands: [Import.self, Export.self, ImportServicePublic.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import catalogue files (YAML or JSON); nothing is written if any entry is invalid.")
        @Argument(help: "Files in the guichet-catalog/1 format.") var files: [String]
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let document = try CatalogDocument.merged(
                files.map { try CatalogCodec.decode(Data(contentsOf: URL(fileURLWithPath: $0)), format: CatalogFormat(path: $0)) })
            let summary = try await withDatabase(database) { database in
                try await CatalogRepository(database: database.db).importDocument(document, actor: "cli:\(NSUserName())")
            }
            print("created \(summary.created), updated \(summary.updated), unchanged \(summary.unchanged)")
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the whole catalogue to standard output or a file.")
        @Option(help: "yaml or json") var format: String = "yaml"
        @Option(name: .shortAndLong, help: "Output file (default: standard output).") var output: String?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            guard let format = CatalogFormat(rawValue: format) else { throw ValidationError("--format is yaml or json") }
            let document = try await withDatabase(database) { database in try await CatalogRepository(database: database.db).exportDocument() }
            let data = try CatalogCodec.encode(document, format: format)
            if let output {
                try data.write(to: URL(fileURLWithPath: output))
            } else {
                FileHandle.standardOutput.write(data)
            }
        }
    }

    struct ImportServicePublic: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-servicepublic", abstract: "Import Senegal's servicepublic.gouv.sn open data (safe to re-run).")
        @Argument(help: "The dataset's data/ folder.") var directory: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let result = try ServicePublicImporter.read(directory: URL(fileURLWithPath: directory))
            for line in result.report.lines() { print(line) }
            let summary = try await withDatabase(database) { database in
                try await CatalogRepository(database: database.db).importDocument(result.document, actor: "cli:\(NSUserName())")
            }
            print("created \(summary.created), updated \(summary.updated), unchanged \(summary.unchanged)")
        }
    }
}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "The audit log.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check the whole hash chain; name the first broken event.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let result = try await withDatabase(database) { database in try await AuditLog.verify(on: database.db) }
            switch result {
            case .intact(let events):
                print("audit log intact: \(events) events")
            case .broken(let seq, let reason):
                print("audit log broken at event \(seq): \(reason)")
                throw ExitCode(1)
            }
        }
    }
}

// SPDX-License-Identifier: MPL-2.0
import Foundation

/// Every setting of a Guichet process, read once at start from CLI flags and the environment.
package struct AppConfiguration: Sendable {
    package enum DatabaseKind: Sendable, Equatable {
        case sqliteFile(path: String)
        case postgres(url: String, schema: String?)
    }

    package var host: String
    package var port: Int
    package var database: DatabaseKind
    /// Serve the demo catalogue: migrate and seed an empty database at start.
    package var demo: Bool
    /// Senegal's servicepublic open data (`…/servicepublic-sn/data`), imported with the demo when present.
    package var servicePublicDirectory: String?
    package var runMigrations: Bool
    /// Set when served behind HTTPS: cookies get `Secure`.
    package var secureCookies: Bool
    /// Largest page size of the JSON API.
    package var maxPageSize: Int
    /// Keep rendered public pages until the catalogue changes (off only to measure rendering).
    package var pageCache: Bool
    /// bcrypt cost of stored passwords (12 in production; tests use the minimum, 4).
    package var bcryptCost: Int = 12
    /// Seconds a session may stay unused, and seconds it may last at all.
    package var sessionIdleTimeout: Double = 30 * 60
    package var sessionAbsoluteTimeout: Double = 12 * 3600
    /// Behind a reverse proxy: take the client's address from the last `X-Forwarded-For` hop.
    package var trustForwardedFor: Bool = false
    /// Where uploaded files and the document-signing keys live, outside any served folder.
    package var dataDirectory: String = "guichet-data"
    /// Largest uploaded file, and largest total of one application's files, in bytes.
    package var maxFileBytes: Int = 5 << 20
    package var maxApplicationBytes: Int = 20 << 20
    /// The site's address as people reach it (`GUICHET_PUBLIC_URL`, e.g. `https://guichet.gouv.sn`), without a trailing
    /// slash: printed on documents and used for absolute links. Never taken from a request's `Host` header.
    package var publicURL: String = "http://localhost:8080"
    /// `/metrics` answers only with `Authorization: Bearer <token>` when set (`GUICHET_METRICS_TOKEN`); unset, it answers
    /// only to a client on this machine (loopback).
    package var metricsToken: String?
    /// The flood limits of public forms (`GUICHET_LIMIT_…`).
    package var limits = PublicLimits()
    /// The country this deployment serves first (`GUICHET_COUNTRY`, ISO 3166-1 alpha-2, e.g. `SN`): its procedures and
    /// centres come first for whoever has not chosen another. Unset (the demo), the home page asks once.
    package var defaultCountry: String?
    /// With `--demo` only: the server's clock starts at this instant and runs from there (`GUICHET_DEMO_CLOCK`,
    /// ISO 8601, e.g. `2026-09-07T10:00:00Z`), so that a demo shown at night finds the centres open.
    package var demoClock: Date?
    /// SMS gateway, callbacks and the outbox worker (`GUICHET_SMS_…`, `GUICHET_CHANNELS_…`).
    package var channels = ChannelSettings()
    /// Mobile-money collection, callbacks and the payments worker (`GUICHET_PAY_…`).
    package var payments = PaymentSettings()
    /// The open data's licence, as the IRI of its text (`GUICHET_OPENDATA_LICENSE`, e.g. Etalab 2.0's); CC BY 4.0 by default.
    package var openDataLicense = "https://creativecommons.org/licenses/by/4.0/"

    package init(
        host: String = "127.0.0.1", port: Int = 8080, database: DatabaseKind = .sqliteFile(path: "guichet.sqlite"),
        demo: Bool = false, servicePublicDirectory: String? = nil, runMigrations: Bool = true,
        secureCookies: Bool = false, maxPageSize: Int = 100, pageCache: Bool = true
    ) {
        self.host = host
        self.port = port
        self.database = database
        self.demo = demo
        self.servicePublicDirectory = servicePublicDirectory
        self.runMigrations = runMigrations
        self.secureCookies = secureCookies
        self.maxPageSize = maxPageSize
        self.pageCache = pageCache
    }

    /// `DATABASE_URL` (postgres://…) wins; otherwise the SQLite file of `GUICHET_SQLITE_PATH` or `./guichet.sqlite`.
    package static func database(from environment: [String: String]) -> DatabaseKind {
        if let url = environment["DATABASE_URL"], !url.isEmpty {
            if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") { return .postgres(url: url, schema: nil) }
            if url.hasPrefix("sqlite://") { return .sqliteFile(path: String(url.dropFirst("sqlite://".count))) }
        }
        return .sqliteFile(path: environment["GUICHET_SQLITE_PATH"] ?? "guichet.sqlite")
    }

    /// The dataset is looked for where the flag says, then in `GUICHET_SERVICEPUBLIC_DIR`, then beside the project.
    package static func servicePublicDirectory(flag: String?, environment: [String: String], workingDirectory: String) -> String? {
        let candidates = [flag, environment["GUICHET_SERVICEPUBLIC_DIR"], workingDirectory + "/../shared/datasets/servicepublic-sn/data"]
        for candidate in candidates.compactMap({ $0 }) where !candidate.isEmpty {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), isDirectory.boolValue {
                return candidate
            }
        }
        return nil
    }

    /// `GUICHET_PUBLIC_URL` (http or https, no path), `GUICHET_METRICS_TOKEN` and the `GUICHET_LIMIT_…` numbers.
    package mutating func applySiteSettings(_ environment: [String: String]) throws {
        if let url = environment["GUICHET_PUBLIC_URL"], !url.isEmpty {
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil,
                parsed.path.isEmpty || parsed.path == "/", parsed.query == nil
            else { throw ConfigurationError.invalid("GUICHET_PUBLIC_URL", url) }
            publicURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        } else {
            publicURL = "\(secureCookies ? "https" : "http")://\(host == "0.0.0.0" || host == "::" ? "localhost" : host):\(port)"
        }
        if let token = environment["GUICHET_METRICS_TOKEN"], !token.isEmpty {
            guard token.count >= 16 else { throw ConfigurationError.invalid("GUICHET_METRICS_TOKEN", "(at least 16 characters)") }
            metricsToken = token
        }
        if let clock = environment["GUICHET_DEMO_CLOCK"], !clock.isEmpty {
            guard let start = ISO8601DateFormatter().date(from: clock) else { throw ConfigurationError.invalid("GUICHET_DEMO_CLOCK", clock) }
            demoClock = start
        }
        if let country = environment["GUICHET_COUNTRY"], !country.isEmpty {
            guard let code = LanguageMiddleware.countryCode(country.uppercased()) else {
                throw ConfigurationError.invalid("GUICHET_COUNTRY", country)
            }
            defaultCountry = code
        }
        if let license = environment["GUICHET_OPENDATA_LICENSE"], !license.isEmpty {
            guard let parsed = URL(string: license), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
                throw ConfigurationError.invalid("GUICHET_OPENDATA_LICENSE", license)
            }
            openDataLicense = license
        }
        try limits.apply(environment)
        try channels.apply(environment)
        try payments.apply(environment)
    }

    /// `GUICHET_DATA_DIR`, `GUICHET_MAX_FILE_MB` and `GUICHET_MAX_APPLICATION_MB`.
    package mutating func applyFileSettings(_ environment: [String: String]) {
        if let directory = environment["GUICHET_DATA_DIR"], !directory.isEmpty { dataDirectory = directory }
        if let megabytes = environment["GUICHET_MAX_FILE_MB"].flatMap({ InputParser.decimal($0, in: 0.01...1024) }) {
            maxFileBytes = (megabytes * 1_048_576).clampedInt(.towardZero)
        }
        if let megabytes = environment["GUICHET_MAX_APPLICATION_MB"].flatMap({ InputParser.decimal($0, in: 0.01...4096) }) {
            maxApplicationBytes = (megabytes * 1_048_576).clampedInt(.towardZero)
        }
    }
}

package enum ConfigurationError: Error, CustomStringConvertible {
    case invalid(String, String)

    package var description: String {
        switch self {
        case .invalid(let name, let value): return "\(name): invalid value \(value)"
        }
    }
}

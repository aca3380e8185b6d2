// swift-tools-version: 6.1
// SPDX-License-Identifier: MPL-2.0 (https://mozilla.org/MPL/2.0/)
import PackageDescription

let package = Package(
    name: "guichet",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "guichet", targets: ["guichet"]),
        // Bare Hummingbird, measured beside Guichet by Benchmarks/run.
        .executable(name: "bare-baseline", targets: ["BareBaseline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/fluent-kit.git", from: "1.57.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        .target(
            name: "GuichetCore",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "MultipartKit", package: "multipart-kit"),
            ],
            resources: [.copy("Resources")]
        ),
        .target(
            name: "Audit",
            dependencies: [
                "GuichetCore", .product(name: "Crypto", package: "swift-crypto"), .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "SQLKit", package: "sql-kit"),
            ]
        ),
        .target(
            name: "Catalog",
            dependencies: [
                "GuichetCore", "Audit", .product(name: "Yams", package: "Yams"), .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "SQLKit", package: "sql-kit"), .product(name: "Hummingbird", package: "hummingbird"),
            ],
            resources: [.copy("Resources")]
        ),
        .target(
            name: "ServicePublicImport",
            dependencies: ["GuichetCore", "Catalog"]
        ),
        .target(
            name: "Ecosystem",
            dependencies: [
                "GuichetCore", "Audit", "Catalog", .product(name: "FluentKit", package: "fluent-kit"), .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Resources")]
        ),
        .target(
            name: "Accounts",
            dependencies: [
                "GuichetCore", "Audit", .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "FluentKit", package: "fluent-kit"), .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            resources: [.copy("Resources")]
        ),
        .target(
            name: "Centres",
            dependencies: [
                "GuichetCore", "Audit", .product(name: "Yams", package: "Yams"), .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "SQLKit", package: "sql-kit"), .product(name: "Hummingbird", package: "hummingbird"),
            ],
            resources: [.copy("Resources")]
        ),
        .target(
            name: "Applications",
            dependencies: [
                "GuichetCore", "Audit", "Catalog", .product(name: "Yams", package: "Yams"), .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "SQLKit", package: "sql-kit"), .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            resources: [.copy("Resources")]
        ),
        .target(
            name: "Channels",
            dependencies: [
                "GuichetCore", "Audit", "Catalog", "Centres", "Applications", .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "SQLKit", package: "sql-kit"), .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            resources: [.copy("Resources")]
        ),
        .target(
            name: "Payments",
            dependencies: [
                "GuichetCore", "Audit", "Catalog", "Applications", .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "SQLKit", package: "sql-kit"), .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources")]
        ),
        .target(
            name: "Insights",
            dependencies: [
                "GuichetCore", "Catalog", .product(name: "FluentKit", package: "fluent-kit"), .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Resources")]
        ),
        .target(
            name: "GuichetApp",
            dependencies: [
                "GuichetCore", "Audit", "Catalog", "Accounts", "Centres", "Ecosystem", "Applications", "ServicePublicImport", "Channels",
                "Insights", "Payments",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "GuichetTesting",
            dependencies: [
                "GuichetApp", "GuichetCore", "Catalog", "Accounts", "Audit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .executableTarget(
            name: "guichet",
            dependencies: [
                "GuichetApp", "GuichetCore", "Catalog", "Audit", "Accounts", "Centres", "Ecosystem", "Applications", "ServicePublicImport",
                "Channels", "Insights", "Payments", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "BareBaseline",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
            path: "Benchmarks/Baseline"
        ),
        .testTarget(
            name: "CatalogTests",
            dependencies: ["Catalog", "GuichetCore", "GuichetApp", "GuichetTesting", .product(name: "HummingbirdTesting", package: "hummingbird")]
        ),
        .testTarget(
            name: "ServicePublicImportTests",
            dependencies: ["ServicePublicImport", "Catalog"]
        ),
        .testTarget(
            name: "EcosystemTests",
            dependencies: [
                "Ecosystem", "Catalog", "Audit", "GuichetCore", "GuichetApp", "GuichetTesting",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "AccountsTests",
            dependencies: [
                "Accounts", "Audit", "Catalog", "GuichetCore", "GuichetApp", "GuichetTesting",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "CentresTests",
            dependencies: [
                "Centres", "Catalog", "Audit", "GuichetCore", "GuichetApp", "GuichetTesting",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "ApplicationsTests",
            dependencies: [
                "Applications", "Catalog", "Audit", "Accounts", "GuichetCore", "GuichetApp", "GuichetTesting",
                .product(name: "HummingbirdTesting", package: "hummingbird"), .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"), .product(name: "SQLKit", package: "sql-kit"),
            ]
        ),
        .testTarget(
            name: "PaymentsTests",
            dependencies: [
                "Payments", "Applications", "Catalog", "Audit", "Accounts", "GuichetCore", "GuichetApp", "GuichetTesting",
                .product(name: "HummingbirdTesting", package: "hummingbird"), .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(
            name: "ChannelsTests",
            dependencies: [
                "Channels", "Applications", "Centres", "Catalog", "Audit", "Accounts", "GuichetCore", "GuichetApp", "GuichetTesting",
                .product(name: "HummingbirdTesting", package: "hummingbird"), .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "AuditTests",
            dependencies: ["Audit", "GuichetCore", "GuichetApp", "GuichetTesting"]
        ),
        .testTarget(
            name: "InsightsTests",
            dependencies: [
                "Insights", "Applications", "Centres", "Catalog", "Audit", "GuichetCore", "GuichetApp", "GuichetTesting",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "GuichetAppTests",
            dependencies: [
                "GuichetApp", "Applications", "Audit", "Catalog", "Centres", "Ecosystem", "GuichetCore", "GuichetTesting",
                .product(name: "HummingbirdTesting", package: "hummingbird"), .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
    ]
)

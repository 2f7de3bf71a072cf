// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "switchboard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "switchboard", targets: ["switchboard"]),
        .executable(name: "switchboard-bench", targets: ["switchboard-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/mattpolzin/OpenAPIKit.git", from: "6.4.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        // Pure domain: statuses, signing, retry policy, event and payload types. No I/O.
        .target(
            name: "SwitchboardDomain",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // The system's SQLite (Debian's libsqlite3-dev), driven directly by the store's SQLite connection.
        .systemLibrary(name: "CSQLite3", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // A SQLite connection on the C API: synchronous statements with a statement cache. Its own module, so that
        // the system's sqlite3.h and sqlite-nio's bundled copy never meet in one Swift module.
        .target(name: "SQLiteDirect", dependencies: ["CSQLite3"], swiftSettings: swiftSettings),
        // glibc's malloc.h, for the process's allocator settings (`ProcessMemory`).
        .systemLibrary(name: "CMalloc"),
        // One SQL store over SQLKit, serving SQLite and PostgreSQL.
        .target(
            name: "SwitchboardStore",
            dependencies: [
                "SwitchboardDomain",
                "SQLiteDirect",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Ingest, dispatch, attempts, endpoint guard, jobs.
        .target(
            name: "SwitchboardEngine",
            dependencies: [
                "SwitchboardDomain",
                "SwitchboardStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The providers, one folder each: API client, mapping and validation.
        .target(
            name: "SwitchboardProviders",
            dependencies: [
                "SwitchboardDomain",
                "SwitchboardEngine",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        // In-process emulators of the providers' real APIs, written from their public references: for `demo`, the
        // tests and the benchmarks, never for production traffic.
        .target(
            name: "SwitchboardEmulators",
            dependencies: [
                "SwitchboardDomain",
                "SwitchboardProviders",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The HTTP API: routes, middleware, problem documents, OpenAPI.
        .target(
            name: "SwitchboardHTTP",
            dependencies: [
                "SwitchboardDomain",
                "SwitchboardStore",
                "SwitchboardEngine",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "OpenAPIKit", package: "OpenAPIKit"),
            ],
            swiftSettings: swiftSettings
        ),
        // The web UI (Settings > Integrations): server-rendered pages, sign-in and sessions; templates, CSS and JavaScript
        // are compiled into the binary, so it works offline and ships as one file.
        .target(
            name: "SwitchboardWeb",
            dependencies: [
                "SwitchboardDomain",
                "SwitchboardStore",
                "SwitchboardEngine",
                "SwitchboardHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            resources: [.embedInCode("Templates"), .embedInCode("Assets")],
            swiftSettings: swiftSettings
        ),
        // The commands of the `switchboard` executable.
        .target(
            name: "SwitchboardCommands",
            dependencies: [
                "CMalloc",
                "SwitchboardDomain",
                "SwitchboardStore",
                "SwitchboardEngine",
                "SwitchboardHTTP",
                "SwitchboardWeb",
                "SwitchboardProviders",
                "SwitchboardEmulators",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(name: "switchboard", dependencies: ["SwitchboardCommands"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "switchboard-bench",
            dependencies: [
                "SwitchboardCommands",
                "SwitchboardProviders",
                "SwitchboardEmulators",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Helpers shared by the test targets: a throwaway PostgreSQL cluster, local receivers.
        .target(
            name: "SwitchboardTestSupport",
            dependencies: [
                "SwitchboardStore",
                "SwitchboardEngine",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/SwitchboardTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchboardDomainTests",
            dependencies: ["SwitchboardDomain", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchboardStoreTests",
            dependencies: [
                "SwitchboardStore", "SQLiteDirect", "SwitchboardTestSupport",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchboardEngineTests",
            dependencies: [
                "SwitchboardEngine", "SwitchboardTestSupport", .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Tests that run the built `switchboard` executable as a separate process.
        .testTarget(
            name: "SwitchboardProcessTests",
            dependencies: [
                "SwitchboardTestSupport", "SwitchboardProviders", "SwitchboardEmulators",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchboardProvidersTests",
            dependencies: [
                "SwitchboardProviders", "SwitchboardEmulators", "SwitchboardTestSupport", "SwitchboardEngine", "SwitchboardStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchboardHTTPTests",
            dependencies: [
                "SwitchboardHTTP", "SwitchboardTestSupport", "SwitchboardProviders", "SwitchboardEmulators",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        // The web UI: its pages through the router, and in real headless Chromium (WebDriver) against `switchboard demo`.
        .testTarget(
            name: "SwitchboardWebTests",
            dependencies: [
                "SwitchboardWeb", "SwitchboardHTTP", "SwitchboardTestSupport", "SwitchboardEmulators",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)

// swift-tools-version: 6.0
import PackageDescription

// The per-response loops of the reader and the engine run millions of times; their state is
// confined to one thread, so release builds skip the dynamic exclusivity checks (debug keeps them).
let hotLoops: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

// Dependencies are deliberate: every package costs build minutes on the 2-core CI machine.
let package = Package(
    name: "sipas",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "sipas", targets: ["sipas"]),
        .library(name: "SIPASCore", targets: ["SIPASCore"]),
        .library(name: "SIPASFormats", targets: ["SIPASFormats"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        // Frames arrive as Excel workbooks: a ZIP reader for them (the OOXML itself is read here).
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.20.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.1.0"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.32.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.0"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.14.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        // Already in the graph through Hummingbird: its typed HTTP parts, for the connection guard.
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.24.0"),
    ],
    targets: [
        // Pure domain: no I/O, no framework imports beyond Foundation.
        .target(name: "SIPASCore", dependencies: ["CSIPASDigest"], swiftSettings: hotLoops),
        // SHA-256 with the CPU's SHA instructions where present: a draw hashes every frame row (§2).
        .target(name: "CSIPASDigest"),
        // Finds a CSV's structural bytes 64 at a time (SSE2 where available, plain C elsewhere).
        .target(name: "CSIPASScan"),
        // Raw DEFLATE and CRC-32 from the system's zlib, for the ZIP inside an .xlsx workbook.
        .target(name: "CSIPASDeflate", linkerSettings: [.linkedLibrary("z")]),
        // Interchange formats: questionnaire YAML/JSON, responses CSV, result tables, workbooks.
        .target(
            name: "SIPASFormats",
            dependencies: [
                "SIPASCore", "CSIPASScan", "CSIPASDeflate", .product(name: "Yams", package: "Yams"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: hotLoops
        ),
        // Storage: one schema and one query layer (SQLKit) over SQLite and PostgreSQL.
        .target(
            name: "SIPASStore",
            dependencies: [
                "SIPASCore", "SIPASFormats",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Registers")]
        ),
        // The application layer: every use case and rule, once; no HTTP framework.
        .target(
            name: "SIPASApp",
            dependencies: ["SIPASCore", "SIPASFormats", "SIPASStore", .product(name: "SQLKit", package: "sql-kit")]
        ),
        // The HTTP adapters: REST API (problem+json) and the web's screens (Mustache templates as
        // resources), both thin over the application layer.
        // QR codes on printed questionnaires: the system's libqrencode (installed by scripts/setup.sh).
        .systemLibrary(name: "CQREncode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        // Printed documents (the report, the fieldwork's lists and forms), their SVG charts and the
        // PDF printer: what `sipas report` needs, without the HTTP server.
        .target(
            name: "SIPASReports",
            dependencies: ["SIPASCore", "SIPASFormats", "SIPASApp", "CQREncode", .product(name: "Mustache", package: "swift-mustache")],
            resources: [.copy("Resources/documents")]
        ),
        .target(
            name: "SIPASServer",
            dependencies: [
                "SIPASCore", "SIPASFormats", "SIPASStore", "SIPASApp", "SIPASReports",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            resources: [.copy("Resources/templates"), .copy("Resources/static")]
        ),
        .executableTarget(
            name: "sipas",
            dependencies: [
                "SIPASCore", "SIPASFormats", "SIPASStore", "SIPASApp", "SIPASReports", "SIPASServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "SIPASCoreTests", dependencies: ["SIPASCore"]),
        .testTarget(
            name: "SIPASFormatsTests",
            dependencies: ["SIPASFormats", "SIPASCore"],
            resources: [.copy("Fixtures")]
        ),
        // A fresh SQLite or PostgreSQL database per test, as a Swift Testing trait, for every layer's tests.
        .target(
            name: "SIPASTestSupport",
            dependencies: [
                "SIPASApp", "SIPASStore", "SIPASCore",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
            ],
            path: "Tests/SIPASTestSupport"
        ),
        .testTarget(name: "SIPASAppTests", dependencies: ["SIPASTestSupport", "SIPASApp", "SIPASStore", "SIPASFormats", "SIPASCore"]),
        .testTarget(
            name: "SIPASStoreTests",
            dependencies: ["SIPASTestSupport", "SIPASStore", "SIPASCore", .product(name: "SQLKit", package: "sql-kit")]
        ),
        .testTarget(
            name: "SIPASServerTests",
            dependencies: [
                "SIPASTestSupport", "SIPASServer", "SIPASApp", "SIPASStore", "SIPASFormats", "SIPASCore",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

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
    ],
    targets: [
        // Pure domain: no I/O, no framework imports beyond Foundation.
        .target(name: "SIPASCore", swiftSettings: hotLoops),
        // Finds a CSV's structural bytes 64 at a time (SSE2 where available, plain C elsewhere).
        .target(name: "CSIPASScan"),
        // Interchange formats: questionnaire YAML/JSON, responses CSV, result tables.
        .target(
            name: "SIPASFormats",
            dependencies: ["SIPASCore", "CSIPASScan", .product(name: "Yams", package: "Yams")],
            swiftSettings: hotLoops
        ),
        .executableTarget(
            name: "sipas",
            dependencies: [
                "SIPASCore", "SIPASFormats",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "SIPASCoreTests", dependencies: ["SIPASCore"]),
        .testTarget(
            name: "SIPASFormatsTests",
            dependencies: ["SIPASFormats", "SIPASCore"],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// swift-tools-version:6.1
//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import PackageDescription

/// Every Swift target is built in the Swift 6 language mode with strict concurrency checking.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "MynaKit",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "SmartCard", targets: ["SmartCard"]),
        .library(name: "MynaCard", targets: ["MynaCard"]),
        .library(name: "MynaVerify", targets: ["MynaVerify"]),
        .library(name: "MynaSimulator", targets: ["MynaSimulator"]),
        .executable(name: "mynakit", targets: ["mynakit"]),
        // The relying-party verification service (Docs/VerificationService.md) and its terminal-side client. The
        // client carries no web stack: the CLI links it without Hummingbird or NIO.
        .library(name: "MynaServiceClient", targets: ["MynaServiceClient"]),
        .library(name: "MynaServer", targets: ["MynaServer"]),
        .executable(name: "mynakit-server", targets: ["mynakit-server"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // The verification service only (MynaServer, mynakit-server): never a dependency of the CLI's targets.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/vapor/sqlite-nio", from: "1.13.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // MARK: C libraries (system packages)
        .systemLibrary(
            name: "CPCSC",
            path: "CModules/CPCSC",
            pkgConfig: "libpcsclite",
            providers: [.apt(["libpcsclite-dev"])]
        ),
        .systemLibrary(
            name: "COpenSSL",
            path: "CModules/COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),

        // libssl, for the verification service's client only (https:// to the service).
        .systemLibrary(
            name: "COpenSSLTLS",
            path: "CModules/COpenSSLTLS",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),

        // MARK: Libraries
        // The card's specification and the vocabulary every layer shares (AIDs, EF ids, PIN rules, hashes): no code
        // that talks to anything.
        .target(name: "MynaSpec", swiftSettings: swiftSettings),
        .target(
            name: "SmartCard",
            dependencies: ["CPCSC", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MynaCard",
            dependencies: ["SmartCard", "MynaSpec", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // OpenSSL handle types, the error drain and DER parsing shared by MynaVerify and MynaSimulator (`package`
        // access only: no C type reaches a public API).
        .target(name: "OpenSSLSupport", dependencies: ["COpenSSL"], swiftSettings: swiftSettings),
        .target(
            name: "MynaVerify",
            dependencies: ["COpenSSL", "OpenSSLSupport", "MynaSpec"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MynaSimulator",
            dependencies: ["SmartCard", "MynaSpec", "COpenSSL", "OpenSSLSupport"],
            swiftSettings: swiftSettings
        ),

        // MARK: The verification service and its client (Docs/VerificationService.md)
        // The JSON documents of the service's API, shared by the service and its clients: Foundation only.
        .target(name: "MynaServiceAPI", dependencies: ["MynaSpec"], swiftSettings: swiftSettings),
        // The terminal side: a small HTTP/1.1 client over a plain socket and the card flow against the service.
        .target(
            name: "MynaServiceClient",
            dependencies: ["MynaServiceAPI", "MynaCard", "MynaVerify", "MynaSpec", "COpenSSLTLS", "OpenSSLSupport"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MynaServer",
            dependencies: [
                "MynaServiceAPI", "MynaVerify", "MynaSpec",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "mynakit-server",
            dependencies: [
                "MynaServer", "MynaVerify",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // A load client for the service's benchmark (scripts/bench-server.sh): a second process on loopback.
        .executableTarget(
            name: "ServerLoad",
            dependencies: [
                "MynaServiceClient", "MynaServiceAPI", "MynaCard", "MynaSimulator", "MynaVerify", "SmartCard",
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: The CLI
        .executableTarget(
            name: "mynakit",
            dependencies: [
                "SmartCard", "MynaSpec", "MynaCard", "MynaVerify", "MynaSimulator", "MynaServiceClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Plain C baselines for the benchmarks (Docs/Benchmarks.md)
        .executableTarget(name: "CBaselinePCSC", dependencies: ["CPCSC"]),
        .executableTarget(name: "CBaselineOpenSSL", dependencies: ["COpenSSL"]),

        // MARK: Tests
        .target(
            name: "TestSupport",
            dependencies: [.product(name: "Logging", package: "swift-log")],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "SmartCardTests", dependencies: ["SmartCard", "TestSupport", .product(name: "Logging", package: "swift-log")], swiftSettings: swiftSettings),
        .testTarget(
            name: "MynaSimulatorTests",
            dependencies: ["MynaSimulator", "SmartCard", "MynaSpec", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MynaCardTests",
            dependencies: ["MynaCard", "MynaSimulator", "SmartCard", "TestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "MynaVerifyTests", dependencies: ["MynaVerify", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "SmartCard", "MynaSpec", "MynaCard", "MynaSimulator", "MynaVerify", "FuzzSupport", "TestSupport",
                "MynaServiceClient",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MynakitTests",
            dependencies: [
                "mynakit", "SmartCard", "MynaCard", "MynaVerify", "MynaSimulator", "TestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The service is tested as deployed: real `mynakit-server` processes (TestSupport's ServerProcess). The test
        // bundle links no part of the web stack, whose C code valgrind's leak tests cannot read.
        .testTarget(
            name: "MynaServerTests",
            dependencies: ["MynaServiceAPI", "MynaServiceClient", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DocSnippetsTests", dependencies: ["SmartCard", "MynaCard", "MynaVerify", "MynaServiceClient"],
            swiftSettings: swiftSettings
        ),

        // MARK: Fuzz targets (Docs/Fuzzing.md; scripts/fuzz.sh builds them with -sanitize=fuzzer,address)
        // A normal build makes each one a replay tool: `FuzzBERTLV FILE|DIR…` runs the inputs once.
        .systemLibrary(name: "CFuzzDriver", path: "Tests/Fuzz/CFuzzDriver"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzDriver", "SmartCard"], path: "Tests/Fuzz/FuzzSupport",
            swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzBERTLV", dependencies: ["FuzzSupport", "SmartCard"], path: "Tests/Fuzz/FuzzBERTLV",
            swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzATR", dependencies: ["FuzzSupport", "SmartCard"], path: "Tests/Fuzz/FuzzATR",
            swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzAPDU", dependencies: ["FuzzSupport", "SmartCard", .product(name: "Logging", package: "swift-log")], path: "Tests/Fuzz/FuzzAPDU",
            swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzVirtualCard", dependencies: ["FuzzSupport", "MynaSimulator", "MynaSpec", "SmartCard"],
            path: "Tests/Fuzz/FuzzVirtualCard", swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzVerify", dependencies: ["FuzzSupport", "MynaVerify"], path: "Tests/Fuzz/FuzzVerify",
            swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzMynaCardRead", dependencies: ["FuzzSupport", "MynaCard", "SmartCard"],
            path: "Tests/Fuzz/FuzzMynaCardRead", swiftSettings: swiftSettings),
    ]
)

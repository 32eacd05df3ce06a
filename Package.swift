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

/// `mynakit --version`: the package version and the commit, from MYNAKIT_VERSION and MYNAKIT_COMMIT when the build
/// has them (`make` and scripts/package-deb.sh export them: the top entry of packaging/changelog, the 12-digit commit),
/// else this development version and `unknown`. Only a word of version characters gets through. SwiftPM caches the
/// evaluated manifest by its text and the environment, so a changed variable rebuilds the C target, but anything the
/// manifest found out by itself (`Context.gitInformation`) would stay as it was at the first build after a commit.
let developmentVersion = "0.2.0-dev"

func buildInfoWord(_ value: String?) -> String? {
    let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.+~:_-")
    guard let value, !value.isEmpty, value.count <= 64, value.allSatisfy(allowed.contains) else { return nil }
    return value
}

let buildVersion = buildInfoWord(Context.environment["MYNAKIT_VERSION"]) ?? developmentVersion
let buildCommit = buildInfoWord(Context.environment["MYNAKIT_COMMIT"]) ?? "unknown"

let package = Package(
    name: "MynaKit",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "SmartCard", targets: ["SmartCard"]),
        .library(name: "MynaCard", targets: ["MynaCard"]),
        .library(name: "MynaVerify", targets: ["MynaVerify"]),
        .library(name: "MynaDocument", targets: ["MynaDocument"]),
        .library(name: "MynaSimulator", targets: ["MynaSimulator"]),
        .library(name: "MynaImaging", targets: ["MynaImaging"]),
        .executable(name: "mynakit", targets: ["mynakit"]),
        // libMynaKitC.so, installed as libmynakit.so.1 with include/mynakit.h and mynakit.pc (make install-lib).
        .library(name: "MynaKitC", type: .dynamic, targets: ["MynaKitC"]),
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
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "COpenJPEG",
            path: "CModules/COpenJPEG",
            pkgConfig: "libopenjp2",
            providers: [.apt(["libopenjp2-7-dev"])]
        ),

        // libssl, for the verification service's client only (https:// to the service).
        .systemLibrary(
            name: "COpenSSLTLS",
            path: "CModules/COpenSSLTLS",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),

        // The verification service's stores only (MynaServer): never a dependency of the CLI's targets.
        .systemLibrary(
            name: "CSQLite3",
            path: "CModules/CSQLite3",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CLibPQ",
            path: "CModules/CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
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
        // CMS and PDF signatures made with the card's signing key, and their verification (Docs/DocumentSigning.md).
        .target(
            name: "MynaDocument",
            dependencies: ["MynaVerify", "OpenSSLSupport", "COpenSSL", "MynaSpec"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MynaSimulator",
            dependencies: ["SmartCard", "MynaSpec", "COpenSSL", "OpenSSLSupport", "MynaImaging"],
            swiftSettings: swiftSettings
        ),
        // Images of the card surface: JPEG 2000 through OpenJPEG, and a PNG writer of its own.
        .target(name: "MynaImaging", dependencies: ["COpenJPEG"], swiftSettings: swiftSettings),
        // The result codes both front ends share (the CLI's exit statuses, the C interface's MYNAKIT_E_*) and the one
        // table from library errors to them.
        .target(
            name: "MynaKitFailures", dependencies: ["SmartCard", "MynaCard", "MynaVerify"], swiftSettings: swiftSettings
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
                "MynaServiceAPI", "MynaVerify", "MynaSpec", "CSQLite3", "CLibPQ",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
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
        .target(
            name: "MynaKitBuildInfo",
            cSettings: [
                .define("MYNAKIT_VERSION", to: "\"\(buildVersion)\""),
                .define("MYNAKIT_COMMIT", to: "\"\(buildCommit)\""),
                // clang writes DWARF 5 by default, which Debian 12's valgrind (3.19) cannot read: the leak tests run
                // the test bundle, this object included, under it. Swift writes DWARF 4.
                .unsafeFlags(["-gdwarf-4"]),
            ]
        ),
        .executableTarget(
            name: "mynakit",
            dependencies: [
                "SmartCard", "MynaSpec", "MynaCard", "MynaVerify", "MynaDocument", "MynaSimulator", "MynaKitBuildInfo",
                "MynaImaging", "MynaKitFailures", "MynaServiceClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: The C interface (Docs/KioskEmbedding.md, "The C interface")
        // The public header, imported by MynaKitC so that the compiler checks every export against it.
        .systemLibrary(name: "CMynaKit", path: "CModules/CMynaKit"),
        // The soname and the version script that exports only the header's functions, each with its version node.
        // Unsafe flags keep only the MynaKitC product from other packages; every other product stays usable.
        .target(
            name: "MynaKitC",
            dependencies: [
                "CMynaKit", "MynaKitBuildInfo", "MynaKitFailures", "MynaCard", "MynaVerify", "MynaDocument", "SmartCard",
                // mynakit_auth_server (MYNAKIT_1.1): the terminal side of the verification service, no web stack.
                "MynaServiceClient", "MynaServiceAPI",
            ],
            swiftSettings: swiftSettings,
            linkerSettings: [
                .unsafeFlags([
                    "-Xlinker", "-soname=libmynakit.so.1",
                    "-Xlinker", "--version-script=\(Context.packageDirectory)/CModules/CMynaKit/mynakit.map",
                ])
            ]
        ),

        // MARK: Plain C baselines for the benchmarks (Docs/Benchmarks.md)
        .executableTarget(name: "CBaselinePCSC", dependencies: ["CPCSC"]),
        .executableTarget(name: "CBaselineOpenSSL", dependencies: ["COpenSSL"]),
        .executableTarget(name: "CBaselineCRL", dependencies: ["COpenSSL"]),
        // The Swift API side of the C interface's overhead benchmark (scripts/bench-cabi.sh).
        .executableTarget(
            name: "CABIBaselineSwift", dependencies: ["MynaCard", "MynaVerify", "SmartCard"], swiftSettings: swiftSettings),

        // A Swift application calling libmynakit from more tasks than the cooperative pool has threads
        // (CABITests.testCallsFromSwiftTasksDoNotDeadlock).
        .executableTarget(name: "CABITaskCaller", path: "Tests/CABI/TaskCaller", swiftSettings: swiftSettings),

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
            name: "MynaImagingTests", dependencies: ["MynaImaging", "TestSupport"], swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CardSurfaceTests",
            dependencies: ["MynaCard", "MynaVerify", "MynaSimulator", "MynaImaging", "SmartCard", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MynaDocumentTests",
            dependencies: ["MynaDocument", "MynaCard", "MynaSimulator", "SmartCard", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "SmartCard", "MynaSpec", "MynaCard", "MynaSimulator", "MynaVerify", "FuzzSupport", "TestSupport",
                "MynaServiceClient", "MynaImaging",
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
            name: "DocSnippetsTests",
            dependencies: ["SmartCard", "MynaCard", "MynaVerify", "MynaServiceClient", "MynaDocument"],
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
        .executableTarget(name: "FuzzDocument", dependencies: ["FuzzSupport", "MynaDocument"],
            path: "Tests/Fuzz/FuzzDocument", swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzMynaCardRead", dependencies: ["FuzzSupport", "MynaCard", "SmartCard"],
            path: "Tests/Fuzz/FuzzMynaCardRead", swiftSettings: swiftSettings),
    ]
)

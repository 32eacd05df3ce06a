//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaSimulator
import SmartCard
import TestSupport
import XCTest

/// `mynakit_auth_server` (MYNAKIT_1.1) as a C application uses it: Tests/CABI/server_auth_test.c, built against the
/// installed header and library with `pkg-config --cflags --libs mynakit`, run through real pcscd + vpcd against the
/// virtual card and two real `mynakit-server` processes. The services' metrics and the card's PIN counter are the
/// judges of what happened on their side.
final class VerificationServiceCABITests: XCTestCase {
    /// libmynakit installed into a prefix of this test's own with scripts/install-lib.sh, as CABITests does (whose
    /// shared prefix is removed when that class ends): the debug build next to the test bundle, or the library
    /// MYNAKIT_CABI_LIBRARY names.
    func install() throws -> (prefix: URL, environment: [String: String]) {
        let library = ProcessInfo.processInfo.environment["MYNAKIT_CABI_LIBRARY"].map(URL.init(fileURLWithPath:))
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("libMynaKitC.so")
        guard FileManager.default.fileExists(atPath: library.path) else {
            throw TestSupportError("\(library.path) is missing: build it with 'swift build --build-tests'")
        }
        let prefix = try makeTemporaryDirectory("mynaserver-cabi-prefix")
        let script = CLI.repositoryRoot.appendingPathComponent("scripts/install-lib.sh").path
        _ = try CABIInstall.tool("bash", [script, library.path, "--prefix", prefix.path])
        return (prefix, [
            "LD_LIBRARY_PATH": prefix.appendingPathComponent("lib").path,
            "PKG_CONFIG_PATH": prefix.appendingPathComponent("lib/pkgconfig").path,
        ])
    }

    func testTheServerFlowThroughTheCInterface() async throws {
        try await VPCDRig.requirePCSCD()
        let install = try install()
        let directory = try makeTemporaryDirectory("mynaserver-cabi")
        let pki = try TestPKI.cached()
        try pki.write(to: directory)
        let authRoot = directory.appendingPathComponent(TestPKI.FileName.authRoot).path
        let store = "sqlite:" + directory.appendingPathComponent("state.sqlite").path
        let key = try ServerProcess.addKey("kiosk-c", store: store, in: directory)
        let server = try ServerProcess(["--store", store, "--roots", authRoot], directory: directory)
        addTeardownBlock { server.stop() }
        // Another hierarchy with the same names: this service must reject the card.
        let otherDirectory = try makeTemporaryDirectory("mynaserver-cabi-other")
        try TestPKI.generate().write(to: otherDirectory)
        let stranger = try ServerProcess(
            ["--store", store, "--roots", otherDirectory.appendingPathComponent(TestPKI.FileName.authRoot).path],
            directory: directory)
        addTeardownBlock { stranger.stop() }

        let program = install.prefix.appendingPathComponent("server_auth_test")
        let source = CLI.repositoryRoot.appendingPathComponent("Tests/CABI/server_auth_test.c").path
        let cc = TestProcess.locate("cc") != nil ? "cc" : "clang"
        _ = try CABIInstall.tool(
            "sh", ["-c", "\(cc) -O1 -Wall -Wextra -Werror -o '\(program.path)' '\(source)' "
                + "$(pkg-config --cflags --libs mynakit)"],
            environment: install.environment)

        let configuration = SimulatorConfiguration()
        let card = try VirtualMyNumberCard(configuration: configuration, pki: pki)
        let link = try await VPCDRig.insert(card, port: VPCDRig.port1, reader: VPCDRig.reader1)
        defer { link.stop() }
        let killer = try XCTUnwrap(TestProcess.locate("timeout"), "coreutils' timeout")
        let result = try CLI.runProcess(
            killer, ["-s", "KILL", "120", program.path, VPCDRig.reader1, server.url, stranger.url],
            environment: install.environment.merging(
                ["MYNAKIT_TEST_API_KEY": key, "MYNAKIT_TEST_AUTH_PIN": configuration.authPIN]) { $1 },
            timeout: 150)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let summary = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
        XCTAssertTrue(summary.hasSuffix(" passed, 0 failed"), result.stdout)
        XCTAssertGreaterThanOrEqual(Int(summary.split(separator: " ").first ?? "") ?? 0, 15, summary)

        // The services' side: two valid verdicts at one, one rejection at the other, one refused key.
        let accepting = try VerificationServiceTests.metrics(server)
        XCTAssertEqual(VerificationServiceTests.counter(#"mynakit_verifications_total{verdict="valid"}"#, in: accepting), 2)
        XCTAssertEqual(VerificationServiceTests.counter("mynakit_unauthorized_requests_total", in: accepting), 1)
        let rejecting = try VerificationServiceTests.metrics(stranger)
        XCTAssertEqual(
            VerificationServiceTests.counter(#"mynakit_verifications_total{verdict="invalid"}"#, in: rejecting), 1)
        // Every signature spent a verified PIN, never a wrong one.
        XCTAssertEqual(card.triesLeft(.authentication), 3)

        // The symbol is in its own version node.
        let library = install.prefix.appendingPathComponent("lib/libmynakit.so.1.0").path
        let symbols = try CABIInstall.tool("nm", ["-D", "--defined-only", "--extern-only", library])
        XCTAssertTrue(symbols.contains("mynakit_auth_server@@MYNAKIT_1.1"), symbols)
    }
}

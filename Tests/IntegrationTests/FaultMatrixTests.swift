//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaCard
import MynaSimulator
import SmartCard
import TestSupport
import XCTest

/// The fault matrix through real pcscd + vpcd: removal at every APDU of every CLI flow, resets by another
/// connection, pcscd restarted mid-flow, and two processes on one reader.
final class FaultMatrixTests: XCTestCase {
    static let pki: TestPKI = {
        do { return try TestPKI.cached() } catch { fatalError("\(error)") }
    }()

    var directory: URL!

    override func setUp() async throws {
        try await VPCDRig.requirePCSCD()
        directory = try makeTemporaryDirectory("mynakit-faults")
        try Self.pki.write(to: directory)
        try Data("data".utf8).write(to: directory.appendingPathComponent("data.bin"))
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Each flow: arguments, PIN on stdin, the output file it must not leave behind, APDU count when undisturbed.
    var flows: [(name: String, arguments: [String], stdin: String?, out: String?, apdus: Int)] {
        let n = Self.pki.authCertificate.count
        let reads = (n + 255) / 256
        return [
            ("cert read", ["cert", "read", "--kind", "auth", "--out", path("cert.pem")], nil, path("cert.pem"), 2 + reads),
            (
                "sign", ["sign", "--key", "auth", "--in", path("data.bin"), "--pin-stdin", "--out", path("sig.bin")],
                "1234\n", path("sig.bin"), 6
            ),
            ("pin status", ["pin", "status"], nil, nil, 8),
            ("info", ["info"], nil, nil, 10),
            ("mynumber", ["mynumber", "--pin-stdin"], "1234\n", nil, 8),
            ("auth", ["auth", "--roots", path("auth-root.pem"), "--pin-stdin"], "1234\n", nil, 2 + reads + 5),
        ]
    }

    func testCardRemovedAtEveryAPDUOfEveryFlowExits6WithNoOutput() async throws {
        for flow in flows {
            for removeAfter in 1..<flow.apdus {
                let card = try VirtualMyNumberCard(pki: Self.pki)
                let link = try await VPCDRig.insert(card, options: .init(removeAfterAPDUs: removeAfter))
                let result = try CLI.run(flow.arguments + ["--reader", VPCDRig.reader0, "--json"], stdin: flow.stdin)
                XCTAssertEqual(result.status, 6, "\(flow.name), removed after \(removeAfter): \(result.stdout)")
                let error = try? result.json()["error"] as? [String: Any]
                XCTAssertNotNil(error, "\(flow.name) #\(removeAfter): one JSON error document")
                if let out = flow.out {
                    XCTAssertFalse(FileManager.default.fileExists(atPath: out), "\(flow.name) #\(removeAfter) left \(out)")
                }
                // A VERIFY is never resent: the card lost at most one try.
                XCTAssertGreaterThanOrEqual(card.triesLeft(.authentication), 3)
                XCTAssertGreaterThanOrEqual(card.triesLeft(.cardInfo), 3)
                try await VPCDRig.remove(link)
            }
        }
    }

    func testResetByAnotherConnectionIsRecoveredAndClearsTheVerifiedPIN() async throws {
        let card = try VirtualMyNumberCard(pki: Self.pki)
        let link = try await VPCDRig.insert(card)
        defer { link.stop() }
        let first = try await CardConnection.connect(reader: VPCDRig.reader0)
        try await first.withTransaction { channel in
            try MyNumberCard(channel: channel).jpki.verify(PIN(kind: .signing, "ABC123"))
        }
        // Another application resets the card between two of our transactions.
        let other = try await CardConnection.connect(reader: VPCDRig.reader0)
        try await other.reconnect(initialization: .reset)
        try await other.disconnect()
        // The next transaction of the first connection works (pcsc-lite's reset indication is cleared), and the
        // card's security state is gone: the signing certificate needs the password again.
        do {
            _ = try await first.withTransaction { channel in
                try MyNumberCard(channel: channel).jpki.readCertificate(.signing)
            }
            XCTFail("the reset must have cleared the verified signing password")
        } catch let error as MynaCardError {
            XCTAssertEqual(error.code, .securityStatusNotSatisfied, "\(error)")
        }
        let der = try await first.withTransaction { channel in
            try MyNumberCard(channel: channel).jpki.readCertificate(.authentication)
        }
        XCTAssertEqual(der, Self.pki.authCertificate)
        try await first.disconnect()
        try await VPCDRig.remove(link)
    }

    func testPCSCDRestartedMidFlowIsACleanError() async throws {
        guard getuid() == 0 else { throw XCTSkip("restarting pcscd needs root") }
        let card = try VirtualMyNumberCard(pki: Self.pki)
        // A slow card (1 s per APDU): the restart lands while the certificate is being read.
        let link = try await VPCDRig.insert(card, options: .init(latency: .milliseconds(1000)))
        defer { link.stop() }
        let late = path("late.pem")
        let reader = Task.detached {
            try CLI.run(["cert", "read", "--kind", "auth", "--reader", VPCDRig.reader0, "--out", late, "--json"])
        }
        try await Task.sleep(for: .milliseconds(1500))
        try PCSCDRestartTests.restartPCSCD()
        let result = try await reader.value
        XCTAssertTrue([6, 69].contains(result.status), "exit \(result.status): \(result.stdout) \(result.stderr)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("late.pem")))
        link.stop()
        link.waitUntilFinished()
        // And the next command works against the restarted pcscd.
        try await VPCDRig.waitFor(reader: VPCDRig.reader0, present: false)
        let again = try await VPCDRig.insert(VirtualMyNumberCard(pki: Self.pki))
        let info = try CLI.run(["info", "--reader", VPCDRig.reader0])
        XCTAssertEqual(info.status, 0, info.stderr)
        try await VPCDRig.remove(again)
    }

    func testASlowCardUnderTheCallersTimeout() async throws {
        let card = try VirtualMyNumberCard(pki: Self.pki)
        let link = try await VPCDRig.insert(card, options: .init(latency: .milliseconds(300)))
        defer { link.stop() }
        let out = path("slow.pem")
        let start = ContinuousClock.now
        let result = try CLI.run(
            ["cert", "read", "--kind", "auth", "--reader", VPCDRig.reader0, "--timeout", "0.5", "--out", out, "--json"])
        let elapsed = ContinuousClock.now - start
        XCTAssertEqual(result.status, 6, result.stdout + result.stderr)
        XCTAssertEqual((try result.json()["error"] as? [String: Any])?["code"] as? String, "timed-out")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        // Six APDUs at 300 ms would take 1.8 s; the flow stops at the first APDU boundary after 0.5 s.
        XCTAssertLessThan(elapsed, .milliseconds(1500), "took \(elapsed)")
        XCTAssertLessThanOrEqual(link.apduCount, 3)
        // Without the limit, the same slow card is read completely.
        let full = try CLI.run(["cert", "read", "--kind", "auth", "--reader", VPCDRig.reader0, "--timeout", "10"])
        XCTAssertEqual(full.status, 0, full.stderr)
        try await VPCDRig.remove(link)
    }

    func testTwoProcessesOnOneReaderBothSucceed() async throws {
        let card = try VirtualMyNumberCard(pki: Self.pki)
        let link = try await VPCDRig.insert(card, options: .init(latency: .milliseconds(5)))
        defer { link.stop() }
        let roots = path("auth-root.pem")
        let runs = (0..<2).map { _ in
            Task.detached {
                try (0..<3).map { _ in
                    try CLI.run(["auth", "--roots", roots, "--pin-stdin", "--reader", VPCDRig.reader0, "--json"], stdin: "1234\n")
                }
            }
        }
        for run in runs {
            for result in try await run.value {
                XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
                XCTAssertEqual(try result.json()["verdict"] as? String, "authenticated")
            }
        }
        XCTAssertEqual(card.triesLeft(.authentication), 3)
        try await VPCDRig.remove(link)
    }
}

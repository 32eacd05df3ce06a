//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaSimulator
import SmartCard
import XCTest

/// `--extended auto|on|off` and `-r` through the real CLI: `mynakit sim --extended` on vpcd reader `Virtual PCD 00 01`,
/// which carries extended APDUs but reports no `dwMaxAPDUDataSize`.
final class ExtendedLengthCLITests: XCTestCase {
    static let pki: TestPKI = {
        do { return try TestPKI.cached() } catch { fatalError("\(error)") }
    }()

    var directory: URL!
    var sim: Process?

    override func setUp() async throws {
        try await VPCDRig.requirePCSCD()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("mynakit-ext-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Self.pki.write(to: directory)
        try await VPCDRig.waitFor(reader: VPCDRig.reader1, present: false)
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = ["sim", "--extended", "--port", String(VPCDRig.port1), "--pki", directory.path]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let log = directory.appendingPathComponent("sim.log")
        XCTAssertTrue(FileManager.default.createFile(atPath: log.path, contents: nil))
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        sim = process
        try await VPCDRig.waitFor(reader: VPCDRig.reader1, present: true)
    }

    override func tearDown() async throws {
        if let sim, sim.isRunning {
            sim.terminate()
            sim.waitUntilExit()
            try await VPCDRig.waitFor(reader: VPCDRig.reader1, present: false)
        }
        sim = nil
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    var reader: [String] { ["-r", VPCDRig.reader1] }

    /// The DER inside the PEM of `cert read --json`.
    func der(fromPEM pem: String) throws -> [UInt8] {
        let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        return [UInt8](try XCTUnwrap(Data(base64Encoded: body), "not PEM: \(pem)"))
    }

    func testOnReadsTheCertificateInOneExtendedReadBinaryBySFI() async throws {
        let result = try CLI.run(["cert", "read", "--kind", "auth", "--extended", "on", "--json", "--trace"] + reader)
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try result.json()
        XCTAssertEqual(try der(fromPEM: try XCTUnwrap(json["pem"] as? String)), Self.pki.authCertificate)
        XCTAssertEqual(json["apduCount"] as? Int, 2, "SELECT applet + one READ BINARY by SFI")
        let trace = result.stderr.split(separator: "\n").filter { $0.hasPrefix("trace: #") }
        XCTAssertEqual(trace.count, 2, result.stderr)
        // P1 = 0x80 | SFI 0A, offset 0, extended Le 00 00 (65536): the whole EF, answered with its end (62 82).
        let read = "#2 00 B0 8A 00 00 00 00 -> \(Self.pki.authCertificate.count) bytes"
        XCTAssertTrue(trace.last?.contains(read) ?? false, result.stderr)
    }

    func testOffUsesTheShortBudgetOnTheSameCard() async throws {
        let result = try CLI.run(["cert", "read", "--kind", "auth", "--extended", "off", "--json"] + reader)
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try result.json()
        XCTAssertEqual(try der(fromPEM: try XCTUnwrap(json["pem"] as? String)), Self.pki.authCertificate)
        let n = Self.pki.authCertificate.count
        XCTAssertEqual(json["apduCount"] as? Int, 2 + (n + 255) / 256)
    }

    func testAutoIsTheDefaultAndKeepsShortAPDUsOnAReaderThatReportsNothing() async throws {
        let result = try CLI.run(["cert", "read", "--kind", "auth", "--json", "--reader", VPCDRig.reader1])
        XCTAssertEqual(result.status, 0, result.stderr)
        let n = Self.pki.authCertificate.count
        XCTAssertEqual(try result.json()["apduCount"] as? Int, 2 + (n + 255) / 256)
    }

    func testInfoShowsThePolicyAndTheDecision() async throws {
        for (policy, used) in [("on", true), ("off", false), ("auto", false)] {
            let result = try CLI.run(["info", "--extended", policy, "--json"] + reader)
            XCTAssertEqual(result.status, 0, result.stderr)
            let json = try result.json()
            let extended = try XCTUnwrap(json["extendedLength"] as? [String: Any], result.stdout)
            XCTAssertEqual(extended["policy"] as? String, policy)
            XCTAssertEqual(extended["card"] as? Bool, true, policy)
            XCTAssertEqual(extended["reader"] as? Int, 0, "vpcd reports no dwMaxAPDUDataSize")
            XCTAssertEqual(extended["used"] as? Bool, used, policy)
            // The fields that were there before stay.
            XCTAssertEqual(json["reader"] as? String, VPCDRig.reader1)
            XCTAssertEqual(json["cardExtendedLength"] as? Bool, true)
            XCTAssertEqual(json["readerMaxAPDUDataSize"] as? Int, 0)
            XCTAssertEqual(json["usesExtendedLength"] as? Bool, used)
            XCTAssertEqual(json["token"] as? String, "My Number card (JPKIAPICCTOKEN2)")
        }
        let text = try CLI.run(["info", "--extended", "on"] + reader)
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(
            text.stdout.contains("extended APDU: card yes, reader max 0, --extended on -> whole-EF reads"), text.stdout)
    }

    func testBadPolicyIsAUsageError() throws {
        let result = try CLI.run(["info", "--extended", "always"] + reader)
        XCTAssertEqual(result.status, 64, result.stderr)
    }
}

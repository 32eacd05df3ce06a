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

/// `mynakit doctor` and `mynakit udev-rules` as a technician runs them.
final class DoctorCLITests: XCTestCase {
    private let unreachable = ["PCSCLITE_CSOCK_NAME": "/nonexistent"]

    func testDoctorWithoutPCSCDFailsNamingPCSCDAndExits69() throws {
        let text = try CLI.run(["doctor"], environment: unreachable)
        XCTAssertEqual(text.status, 69, text.stdout + text.stderr)
        let line = try XCTUnwrap(text.stdout.split(separator: "\n").first { $0.hasPrefix("FAIL  pcscd") })
        XCTAssertTrue(line.contains("/nonexistent"), String(line))
        XCTAssertTrue(line.contains("SCARD_E_NO_SERVICE"), String(line))
        XCTAssertTrue(line.contains("-> fix:"), String(line))

        let json = try CLI.run(["doctor", "--json"], environment: unreachable)
        XCTAssertEqual(json.status, 69)
        let document = try json.json()
        XCTAssertEqual(document["exitStatus"] as? Int, 69)
        let checks = try XCTUnwrap(document["checks"] as? [[String: Any]])
        let pcscd = try XCTUnwrap(checks.first { $0["check"] as? String == "pcscd" })
        XCTAssertEqual(pcscd["status"] as? String, "FAIL")
        XCTAssertNotNil(pcscd["fix"] as? String)

        XCTAssertEqual(try CLI.run(["readers"], environment: unreachable).status, 69)
    }

    func testDoctorSeesTheVirtualCardAndAFakeUSBTree() async throws {
        try await VPCDRig.requirePCSCD()
        let myNumberATR: [UInt8] = [0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14]
        let link = try await VPCDRig.insert(
            MinimalISOCard(atr: myNumberATR), port: VPCDRig.port1, reader: VPCDRig.reader1)
        defer { link.stop() }

        let sysfs = try makeTemporaryDirectory("mynakit-sysfs")
        let device = sysfs.appendingPathComponent("sys/bus/usb/devices/1-5")
        try FileManager.default.createDirectory(
            at: device.appendingPathComponent("1-5:1.0"), withIntermediateDirectories: true)
        try Data("054c\n".utf8).write(to: device.appendingPathComponent("idVendor"))
        try Data("06c3\n".utf8).write(to: device.appendingPathComponent("idProduct"))
        try Data("ff\n".utf8).write(to: device.appendingPathComponent("1-5:1.0/bInterfaceClass"))

        let result = try CLI.run(["doctor", "--sysfs-root", sysfs.path])
        XCTAssertEqual(result.status, 1, "the RC-S380 is a FAIL, pcscd is fine: \(result.stdout)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains { $0.hasPrefix("PASS  pcscd") }, result.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("PASS  access") }, result.stdout)
        let reader = try XCTUnwrap(lines.first { $0.contains(VPCDRig.reader1) })
        XCTAssertTrue(reader.contains("3B E0 00 FF 81 31 FE 45 14"), reader)
        XCTAssertTrue(reader.contains("My Number card (contact)"), reader)
        XCTAssertTrue(reader.contains("mynakit info"), reader)
        let rcs380 = try XCTUnwrap(lines.first { $0.contains("054c:06c3") })
        XCTAssertTrue(rcs380.hasPrefix("FAIL  usb"), rcs380)
        XCTAssertTrue(rcs380.contains("-> fix:"), rcs380)
        XCTAssertTrue(lines.last?.hasPrefix("doctor: ") ?? false, result.stdout)
        try await VPCDRig.remove(link, reader: VPCDRig.reader1)
    }

    func testUdevRulesCommandPrintsTheCommittedFileByteForByte() throws {
        let result = try CLI.run(["udev-rules"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let committed = try Data(
            contentsOf: CLI.repositoryRoot.appendingPathComponent("udev/95-mynakit-readers.rules"))
        XCTAssertEqual(Data(result.stdout.utf8), committed, "regenerate: mynakit udev-rules > udev/95-mynakit-readers.rules")
    }
}

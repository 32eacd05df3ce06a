//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaSimulator
import SmartCard
import XCTest

/// `mynakit readers | watch | atr` through pcscd + vpcd, and the exit codes of the contract.
final class CLIFoundationTests: XCTestCase {
    func testReadersListsTheVirtualReadersAndTheCard() async throws {
        try await VPCDRig.requirePCSCD()
        let link = try await VPCDRig.insert(MinimalISOCard())
        defer { link.stop() }
        let result = try CLI.run(["readers", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let readers = try XCTUnwrap(try result.json()["readers"] as? [[String: Any]])
        let first = try XCTUnwrap(readers.first { $0["name"] as? String == VPCDRig.reader0 })
        XCTAssertEqual(first["cardPresent"] as? Bool, true)
        XCTAssertEqual(first["atr"] as? String, "3B 81 80 01 80 80")
        let second = try XCTUnwrap(readers.first { $0["name"] as? String == VPCDRig.reader1 })
        XCTAssertEqual(second["cardPresent"] as? Bool, false)
        let text = try CLI.run(["readers"])
        XCTAssertTrue(text.stdout.contains("Virtual PCD 00 00"), text.stdout)
        try await VPCDRig.remove(link)
    }

    func testUnreachablePCSCDExitsWith69() throws {
        let environment = ["PCSCLITE_CSOCK_NAME": "/tmp/mynakit-no-such-pcscd.comm"]
        let result = try CLI.run(["readers", "--json"], environment: environment)
        XCTAssertEqual(result.status, 69)
        let error = try XCTUnwrap(try result.json()["error"] as? [String: Any])
        XCTAssertEqual(error["code"] as? String, "SCARD_E_NO_SERVICE")
        XCTAssertTrue((error["message"] as? String ?? "").contains("pcscd"))
        let text = try CLI.run(["readers"], environment: environment)
        XCTAssertEqual(text.status, 69)
        XCTAssertTrue(text.stderr.contains("SCARD_E_NO_SERVICE"), text.stderr)
    }

    func testWatchReportsInsertionAndRemoval() async throws {
        try await VPCDRig.requirePCSCD()
        try await VPCDRig.waitFor(reader: VPCDRig.reader1, present: false)
        let watcher = Task.detached { try CLI.run(["watch", "--events", "2", "--timeout", "20", "--json"]) }
        try await Task.sleep(for: .milliseconds(800))
        let link = try await VPCDRig.insert(MinimalISOCard(), port: VPCDRig.port1, reader: VPCDRig.reader1)
        try await Task.sleep(for: .milliseconds(300))
        try await VPCDRig.remove(link, reader: VPCDRig.reader1)
        let result = try await watcher.value
        XCTAssertEqual(result.status, 0, result.stderr)
        // NDJSON: one object per line.
        let events = try result.stdout.split(separator: "\n").map {
            try XCTUnwrap(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], String($0))
        }
        let changes = events.filter { ["card-inserted", "card-removed"].contains($0["event"] as? String) }
        XCTAssertEqual(changes.map { $0["event"] as? String }, ["card-inserted", "card-removed"])
        XCTAssertEqual(changes.first?["reader"] as? String, VPCDRig.reader1)
        XCTAssertEqual(changes.first?["atr"] as? String, "3B 81 80 01 80 80")
    }

    func testATRDecodesAMyNumberCardATR() throws {
        let result = try CLI.run(["atr", "3B DA 13 FF 81 31 FB 46 80 12 39 2F 31 C1 73 C6 01 C0 3B", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try result.json()
        XCTAssertEqual(json["protocols"] as? [String], ["T=1"])
        XCTAssertEqual(json["extendedLength"] as? Bool, true)
        XCTAssertEqual(json["tckValid"] as? Bool, true)
        XCTAssertEqual(json["card"] as? String, "My Number card (contact, extended length)")
        XCTAssertTrue((json["cardCapabilities"] as? [String] ?? []).contains("short EF identifier supported"))
        let text = try CLI.run(["atr", "3BE000FF8131FE4514"])
        XCTAssertTrue(text.stdout.contains("TA3 = FE --> IFSC: 254"), text.stdout)
        XCTAssertTrue(text.stdout.contains("(correct checksum)"), text.stdout)
    }

    func testATRFlagsWrongChecksumAndTruncation() throws {
        let wrong = try CLI.run(["atr", "3B E0 00 FF 81 31 FE 45 15"])
        XCTAssertEqual(wrong.status, 64)
        XCTAssertTrue(wrong.stdout.contains("WRONG CHECKSUM: TCK is 15, expected 14"), wrong.stdout)
        let truncated = try CLI.run(["atr", "3B DA 13 FF 81 31", "--json"])
        XCTAssertEqual(truncated.status, 64)
        let error = try XCTUnwrap(try truncated.json()["error"] as? [String: Any])
        XCTAssertEqual(error["code"] as? String, "malformed-atr")
        XCTAssertTrue((error["message"] as? String ?? "").contains("truncated"))
        let garbage = try CLI.run(["atr", "XYZ"])
        XCTAssertEqual(garbage.status, 64)
    }
}

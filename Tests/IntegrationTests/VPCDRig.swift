//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaSimulator
import SmartCard
import XCTest

/// The test rig: pcscd with vsmartcard's vpcd driver, readers `Virtual PCD 00 00` (port 35963) and `00 01` (35964).
///
/// Without pcscd these tests skip on a developer machine and fail under `CI=true`.
enum VPCDRig {
    static let reader0 = "Virtual PCD 00 00"
    static let reader1 = "Virtual PCD 00 01"
    static let port0: UInt16 = 35963
    static let port1: UInt16 = 35964

    static var socketPath: String {
        ProcessInfo.processInfo.environment["PCSCLITE_CSOCK_NAME"] ?? "/run/pcscd/pcscd.comm"
    }

    /// Fails (CI) or skips (elsewhere) when pcscd with vpcd is not there.
    static func requirePCSCD(file: StaticString = #filePath, line: UInt = #line) async throws {
        let ci = ProcessInfo.processInfo.environment["CI"] == "true"
        var problem: String?
        if !FileManager.default.fileExists(atPath: socketPath) {
            problem = "pcscd is not running (no socket at \(socketPath)); start it with scripts/pcscd-rig.sh start"
        } else {
            do {
                let readers = try await PCSCContext().readers()
                if !readers.contains(reader0) || !readers.contains(reader1) {
                    problem = "pcscd runs without the vpcd readers (\(readers)); install vsmartcard-vpcd"
                }
            } catch {
                problem = "pcscd is unreachable: \(error)"
            }
        }
        if let problem {
            if ci {
                XCTFail(problem, file: file, line: line)
                throw XCTSkip("failed: \(problem)")
            }
            throw XCTSkip(problem)
        }
    }

    /// Inserts `card` into `reader` (connects it to vpcd) and waits until pcscd sees it.
    static func insert(
        _ card: any VirtualCard, port: UInt16 = port0, reader: String = reader0,
        options: VPCDLink.Options = VPCDLink.Options()
    ) async throws -> VPCDLink {
        try await waitFor(reader: reader, present: false)
        let link = VPCDLink(card: card, port: port, options: options)
        try link.start()
        try await waitFor(reader: reader, present: true)
        return link
    }

    /// Removes the card and waits until pcscd notices.
    static func remove(_ link: VPCDLink, reader: String = reader0) async throws {
        link.stop()
        link.waitUntilFinished()
        try await waitFor(reader: reader, present: false)
    }

    /// Polls the reader state until the card is (or is not) there; pcscd polls vpcd every 400 ms.
    static func waitFor(reader: String, present: Bool, timeout: Duration = .seconds(10)) async throws {
        let context = PCSCContext()
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await context.state(of: reader).isCardPresent == present { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        let problem = "card in \(reader) did not become \(present ? "present" : "absent") within \(timeout)"
        // Under CI a rig that does not answer is a failure, never a skip.
        if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail(problem) }
        throw XCTSkip(problem)
    }
}

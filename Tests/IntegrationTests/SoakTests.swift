//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaCard
import MynaSimulator
import SmartCard
import XCTest

/// 10,000 flows in one process through pcscd + vpcd against the virtual card, with memory flat.
final class SoakTests: XCTestCase {
    static func residentKilobytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return -1 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
    }

    func testTenThousandFlowsWithFlatMemory() async throws {
        try await VPCDRig.requirePCSCD()
        let pki = try TestPKI.cached()
        let card = try VirtualMyNumberCard(pki: pki)
        let link = try await VPCDRig.insert(card)
        defer { link.stop() }
        let connection = try await CardConnection.connect(reader: VPCDRig.reader0)
        let flows = 10_000
        let warmUp = 1_000
        var baseline = 0
        for index in 0..<flows {
            if index == warmUp { baseline = Self.residentKilobytes() }
            let ok = try connection.withTransactionBlocking { channel in
                let session = MyNumberCard(channel: channel)
                if index % 20 == 0 {
                    // A PIN flow now and then: status, VERIFY, signature.
                    let signature = try session.jpki.sign(
                        digest: [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: 32), algorithm: .sha256,
                        key: .authentication, pin: PIN(kind: .authentication, "1234"))
                    return signature.count == 256
                }
                return try session.jpki.readCertificate(.authentication) == pki.authCertificate
            }
            XCTAssertTrue(ok, "flow \(index)")
            if !ok { break }
        }
        let end = Self.residentKilobytes()
        try await connection.disconnect()
        print("soak: \(flows) flows, resident memory \(baseline) kB after \(warmUp), \(end) kB after \(flows)")
        XCTAssertGreaterThan(baseline, 0)
        XCTAssertLessThan(end - baseline, 4_096, "resident memory grew by \(end - baseline) kB over \(flows - warmUp) flows")
        XCTAssertEqual(card.triesLeft(.authentication), 3)
        try await VPCDRig.remove(link)
    }
}

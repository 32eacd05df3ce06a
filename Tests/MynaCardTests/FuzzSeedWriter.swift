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

/// Records real card traces of every flow as seeds for the `FuzzMynaCardRead` fuzz target (OpenSC fuzz-reader
/// format: `[u16 little-endian length][bytes]` blocks, the ATR first, then each response). Run with
/// `MYNAKIT_WRITE_FUZZ_SEEDS=Tests/Fuzz/corpus/FuzzMynaCardRead swift test --filter FuzzSeedWriter`; otherwise it checks
/// that recording works without writing anything.
final class FuzzSeedWriter: XCTestCase {
    /// Records the card's answers as the session talks to it.
    final class Recorder: CardTransport {
        let inner: InMemoryTransport
        var responses: [[UInt8]] = []
        init(_ inner: InMemoryTransport) { self.inner = inner }
        func transmit(_ command: [UInt8]) throws -> [UInt8] {
            let response = try inner.transmit(command)
            responses.append(response)
            return response
        }
        var atr: [UInt8] { inner.atr }
        var maxAPDUDataSize: Int { inner.maxAPDUDataSize }
    }

    /// The flows in the order of the fuzz target's table (the input length modulo 11 picks one).
    static let flows: [(String, @Sendable (MyNumberCard) throws -> Void)] = [
        ("auth-certificate", { _ = try $0.jpki.readCertificate(.authentication) }),
        ("sign-certificate", { _ = try $0.jpki.readSigningCertificate(password: PIN(kind: .signing, "ABC123")) }),
        ("pin-status", { _ = try $0.jpki.pinStatus(.authentication) }),
        ("token", { _ = try $0.jpki.token() }),
        ("identify", { _ = try $0.identify() }),
        ("sign", {
            _ = try $0.jpki.sign(
                digest: [UInt8](repeating: 0x11, count: 32), algorithm: .sha256, key: .authentication,
                pin: PIN(kind: .authentication, "1234"))
        }),
        ("mynumber", { _ = try $0.cardInfo.read(pin: PIN(kind: .cardInfo, "1234")) }),
        ("surface", {
            _ = try $0.surface.unlock(cardInfoPIN: PIN(kind: .cardInfo, "1234"))
            _ = try $0.surface.readSurface()
        }),
        ("mynumber-image", {
            var digits = Array(SimulatorConfiguration().myNumber.utf8)
            try $0.surface.unlock(VerificationCode(kind: .a, consuming: &digits))
            _ = try $0.surface.readMyNumberImage()
        }),
        ("surface-certificate", { _ = try $0.surface.readCertificate() }),
        ("surface-code-status", { _ = try $0.surface.codeStatus(.b) }),
    ]

    static func block(_ bytes: [UInt8]) -> [UInt8] {
        [UInt8(bytes.count & 0xFF), UInt8(bytes.count >> 8)] + bytes
    }

    func testRecordSeeds() throws {
        let output = ProcessInfo.processInfo.environment["MYNAKIT_WRITE_FUZZ_SEEDS"]
        let profiles: [(String, SimulatorConfiguration)] = [
            ("short", SimulatorConfiguration()),
            ("61xx", SimulatorConfiguration(faults: .init(getResponseThreshold: 64))),
            ("6Cxx", SimulatorConfiguration(faults: .init(wrongLeAnswers6C: true))),
        ]
        for (profileName, configuration) in profiles {
            for (index, flow) in Self.flows.enumerated() {
                let card = try VirtualMyNumberCard(configuration: configuration, pki: Fixture.pki)
                let recorder = Recorder(InMemoryTransport(card: card))
                try flow.1(MyNumberCard(channel: CardChannel(transport: recorder)))
                var seed = Self.block(recorder.atr) + recorder.responses.flatMap(Self.block)
                // Pad with empty blocks (2 bytes; 2 and 11 are coprime, so at most 10) until the length picks this flow.
                while seed.count % Self.flows.count != index { seed += Self.block([]) }
                XCTAssertEqual(seed.count % Self.flows.count, index)
                if let output {
                    let url = URL(fileURLWithPath: output).appendingPathComponent("\(flow.0)-\(profileName).bin")
                    try Data(seed).write(to: url)
                }
            }
        }
    }
}

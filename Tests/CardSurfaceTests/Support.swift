//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import MynaCard
import MynaSimulator
import MynaVerify
import SmartCard
import XCTest

/// Records every command a session sends to the in-memory virtual card.
final class Recorder: CardTransport {
    let inner: InMemoryTransport
    var commands: [[UInt8]] = []

    init(_ inner: InMemoryTransport) { self.inner = inner }

    func transmit(_ command: [UInt8]) throws -> [UInt8] {
        commands.append(command)
        return try inner.transmit(command)
    }

    var atr: [UInt8] { inner.atr }
    var maxAPDUDataSize: Int { inner.maxAPDUDataSize }
    /// The commands as spaced hex, data included (tests only).
    var hex: [String] { commands.map { Hex.encode($0, separator: " ") } }
    /// How many commands had this instruction byte.
    func count(ins: UInt8) -> Int { commands.filter { $0.count > 1 && $0[1] == ins }.count }
}

enum Surface {
    static let pki: TestPKI = {
        do { return try TestPKI.cached() } catch { fatalError("test PKI: \(error)") }
    }()

    static let surfaceAID = "D3 92 10 00 31 00 01 01 04 02"
    static let cardInfoAID = "D3 92 10 00 31 00 01 01 04 08"

    /// A session on a fresh virtual card; `extended` gives the extended-length profile on both sides.
    static func session(_ configuration: SimulatorConfiguration = SimulatorConfiguration(), extended: Bool = false)
        throws -> (MyNumberCard, Recorder, VirtualMyNumberCard)
    {
        var configuration = configuration
        configuration.extendedLength = extended
        let card = try VirtualMyNumberCard(configuration: configuration, pki: pki)
        let recorder = Recorder(InMemoryTransport(card: card, maxAPDUDataSize: extended ? 65536 : 0))
        return (MyNumberCard(channel: CardChannel(transport: recorder)), recorder, card)
    }

    /// The table the verifier trusts: the built-in keys plus the simulator's `card-ca.json` keys.
    static func table() throws -> CardCAKeyTable {
        try CardCAKeyTable().adding(pki.cardData.caKeys)
    }

    static func codeA(_ digits: String = "123456789018") throws -> VerificationCode {
        var bytes = Array(digits.utf8)
        return try VerificationCode(kind: .a, consuming: &bytes)
    }

    static func codeB(birth: String = "19850412", expiry: String = "2035", code: String = "5827") throws
        -> VerificationCode
    {
        var b = Array(birth.utf8)
        var e = Array(expiry.utf8)
        var c = Array(code.utf8)
        return try VerificationCode.codeB(birthDate: &b, expiryYear: &e, securityCode: &c)
    }

    /// READ BINARY commands of a short-profile read of `length` bytes (256 first, then what remains).
    static func shortReads(length: Int) -> [String] {
        var reads: [String] = []
        var offset = 0
        while offset < length {
            let le = offset == 0 ? 256 : min(256, length - offset)
            reads.append(Hex.encode([0x00, 0xB0, UInt8(offset >> 8), UInt8(offset & 0xFF), UInt8(le & 0xFF)], separator: " "))
            offset += offset == 0 ? 256 : le
        }
        return reads
    }

    static func ascii(_ text: String) -> String { Hex.encode(Array(text.utf8), separator: " ") }
}

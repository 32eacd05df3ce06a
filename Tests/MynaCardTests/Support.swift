//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import MynaCard
import MynaSimulator
import SmartCard
import XCTest

/// Records every command the card session sends to the in-memory virtual card.
final class RecordingTransport: CardTransport {
    let inner: InMemoryTransport
    var commands: [[UInt8]] = []
    /// When set, the transport throws this error instead of sending the command with that index (0-based).
    var failAt: (index: Int, error: any Error)?

    init(_ inner: InMemoryTransport) { self.inner = inner }

    func transmit(_ command: [UInt8]) throws -> [UInt8] {
        if let failAt, failAt.index == commands.count {
            commands.append(command)
            throw failAt.error
        }
        commands.append(command)
        return try inner.transmit(command)
    }

    var atr: [UInt8] { inner.atr }
    var maxAPDUDataSize: Int { inner.maxAPDUDataSize }

    /// The commands as hex strings, VERIFY data included (tests only).
    var hex: [String] { commands.map { Hex.encode($0, separator: " ") } }
}

enum Fixture {
    static let pki: TestPKI = {
        do { return try TestPKI.cached() } catch { fatalError("test PKI: \(error)") }
    }()

    static let jpkiAID = "D3 92 F0 00 26 01 00 00 00 01"
    static let cardInfoAID = "D3 92 10 00 31 00 01 01 04 08"
    static let selectJPKI = "00 A4 04 0C 0A " + jpkiAID
    static let selectCardInfo = "00 A4 04 0C 0A " + cardInfoAID
    static func selectEF(_ fid: String) -> String { "00 A4 02 0C 02 " + fid }

    /// A session on a fresh virtual card.
    static func session(
        _ configuration: SimulatorConfiguration = SimulatorConfiguration(), readerMax: Int = 0
    ) throws -> (MyNumberCard, RecordingTransport, VirtualMyNumberCard) {
        let card = try VirtualMyNumberCard(configuration: configuration, pki: pki)
        let transport = RecordingTransport(InMemoryTransport(card: card, maxAPDUDataSize: readerMax))
        return (MyNumberCard(channel: CardChannel(transport: transport)), transport, card)
    }

    static func readBinary(offset: Int, le: Int) -> String {
        Hex.encode([0x00, 0xB0, UInt8(offset >> 8), UInt8(offset & 0xFF), UInt8(le & 0xFF)], separator: " ")
    }

    /// The READ BINARY commands of a short-profile read of `length` bytes.
    static func shortReads(length: Int) -> [String] {
        var reads: [String] = []
        var offset = 0
        while offset < length {
            let le = offset == 0 ? 256 : min(256, length - offset)
            reads.append(readBinary(offset: offset, le: le))
            offset += offset == 0 ? 256 : le
        }
        return reads
    }
}

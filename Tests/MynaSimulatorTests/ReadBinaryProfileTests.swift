//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import MynaSimulator
import MynaSpec
import XCTest

/// End-of-file answers, GET RESPONSE chaining, the extended profile and certificate padding.
final class ReadBinaryProfileTests: XCTestCase {
    /// A card with the JPKI applet and EF 000A (authentication certificate) selected.
    private func cardAtAuthCertificate(
        _ configuration: SimulatorConfiguration = SimulatorConfiguration()
    ) throws -> (VirtualMyNumberCard, [UInt8]) {
        let card = try Fixture.card(configuration)
        exchange(card, Fixture.selectJPKI, "90 00")
        exchange(card, Fixture.selectEF("00 0A"), "90 00")
        return (card, try Fixture.pki().authCertificate)
    }

    private func readBinary(offset: Int, le: Int) -> String {
        hexString([0x00, 0xB0, UInt8(offset >> 8), UInt8(offset & 0xFF), UInt8(le & 0xFF)])
    }

    func testEndOfFileWarning() throws {
        let (card, der) = try cardAtAuthCertificate()
        let offset = der.count - 10
        // Exactly the remaining bytes: 90 00.
        exchange(card, readBinary(offset: offset, le: 10), hexString(Array(der.suffix(10))) + " 90 00")
        // More than remains: the rest with 62 82.
        exchange(card, readBinary(offset: offset, le: 0x20), hexString(Array(der.suffix(10))) + " 62 82")
        exchange(card, readBinary(offset: offset, le: 0), hexString(Array(der.suffix(10))) + " 62 82")
        // At and beyond the end: 6B 00.
        exchange(card, readBinary(offset: der.count, le: 1), "6B 00")
        exchange(card, readBinary(offset: 0x7FFF, le: 1), "6B 00")
    }

    func testEndOfFileWrongParameters() throws {
        let (card, der) = try cardAtAuthCertificate(SimulatorConfiguration(endOfFileBehaviour: .wrongParameters))
        exchange(card, readBinary(offset: der.count - 10, le: 10), hexString(Array(der.suffix(10))) + " 90 00")
        exchange(card, readBinary(offset: der.count - 10, le: 11), "6B 00")
        exchange(card, readBinary(offset: der.count, le: 1), "6B 00")
    }

    func testEndOfFileSuccess() throws {
        let (card, der) = try cardAtAuthCertificate(SimulatorConfiguration(endOfFileBehaviour: .success))
        exchange(card, readBinary(offset: der.count - 10, le: 0), hexString(Array(der.suffix(10))) + " 90 00")
        exchange(card, readBinary(offset: der.count, le: 1), "6B 00")
    }

    func testWrongLeAnswers6C() throws {
        let configuration = SimulatorConfiguration(faults: .init(wrongLeAnswers6C: true))
        let (card, der) = try cardAtAuthCertificate(configuration)
        exchange(card, readBinary(offset: der.count - 10, le: 0), "6C 0A")
        exchange(card, readBinary(offset: der.count - 10, le: 0x0B), "6C 0A")
        exchange(card, readBinary(offset: der.count - 10, le: 0x0A), hexString(Array(der.suffix(10))) + " 90 00")
        exchange(card, readBinary(offset: der.count, le: 1), "6B 00")
    }

    func testGetResponseChaining() throws {
        let configuration = SimulatorConfiguration(faults: .init(getResponseThreshold: 128))
        let (card, der) = try cardAtAuthCertificate(configuration)
        // At or under the threshold: answered directly.
        exchange(card, readBinary(offset: 0, le: 0x80), hexString(Array(der.prefix(0x80))) + " 90 00")
        // Over it: 61 xx, then GET RESPONSE in pieces.
        exchange(card, readBinary(offset: 0, le: 0), "61 00")
        exchange(card, "00 C0 00 00 40", hexString(Array(der.prefix(0x40))) + " 61 C0")
        exchange(card, "00 C0 00 00 C0", hexString(Array(der[0x40..<0x100])) + " 90 00")
        exchange(card, "00 C0 00 00 10", "69 85")
        // The final status word of the original answer comes with the last piece.
        let tail = der.count - 200
        exchange(card, readBinary(offset: tail, le: 0), "61 C8")
        exchange(card, "00 C0 00 00 C8", hexString(Array(der.suffix(200))) + " 62 82")
        // Another command drops pending data.
        exchange(card, readBinary(offset: 0, le: 0), "61 00")
        exchange(card, Fixture.selectEF("00 0A"), "90 00")
        exchange(card, "00 C0 00 00 10", "69 85")
        // SELECT FCI is chained too when the threshold is 0.
        let everything = try Fixture.card(SimulatorConfiguration(faults: .init(getResponseThreshold: 0)))
        exchange(everything, "00 A4 04 00 0A D3 92 F0 00 26 01 00 00 00 01 00", "61 0E")
        exchange(everything, "00 C0 00 00 0E", "6F 0C 84 0A D3 92 F0 00 26 01 00 00 00 01 90 00")
        exchange(everything, "00 C0 00 00", "67 00")
    }

    func testShortIdentifierReadsTheWholeEFInOneExtendedAPDU() throws {
        let card = try Fixture.card(SimulatorConfiguration(extendedLength: true))
        let pki = try Fixture.pki()
        exchange(card, Fixture.selectJPKI, "90 00")
        // P1 = 80 | 0A, offset 0, extended Le = 65536: the whole authentication certificate, no SELECT EF.
        let response = exchange(card, "00 B0 8A 00 00 00 00", sw: "62 82")
        XCTAssertEqual(data(response), pki.authCertificate)
        // Exact Le: 90 00.
        let count = pki.authRootCertificate.count
        let exact = exchange(card, "00 B0 8B 00 00 " + hexString([UInt8(count >> 8), UInt8(count & 0xFF)]), sw: "90 00")
        XCTAssertEqual(data(exact), pki.authRootCertificate)
        // The SFI read made EF 000B current.
        exchange(card, "00 B0 00 00 02", "30 82 90 00")
        // Offset in P2.
        exchange(card, "00 B0 8B 02 02", hexString(Array(pki.authRootCertificate[2..<4])) + " 90 00")
        // Access conditions still apply: EF 0001 needs the signing password.
        exchange(card, "00 B0 81 00 00 00 00", "69 82")
        // Unknown SFI, and bits 7-6 of P1 set.
        exchange(card, "00 B0 85 00 00 00 00", "6A 82")
        exchange(card, "00 B0 C1 00 00 00 00", "6A 86")
        // The extended profile advertises extended length in the ATR.
        XCTAssertEqual(hexString(card.atr), "3B DA 13 FF 81 31 FB 46 80 12 39 2F 31 C1 73 C6 01 C0 3B")
    }

    func testATRs() throws {
        XCTAssertEqual(hexString(try Fixture.card().atr), "3B E0 00 FF 81 31 FE 45 14")
        let short = try Fixture.card(SimulatorConfiguration(atr: .contactShortLength))
        XCTAssertEqual(hexString(short.atr), "3B C5 FF 81 31 FB 45 80 73 C6 01 00 00")
        for atr in [CardATR.contactNoHistoricalBytes, .contactExtendedLength, .contactShortLength, .contactVariantA,
                    .contactVariantB, .contactless(index: 0), .contactless(index: 1), .contactless(index: 2),
                    .contactless(index: 3)] {
            // Every registered ATR carries a correct TCK: T0 ... TCK XOR to zero.
            XCTAssertEqual(atr.bytes.dropFirst().reduce(0, ^), 0, hexString(atr.bytes))
        }
    }

    func testCertificatePaddingFollowsTheDER() throws {
        let padding = SimulatorConfiguration.CertificatePadding(byte: 0xFF, count: 100)
        let (card, der) = try cardAtAuthCertificate(SimulatorConfiguration(certificatePadding: padding))
        let all = readAll(card, size: der.count + 100)
        XCTAssertEqual(Array(all.prefix(der.count)), der)
        XCTAssertEqual(Array(all.suffix(100)), [UInt8](repeating: 0xFF, count: 100))
        XCTAssertEqual(card.contents(ofEF: 0x000A, inApplet: JPKIApplet.aid)?.count, der.count + 100)
    }
}

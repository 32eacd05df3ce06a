//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import MynaSimulator
import MynaSpec
import SmartCard
import XCTest

/// InMemoryTransport, SimulatorConfiguration validation and the malformed-response faults.
final class TransportAndConfigurationTests: XCTestCase {
    func testTransportPowersOnCountsAndForwards() throws {
        let card = try VirtualMyNumberCard(pki: Fixture.pki())
        let transport = InMemoryTransport(card: card)
        let asTransport: any CardTransport = transport
        XCTAssertEqual(asTransport.atr, card.atr)
        XCTAssertEqual(asTransport.maxAPDUDataSize, 0)
        XCTAssertEqual(try asTransport.transmit(hex(Fixture.selectJPKI)), [0x90, 0x00])
        XCTAssertEqual(try transport.transmit(hex(Fixture.selectEF("00 06"))), [0x90, 0x00])
        XCTAssertEqual(transport.apduCount, 2)
    }

    func testShortOnlyReaderRefusesExtendedAPDUs() throws {
        let configuration = SimulatorConfiguration(extendedLength: true)
        let card = try VirtualMyNumberCard(configuration: configuration, pki: Fixture.pki())
        let transport = InMemoryTransport(card: card, maxAPDUDataSize: 0)
        XCTAssertEqual(try transport.transmit(hex(Fixture.selectJPKI)), [0x90, 0x00])
        XCTAssertThrowsError(try transport.transmit(hex("00 B0 8A 00 00 00 00"))) { error in
            XCTAssertEqual((error as? SimulatorError)?.code, .readerCannotCarryAPDU)
        }
        XCTAssertEqual(transport.apduCount, 1)
        transport.maxAPDUDataSize = 65536
        let response = try transport.transmit(hex("00 B0 8A 00 00 00 00"))
        XCTAssertEqual(Array(response.dropLast(2)), try Fixture.pki().authCertificate)
        transport.maxAPDUDataSize = 8
        XCTAssertThrowsError(try transport.transmit(hex("00 A4 04 0C 00 00 0A D3 92 F0 00 26 01 00 00 00 01")))
    }

    func testResetAndRemove() throws {
        let card = try VirtualMyNumberCard(pki: Fixture.pki())
        let transport = InMemoryTransport(card: card)
        XCTAssertEqual(try transport.transmit(hex(Fixture.selectJPKI)), [0x90, 0x00])
        XCTAssertEqual(try transport.transmit(hex(Fixture.selectEF("00 06"))), [0x90, 0x00])
        transport.reset()
        XCTAssertEqual(try transport.transmit(hex("00 B0 00 00 01")), [0x69, 0x86])
        transport.remove()
        XCTAssertTrue(transport.isRemoved)
        XCTAssertEqual(transport.atr, [])
        XCTAssertThrowsError(try transport.transmit(hex(Fixture.selectJPKI))) { error in
            XCTAssertEqual((error as? SimulatorError)?.code, .cardRemoved)
        }
        XCTAssertThrowsError(try transport.transmit(hex(Fixture.selectJPKI)))
        transport.insert()
        XCTAssertEqual(try transport.transmit(hex(Fixture.selectJPKI)), [0x90, 0x00])
    }

    func testMyNumberCheckDigit() {
        // The card validates its My Number with MynaSpec's rule; this pins that rule as the card relies on it.
        // Weights 6 5 4 3 2 7 6 5 4 3 2 give 212 for 12345678901; 212 mod 11 = 3, check digit 11 - 3 = 8.
        XCTAssertEqual(MyNumberCheckDigit.of("12345678901".utf8), 8)
        XCTAssertTrue(MyNumberCheckDigit.isValid("123456789018"))
        XCTAssertFalse(MyNumberCheckDigit.isValid("123456789011"))
        // A number published as a worked example of the ordinance's rule.
        XCTAssertTrue(MyNumberCheckDigit.isValid("983205673214"))
        XCTAssertFalse(MyNumberCheckDigit.isValid("12345678901"))
        XCTAssertFalse(MyNumberCheckDigit.isValid("12345678901A"))
        XCTAssertNil(MyNumberCheckDigit.of("1234567890".utf8))
        XCTAssertEqual(MyNumberCheckDigit.of("00000000000".utf8), 0)
        // And the card refuses a configuration whose number fails it, and takes one that passes.
        XCTAssertNoThrow(try SimulatorConfiguration(myNumber: "983205673214").validate())
    }

    func testInvalidConfigurationsAreRejected() {
        let invalid: [SimulatorConfiguration] = [
            SimulatorConfiguration(myNumber: "123456789011"),
            SimulatorConfiguration(authPIN: "123"),
            SimulatorConfiguration(authPIN: "12a4"),
            SimulatorConfiguration(signPIN: "abc123"),
            SimulatorConfiguration(signPIN: "ABC12"),
            SimulatorConfiguration(signPIN: "ABCDEFGHIJ1234567"),
            SimulatorConfiguration(cardInfoPIN: "12345"),
            SimulatorConfiguration(authPINTries: 4),
            SimulatorConfiguration(signPINTries: -1),
            SimulatorConfiguration(identity: Identity(name: "A", address: "B", birthDate: "1985041", sex: .male)),
            SimulatorConfiguration(identity: Identity(name: "A", address: "B", birthDate: "19851341", sex: .male)),
            SimulatorConfiguration(faults: .init(getResponseThreshold: -1)),
            SimulatorConfiguration(atr: .custom([0x3B])),
        ]
        for configuration in invalid {
            XCTAssertThrowsError(try VirtualMyNumberCard(configuration: configuration, pki: Fixture.pki())) { error in
                XCTAssertEqual((error as? SimulatorError)?.code, .invalidConfiguration)
            }
        }
        XCTAssertNoThrow(try SimulatorConfiguration(signPIN: "ABCDEFGHIJ123456").validate())
    }

    // MARK: - Malformed responses

    func testOneByteReadBinary() throws {
        let card = try Fixture.card(SimulatorConfiguration(faults: .init(malformedResponses: [.oneByteReadBinary])))
        exchange(card, Fixture.selectJPKI, "90 00")
        exchange(card, Fixture.selectEF("00 0A"), "90 00")
        exchange(card, "00 B0 00 00 04", "90")
    }

    func testCertificateLengthOverstated() throws {
        let card = try Fixture.card(
            SimulatorConfiguration(faults: .init(malformedResponses: [.certificateLengthOverstated]))
        )
        let der = try Fixture.pki().authCertificate
        exchange(card, Fixture.selectJPKI, "90 00")
        exchange(card, Fixture.selectEF("00 0A"), "90 00")
        let header = exchange(card, "00 B0 00 00 04", sw: "90 00")
        XCTAssertEqual(Int(header[2]) << 8 | Int(header[3]), der.count - 4 + 16)
        // The EF ends where the real certificate ends.
        let offset = der.count - 4
        exchange(card, "00 B0 " + hexString([UInt8(offset >> 8), UInt8(offset & 0xFF)]) + " 14",
                 hexString(Array(der.suffix(4))) + " 62 82")
    }

    func testEndlessGetResponse() throws {
        let card = try Fixture.card(SimulatorConfiguration(faults: .init(malformedResponses: [.endlessGetResponse])))
        exchange(card, Fixture.selectJPKI, "90 00")
        exchange(card, Fixture.selectEF("00 06"), "90 00")
        exchange(card, "00 B0 00 00 04", "61 10")
        for _ in 0..<20 {
            exchange(card, "00 C0 00 00 10", "4A 50 4B 49 4A 50 4B 49 4A 50 4B 49 4A 50 4B 49 61 10")
        }
    }

    func testShortSignature() throws {
        let card = try Fixture.card(SimulatorConfiguration(faults: .init(malformedResponses: [.shortSignature])))
        exchange(card, Fixture.selectJPKI, "90 00")
        exchange(card, Fixture.selectEF("00 18"), "90 00")
        exchange(card, Fixture.verify("1234"), "90 00")
        exchange(card, Fixture.selectEF("00 17"), "90 00")
        let response = exchange(card, "80 2A 00 80 04 01 02 03 04 00", sw: "90 00")
        XCTAssertEqual(response.count, 257)
    }
}

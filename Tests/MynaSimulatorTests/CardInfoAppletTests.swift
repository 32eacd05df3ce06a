//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import MynaSimulator
import XCTest

/// The card-info input support applet (券面事項入力補助AP).
final class CardInfoAppletTests: XCTestCase {
    func testMyNumberAndAttributesNeedThePIN() throws {
        let card = try Fixture.card()
        exchange(card, Fixture.selectCardInfo, "90 00")
        exchange(card, Fixture.selectEF("00 01"), "90 00")
        exchange(card, "00 B0 00 00 11", "69 82")
        exchange(card, Fixture.selectEF("00 02"), "90 00")
        exchange(card, "00 B0 00 00 07", "69 82")
        exchange(card, Fixture.selectEF("00 11"), "90 00")
        exchange(card, "00 20 00 80", "63 C3")
        exchange(card, Fixture.verify("0000"), "63 C2")
        exchange(card, Fixture.verify("1234"), "90 00")
        exchange(card, Fixture.selectEF("00 01"), "90 00")
        // FF 10 0C + "123456789018" + FF FF: the 17 bytes peers read.
        exchange(card, "00 B0 00 00 11", "FF 10 0C 31 32 33 34 35 36 37 38 39 30 31 38 FF FF 90 00")
        exchange(card, "00 B0 00 00 12", "FF 10 0C 31 32 33 34 35 36 37 38 39 30 31 38 FF FF 62 82")
        // JPKI verification does not carry over to this applet.
        exchange(card, Fixture.selectJPKI, "90 00")
        exchange(card, Fixture.selectCardInfo, "90 00")
        exchange(card, Fixture.selectEF("00 01"), "90 00")
        exchange(card, "00 B0 00 00 11", "69 82")
    }

    func testBasicFourAttributes() throws {
        let identity = Identity(
            name: "山田 太郎",
            address: "北海道札幌市中央区北一条西2丁目",
            birthDate: "20010203",
            sex: .male
        )
        let card = try Fixture.card(
            SimulatorConfiguration(cardInfoPIN: "4321", myNumber: "000000000019", identity: identity)
        )
        exchange(card, Fixture.selectCardInfo, "90 00")
        exchange(card, Fixture.selectEF("00 11"), "90 00")
        exchange(card, Fixture.verify("4321"), "90 00")
        exchange(card, Fixture.selectEF("00 01"), "90 00")
        exchange(card, "00 B0 00 00 11", "FF 10 0C 30 30 30 30 30 30 30 30 30 30 31 39 FF FF 90 00")
        exchange(card, Fixture.selectEF("00 02"), "90 00")

        // The 7-byte header read that MYNA and JRS do: FF 20 82 HH LL then DF 21.
        let header = exchange(card, "00 B0 00 00 07", sw: "90 00")
        XCTAssertEqual(Array(header.prefix(3)), [0xFF, 0x20, 0x82])
        XCTAssertEqual(Array(header[5..<7]), [0xDF, 0x21])
        let length = Int(header[3]) << 8 | Int(header[4])
        let all = readAll(card, size: 5 + length)
        exchange(card, "00 B0 " + hexString([UInt8((5 + length) >> 8), UInt8((5 + length) & 0xFF)]) + " 01", "6B 00")

        let name = Array(identity.name.utf8)
        let address = Array(identity.address.utf8)
        var expectedValue: [UInt8] = [0xDF, 0x21, 0x08]
        let nameTLV = [0xDF, 0x22, UInt8(name.count)] + name
        let addressTLV = [0xDF, 0x23, UInt8(address.count)] + address
        let birthTLV: [UInt8] = [0xDF, 0x24, 0x08] + Array("20010203".utf8)
        let sexTLV: [UInt8] = [0xDF, 0x25, 0x01, 0x31]
        var offset = 11
        for tlv in [nameTLV, addressTLV, birthTLV, sexTLV] {
            expectedValue += [UInt8(offset >> 8), UInt8(offset & 0xFF)]
            offset += tlv.count
        }
        expectedValue += nameTLV + addressTLV + birthTLV + sexTLV
        let expected = [0xFF, 0x20, 0x82, UInt8(expectedValue.count >> 8), UInt8(expectedValue.count & 0xFF)]
            + expectedValue
        XCTAssertEqual(hexString(all), hexString(expected))
    }

    func testCardInfoPINBlocks() throws {
        let card = try Fixture.card()
        exchange(card, Fixture.selectCardInfo, "90 00")
        exchange(card, Fixture.selectEF("00 11"), "90 00")
        exchange(card, Fixture.verify("1111"), "63 C2")
        exchange(card, Fixture.verify("2222"), "63 C1")
        exchange(card, Fixture.verify("3333"), "63 C0")
        exchange(card, Fixture.verify("1234"), "69 83")
        exchange(card, "00 20 00 80", "69 83")
        XCTAssertEqual(card.triesLeft(.cardInfo), 0)
        // The JPKI PINs are separate.
        XCTAssertEqual(card.triesLeft(.authentication), 3)
    }
}

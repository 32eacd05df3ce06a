//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

@testable import MynaCard
import MynaSimulator
import SmartCard
import XCTest

final class CardInfoApplicationTests: XCTestCase {
    func testMyNumberAndAttributes() throws {
        let (card, transport, _) = try Fixture.session()
        let (number, attributes) = try card.cardInfo.read(pin: PIN(kind: .cardInfo, "1234"))
        XCTAssertEqual(number.digits, "123456789018")
        XCTAssertEqual(attributes.name, Identity.sample.name)
        XCTAssertEqual(attributes.address, Identity.sample.address)
        XCTAssertEqual(attributes.birthDate, "19850412")
        XCTAssertEqual(attributes.sex, .female)
        XCTAssertEqual(
            Array(transport.hex.prefix(6)),
            [
                Fixture.selectCardInfo, Fixture.selectEF("00 11"), "00 20 00 80", "00 20 00 80 04 31 32 33 34",
                Fixture.selectEF("00 01"), "00 B0 00 00 00",
            ])
        // My Number: 1 read; attributes: SELECT + ceil(n/256) reads.
        XCTAssertEqual(transport.hex[6], Fixture.selectEF("00 02"))
        XCTAssertFalse(String(describing: number).contains("1234567890"), "the number is never printed")
    }

    func testReadingWithoutThePINIsRefusedByTheCard() throws {
        let (card, _, _) = try Fixture.session()
        XCTAssertThrowsError(try card.cardInfo.readMyNumber()) { error in
            XCTAssertEqual((error as? MynaCardError)?.code, .securityStatusNotSatisfied)
        }
    }

    func testCheckDigitFollowsTheOrdinance() throws {
        // Weights 6 5 4 3 2 7 6 5 4 3 2 from the left (総務省令第八十五号 第五条).
        XCTAssertEqual(MyNumber.checkDigit(of: [1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]), 8)
        XCTAssertNoThrow(try MyNumber("123456789018"))
        XCTAssertNoThrow(try MyNumber("983205673214"))
        XCTAssertThrowsError(try MyNumber("123456789011"))
        XCTAssertThrowsError(try MyNumber("12345678901"))
        XCTAssertThrowsError(try MyNumber("12345678901X"))
    }

    func testDecodersRejectMalformedData() {
        // Wrong check digit from the card is an error, not a number.
        XCTAssertThrowsError(try CardInfoApplicationTestsBridge.decodeMyNumber(
            [0xFF, 0x10, 0x0C] + Array("123456789011".utf8)))
        // Truncated TLV.
        XCTAssertThrowsError(try CardInfoApplicationTestsBridge.decodeMyNumber([0xFF, 0x10, 0x0C, 0x31]))
        // Attributes without a name.
        let noName: [UInt8] = [0xFF, 0x20, 0x0C, 0xDF, 0x24, 0x08] + Array("19850412".utf8)
        XCTAssertThrowsError(try CardInfoApplicationTestsBridge.decodeAttributes(noName))
        // Invalid UTF-8 in the name.
        let badName: [UInt8] = [0xFF, 0x20, 0x15, 0xDF, 0x22, 0x02, 0xC3, 0x28, 0xDF, 0x23, 0x01, 0x41,
            0xDF, 0x24, 0x08] + Array("19850412".utf8) + [0xDF, 0x25, 0x01, 0x31]
        XCTAssertThrowsError(try CardInfoApplicationTestsBridge.decodeAttributes(Array(badName.prefix(2)) + [UInt8(badName.count - 3)] + badName.dropFirst(3)))
    }

    func testPINFormatsAreValidated() throws {
        XCTAssertThrowsError(try PIN(kind: .authentication, "123"))
        XCTAssertThrowsError(try PIN(kind: .authentication, "12345"))
        XCTAssertThrowsError(try PIN(kind: .cardInfo, "12a4"))
        XCTAssertThrowsError(try PIN(kind: .signing, "ABC12"))
        XCTAssertThrowsError(try PIN(kind: .signing, "ABC-123"))
        XCTAssertThrowsError(try PIN(kind: .signing, String(repeating: "A", count: 17)))
        XCTAssertNoThrow(try PIN(kind: .signing, "abc123"))
        var line = Array("1234\n".utf8)
        let pin = try PIN(kind: .authentication, consuming: &line)
        XCTAssertEqual(line, [0, 0, 0, 0, 0], "the source buffer is wiped")
        XCTAssertEqual("\(pin)", "PIN(<redacted>)")
        pin.wipe()
        XCTAssertTrue(pin.isWiped)
    }
}

/// Exposes the decoders for malformed-data tests.
enum CardInfoApplicationTestsBridge {
    static func decodeMyNumber(_ bytes: [UInt8]) throws -> MyNumber { try CardInfoApplication.decodeMyNumber(bytes) }
    static func decodeAttributes(_ bytes: [UInt8]) throws -> BasicAttributes {
        try CardInfoApplication.decodeAttributes(bytes)
    }
}

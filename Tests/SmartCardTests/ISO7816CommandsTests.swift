//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import SmartCard
import XCTest

/// The named ISO 7816-4 constructors give exactly the bytes the card flows have always sent, and refuse what cannot
/// be encoded.
final class ISO7816CommandsTests: XCTestCase {
    let jpkiAID: [UInt8] = [0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01]

    func testSelect() throws {
        XCTAssertEqual(try CommandAPDU.selectApplication(aid: jpkiAID).bytes, [0x00, 0xA4, 0x04, 0x0C, 0x0A] + jpkiAID)
        XCTAssertEqual(CommandAPDU.selectEF(0x000A).bytes, [0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x0A])
        XCTAssertEqual(CommandAPDU.selectEF(0x1B2C).bytes, [0x00, 0xA4, 0x02, 0x0C, 0x02, 0x1B, 0x2C])
        XCTAssertEqual(CommandAPDU.selectEF(0x0018).commandCase, .case3)
        for bad in [[], [UInt8](repeating: 0xA0, count: 17)] {
            XCTAssertThrowsError(try CommandAPDU.selectApplication(aid: bad)) {
                XCTAssertEqual(($0 as? CardError)?.code, .invalidCommand)
            }
        }
    }

    func testReadBinaryByOffsetShortAndExtendedLe() throws {
        XCTAssertEqual(try CommandAPDU.readBinary(offset: 0, expectedLength: 256).bytes, [0x00, 0xB0, 0x00, 0x00, 0x00])
        XCTAssertEqual(try CommandAPDU.readBinary(offset: 0, expectedLength: 32).bytes, [0x00, 0xB0, 0x00, 0x00, 0x20])
        XCTAssertEqual(
            try CommandAPDU.readBinary(offset: 0x0300, expectedLength: 0x5A).bytes, [0x00, 0xB0, 0x03, 0x00, 0x5A])
        XCTAssertEqual(
            try CommandAPDU.readBinary(offset: 0x7FFF, expectedLength: 1).bytes, [0x00, 0xB0, 0x7F, 0xFF, 0x01])
        // Above 256 the Le is extended; 65536 is 00 00 00.
        XCTAssertEqual(
            try CommandAPDU.readBinary(offset: 0x0100, expectedLength: 0x0480).bytes,
            [0x00, 0xB0, 0x01, 0x00, 0x00, 0x04, 0x80])
        XCTAssertEqual(
            try CommandAPDU.readBinary(offset: 0, expectedLength: 65536).bytes, [0x00, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x00])
        XCTAssertEqual(
            try CommandAPDU.readBinary(offset: 0, expectedLength: 16, forceExtended: true).bytes,
            [0x00, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x10])
        XCTAssertNil(try CommandAPDU.readBinary(offset: 0x1000, expectedLength: 1).shortEFIdentifier)
        for (offset, ne) in [(-1, 1), (0x8000, 1), (0, 0), (0, 65537)] {
            XCTAssertThrowsError(try CommandAPDU.readBinary(offset: offset, expectedLength: ne), "\(offset) \(ne)") {
                XCTAssertEqual(($0 as? CardError)?.code, .invalidCommand)
            }
        }
    }

    func testReadBinaryByShortEFIdentifier() throws {
        let whole = try CommandAPDU.readBinary(shortEFIdentifier: 0x0A, expectedLength: 65536)
        XCTAssertEqual(whole.bytes, [0x00, 0xB0, 0x8A, 0x00, 0x00, 0x00, 0x00])
        XCTAssertEqual(whole.shortEFIdentifier, 0x0A)
        XCTAssertEqual(
            try CommandAPDU.readBinary(shortEFIdentifier: 0x01, offset: 0x10, expectedLength: 256).bytes,
            [0x00, 0xB0, 0x81, 0x10, 0x00])
        XCTAssertEqual(
            try CommandAPDU.readBinary(shortEFIdentifier: 30, expectedLength: 4096).bytes,
            [0x00, 0xB0, 0x9E, 0x00, 0x00, 0x10, 0x00])
        for (sfi, offset) in [(UInt8(0), 0), (31, 0), (1, 256), (1, -1)] {
            XCTAssertThrowsError(
                try CommandAPDU.readBinary(shortEFIdentifier: sfi, offset: offset, expectedLength: 1), "\(sfi) \(offset)"
            ) { XCTAssertEqual(($0 as? CardError)?.code, .invalidCommand) }
        }
    }

    func testVerifyWithAndWithoutData() throws {
        let verify = try CommandAPDU.verify(reference: 0x80, pin: Array("1234".utf8))
        XCTAssertEqual(verify.bytes, [0x00, 0x20, 0x00, 0x80, 0x04, 0x31, 0x32, 0x33, 0x34])
        XCTAssertTrue(verify.isPINCommand)
        let status = CommandAPDU.verifyStatus(reference: 0x80)
        XCTAssertEqual(status.bytes, [0x00, 0x20, 0x00, 0x80])
        XCTAssertEqual(status.commandCase, .case1)
        XCTAssertTrue(status.isPINCommand)
        // An empty PIN would turn VERIFY into the status question: refused, as is one that needs an extended Lc.
        for bad in [[], [UInt8](repeating: 0x31, count: 256)] {
            XCTAssertThrowsError(try CommandAPDU.verify(reference: 0x80, pin: bad)) {
                XCTAssertEqual(($0 as? CardError)?.code, .invalidCommand)
            }
        }
    }

    func testGetResponseTakesTheLogicalChannelOfTheCommand() throws {
        XCTAssertEqual(try CommandAPDU.getResponse(expectedLength: 3).bytes, [0x00, 0xC0, 0x00, 0x00, 0x03])
        XCTAssertEqual(try CommandAPDU.getResponse(expectedLength: 256).bytes, [0x00, 0xC0, 0x00, 0x00, 0x00])
        let onChannel2 = try CommandAPDU(cla: 0x02, ins: 0xB0, p1: 0, p2: 0, expectedLength: 256)
        XCTAssertEqual(
            try CommandAPDU.getResponse(expectedLength: 0x10, answering: onChannel2).bytes,
            [0x02, 0xC0, 0x00, 0x00, 0x10])
        let proprietary = try CommandAPDU(cla: 0x80, ins: 0x2A, p1: 0, p2: 0x80, data: [1], expectedLength: 256)
        XCTAssertEqual(try CommandAPDU.getResponse(expectedLength: 2, answering: proprietary).cla, 0x00)
        XCTAssertThrowsError(try CommandAPDU.getResponse(expectedLength: 0))
        XCTAssertThrowsError(try CommandAPDU.getResponse(expectedLength: 257))
    }

    func testEachCommandKnowsItsExpectedAnswers() throws {
        XCTAssertEqual(CommandAPDU.selectEF(1).kind, .select)
        XCTAssertEqual(try CommandAPDU.readBinary(offset: 0, expectedLength: 1).kind, .readBinary)
        XCTAssertEqual(CommandAPDU.verifyStatus(reference: 0x80).kind, .verify)
        XCTAssertEqual(try CommandAPDU.getResponse(expectedLength: 1).kind, .getResponse)
        // A proprietary class is no interindustry command, whatever its INS.
        XCTAssertNil(try CommandAPDU(cla: 0x80, ins: 0x2A, p1: 0, p2: 0x80, data: [1]).kind)
        XCTAssertEqual(try CommandAPDU(ins: 0x2A, p1: 0x9E, p2: 0x9A, data: [1]).kind, .performSecurityOperation)

        // The same status word means something more precise for one command.
        XCTAssertEqual(CommandAPDU.Kind.readBinary.meaning(of: .offsetOutsideEF), "offset outside the EF")
        XCTAssertEqual(CommandAPDU.Kind.select.meaning(of: .fileNotFound), "no such application or file")
        // Families: 63 Cx for VERIFY, 61 xx and 6C xx for READ BINARY.
        XCTAssertNotNil(CommandAPDU.Kind.verify.responseStatus(for: StatusWord(sw1: 0x63, sw2: 0xC2)))
        XCTAssertNil(CommandAPDU.Kind.verify.responseStatus(for: StatusWord(sw1: 0x63, sw2: 0x00)))
        XCTAssertNotNil(CommandAPDU.Kind.readBinary.responseStatus(for: StatusWord(sw1: 0x6C, sw2: 0x12)))
        XCTAssertNotNil(CommandAPDU.Kind.readBinary.responseStatus(for: StatusWord(sw1: 0x61, sw2: 0x00)))
        // An answer outside the table falls back to the general meaning.
        XCTAssertNil(CommandAPDU.Kind.select.responseStatus(for: .securityStatusNotSatisfied))
        XCTAssertEqual(CommandAPDU.Kind.select.meaning(of: .securityStatusNotSatisfied), "security status not satisfied")
        XCTAssertEqual(
            "\(CommandAPDU.Kind.verify.responseStatuses[1])", "63 Cx: wrong PIN or, without data, the tries left")
        XCTAssertEqual("\(ResponseStatus.bytesRemaining)", "61 xx: more response bytes wait for GET RESPONSE")
        XCTAssertEqual("\(CommandAPDU.Kind.select.responseStatuses[0])", "90 00: selected")
    }

    func testTheTwoP1P2StatusWordsHaveNamesThatCannotBeMixedUp() {
        XCTAssertEqual(StatusWord.incorrectParametersP1P2.rawValue, 0x6A86)
        XCTAssertEqual(StatusWord.offsetOutsideEF.rawValue, 0x6B00)
        XCTAssertEqual(StatusWord.offsetOutsideEF.meaning, "wrong parameters P1-P2 (offset outside the EF)")
    }

    @available(*, deprecated)
    func testTheOldP1P2NamesStillWork() {
        XCTAssertEqual(StatusWord.incorrectP1P2, .incorrectParametersP1P2)
        XCTAssertEqual(StatusWord.wrongP1P2, .offsetOutsideEF)
    }
}

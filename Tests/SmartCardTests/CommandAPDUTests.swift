//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import SmartCard
import XCTest

final class CommandAPDUTests: XCTestCase {
    func testCase1() throws {
        let apdu = try CommandAPDU(ins: 0x20, p1: 0x00, p2: 0x80)
        XCTAssertEqual(apdu.bytes, [0x00, 0x20, 0x00, 0x80])
        XCTAssertEqual(apdu.commandCase, .case1)
        XCTAssertFalse(apdu.isExtended)
    }

    func testCase2Short() throws {
        XCTAssertEqual(try CommandAPDU(ins: 0xB0, p1: 0, p2: 0, expectedLength: 1).bytes, [0x00, 0xB0, 0x00, 0x00, 0x01])
        XCTAssertEqual(try CommandAPDU(ins: 0xB0, p1: 0, p2: 0, expectedLength: 255).bytes, [0x00, 0xB0, 0x00, 0x00, 0xFF])
        // Ne = 256 is Le = 00.
        XCTAssertEqual(try CommandAPDU(ins: 0xB0, p1: 0, p2: 0, expectedLength: 256).bytes, [0x00, 0xB0, 0x00, 0x00, 0x00])
    }

    func testCase2Extended() throws {
        XCTAssertEqual(
            try CommandAPDU(ins: 0xB0, p1: 0x8A, p2: 0, expectedLength: 257).bytes,
            [0x00, 0xB0, 0x8A, 0x00, 0x00, 0x01, 0x01])
        // Ne = 65536 is 00 00 00.
        XCTAssertEqual(
            try CommandAPDU(ins: 0xB0, p1: 0x8A, p2: 0, expectedLength: 65536).bytes,
            [0x00, 0xB0, 0x8A, 0x00, 0x00, 0x00, 0x00])
        XCTAssertEqual(
            try CommandAPDU(ins: 0xB0, p1: 0, p2: 0, expectedLength: 16, forceExtended: true).bytes,
            [0x00, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x10])
    }

    func testCase3ShortAndExtended() throws {
        let aid: [UInt8] = [0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01]
        XCTAssertEqual(
            try CommandAPDU(ins: 0xA4, p1: 0x04, p2: 0x0C, data: aid).bytes,
            [0x00, 0xA4, 0x04, 0x0C, 0x0A] + aid)
        let big = [UInt8](repeating: 0xAB, count: 300)
        let apdu = try CommandAPDU(ins: 0xDA, p1: 0, p2: 0, data: big)
        XCTAssertEqual(Array(apdu.bytes.prefix(7)), [0x00, 0xDA, 0x00, 0x00, 0x00, 0x01, 0x2C])
        XCTAssertEqual(apdu.bytes.count, 7 + 300)
        XCTAssertEqual(apdu.commandCase, .case3)
    }

    func testCase4ShortAndExtended() throws {
        let digestInfo = [UInt8](repeating: 0x11, count: 51)
        let sign = try CommandAPDU(cla: 0x80, ins: 0x2A, p1: 0x00, p2: 0x80, data: digestInfo, expectedLength: 256)
        XCTAssertEqual(sign.bytes, [0x80, 0x2A, 0x00, 0x80, 0x33] + digestInfo + [0x00])
        XCTAssertEqual(sign.commandCase, .case4)
        let extended = try CommandAPDU(ins: 0x2A, p1: 0x9E, p2: 0x9A, data: [1, 2, 3], expectedLength: 65536)
        XCTAssertEqual(extended.bytes, [0x00, 0x2A, 0x9E, 0x9A, 0x00, 0x00, 0x03, 1, 2, 3, 0x00, 0x00])
        let extendedByData = try CommandAPDU(ins: 0x2A, p1: 0, p2: 0, data: [UInt8](repeating: 7, count: 256), expectedLength: 2)
        XCTAssertEqual(Array(extendedByData.bytes.suffix(2)), [0x00, 0x02])
        XCTAssertEqual(Array(extendedByData.bytes.prefix(7)), [0x00, 0x2A, 0x00, 0x00, 0x00, 0x01, 0x00])
    }

    func testInvalidCommandsAreRejected() {
        XCTAssertThrowsError(try CommandAPDU(ins: 0xB0, p1: 0, p2: 0, expectedLength: 0))
        XCTAssertThrowsError(try CommandAPDU(ins: 0xB0, p1: 0, p2: 0, expectedLength: 65537))
        XCTAssertThrowsError(try CommandAPDU(ins: 0xD6, p1: 0, p2: 0, data: [UInt8](repeating: 0, count: 65536)))
    }

    func testDecodingRoundTripsEveryCase() throws {
        let samples: [CommandAPDU] = [
            try CommandAPDU(ins: 0x20, p1: 0, p2: 0x80),
            try CommandAPDU(ins: 0xB0, p1: 0, p2: 0, expectedLength: 256),
            try CommandAPDU(ins: 0xB0, p1: 0x8A, p2: 0, expectedLength: 65536),
            try CommandAPDU(ins: 0xA4, p1: 2, p2: 0x0C, data: [0x00, 0x0A]),
            try CommandAPDU(ins: 0xDA, p1: 0, p2: 0, data: [UInt8](repeating: 1, count: 400)),
            try CommandAPDU(cla: 0x80, ins: 0x2A, p1: 0, p2: 0x80, data: [1, 2], expectedLength: 256),
            try CommandAPDU(ins: 0x2A, p1: 0, p2: 0, data: [UInt8](repeating: 2, count: 300), expectedLength: 1000),
        ]
        for apdu in samples {
            let decoded = try CommandAPDU(bytes: apdu.bytes)
            XCTAssertEqual(decoded.bytes, apdu.bytes)
            XCTAssertEqual(decoded.data, apdu.data)
            XCTAssertEqual(decoded.expectedLength, apdu.expectedLength)
        }
    }

    func testDecodingRejectsInconsistentLengths() {
        XCTAssertThrowsError(try CommandAPDU(bytes: [0x00, 0xA4, 0x04]))  // too short
        XCTAssertThrowsError(try CommandAPDU(bytes: [0x00, 0xA4, 0x04, 0x0C, 0x05, 0x01]))  // Lc 5, 1 byte
        XCTAssertThrowsError(try CommandAPDU(bytes: [0x00, 0xA4, 0x04, 0x0C, 0x00, 0x01]))  // short Lc 0
        XCTAssertThrowsError(try CommandAPDU(bytes: [0x00, 0xA4, 0x04, 0x0C, 0x00, 0x00, 0x05, 0x01]))  // ext Lc 5
        XCTAssertThrowsError(try CommandAPDU(bytes: [0x00, 0xA4, 0x04, 0x0C, 0x02, 0x01, 0x02, 0x03, 0x04]))
    }

    func testResponseNeedsAStatusWord() throws {
        XCTAssertThrowsError(try ResponseAPDU(bytes: [])) { error in
            XCTAssertEqual((error as? CardError)?.code, .malformedResponse)
        }
        XCTAssertThrowsError(try ResponseAPDU(bytes: [0x90]))
        let sw = try ResponseAPDU(bytes: [0x90, 0x00])
        XCTAssertEqual(sw.data, [])
        XCTAssertTrue(sw.statusWord.isSuccess)
        let data = try ResponseAPDU(bytes: [0x01, 0x02, 0x62, 0x82])
        XCTAssertEqual(data.data, [0x01, 0x02])
        XCTAssertEqual(data.statusWord, .endOfFileReached)
        XCTAssertEqual(data.bytes, [0x01, 0x02, 0x62, 0x82])
    }

    func testStatusWordMeanings() {
        XCTAssertEqual(StatusWord(sw1: 0x63, sw2: 0xC2).triesRemaining, 2)
        XCTAssertEqual(StatusWord(sw1: 0x63, sw2: 0xC0).triesRemaining, 0)
        XCTAssertNil(StatusWord(sw1: 0x63, sw2: 0x00).triesRemaining)
        XCTAssertEqual(StatusWord(sw1: 0x61, sw2: 0x00).bytesRemaining, 256)
        XCTAssertEqual(StatusWord(sw1: 0x61, sw2: 0x10).bytesRemaining, 16)
        XCTAssertEqual(StatusWord(sw1: 0x6C, sw2: 0x05).correctLength, 5)
        XCTAssertEqual(StatusWord.fileNotFound.meaning, "file or application not found")
        XCTAssertEqual(StatusWord.securityStatusNotSatisfied.description, "69 82 (security status not satisfied)")
        XCTAssertEqual(StatusWord.authenticationMethodBlocked.meaning, "authentication method blocked")
        XCTAssertEqual(StatusWord(rawValue: 0x6B00).meaning, "wrong parameters P1-P2 (offset outside the EF)")
        XCTAssertEqual(StatusWord(rawValue: 0x6A99).meaning, "wrong parameters P1-P2")
        XCTAssertEqual(StatusWord(rawValue: 0x1234).meaning, "unknown status")
    }

    func testHex() throws {
        XCTAssertEqual(try Hex.decode("3B e0:00 ff"), [0x3B, 0xE0, 0x00, 0xFF])
        XCTAssertEqual(try Hex.decode("0x0102"), [1, 2])
        XCTAssertThrowsError(try Hex.decode("3B E"))
        XCTAssertThrowsError(try Hex.decode("zz"))
        XCTAssertEqual(Hex.encode([0x3B, 0x0A], separator: " "), "3B 0A")
    }
}

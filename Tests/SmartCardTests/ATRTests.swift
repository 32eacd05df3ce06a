//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import SmartCard
import XCTest

/// The My Number card ATRs OpenSC registers (MynaSpec's KnownATRs), and broken ones.
final class ATRTests: XCTestCase {
    func testContactATRWithoutHistoricalBytes() throws {
        let atr = try ATR(hex: "3B E0 00 FF 81 31 FE 45 14")
        XCTAssertEqual(atr.convention, .direct)
        XCTAssertEqual(atr.protocols, [1])
        XCTAssertEqual(atr.historicalBytes, [])
        XCTAssertEqual(atr.ifsc, 0xFE)
        XCTAssertEqual(atr.t1WaitingTimes?.bwi, 4)
        XCTAssertEqual(atr.t1WaitingTimes?.cwi, 5)
        XCTAssertEqual(atr.extraGuardTime, 255)
        XCTAssertEqual(atr.interfaceBytes.first?.tb, 0x00)
        XCTAssertEqual(atr.tck, 0x14)
        XCTAssertEqual(atr.isChecksumValid, true)
        XCTAssertNil(atr.historical)
    }

    func testContactATRAdvertisingExtendedLength() throws {
        let atr = try ATR(hex: "3B DA 13 FF 81 31 FB 46 80 12 39 2F 31 C1 73 C6 01 C0 3B")
        XCTAssertEqual(atr.isChecksumValid, true)
        XCTAssertEqual(atr.clockRateConversion.fi, 372)
        XCTAssertEqual(atr.clockRateConversion.di, 4)
        let historical = try XCTUnwrap(atr.historical)
        XCTAssertEqual(historical.categoryIndicator, 0x80)
        XCTAssertEqual(historical.countryCode, "392")
        XCTAssertEqual(historical.objects.map(\.tag), [1, 3, 7])
        let capabilities = try XCTUnwrap(historical.cardCapabilities)
        XCTAssertTrue(capabilities.selectsByFullDFName)
        XCTAssertTrue(capabilities.selectsByPartialDFName)
        XCTAssertTrue(capabilities.supportsShortEFIdentifier)
        XCTAssertTrue(capabilities.supportsRecordNumber)
        XCTAssertTrue(capabilities.supportsCommandChaining)
        XCTAssertTrue(capabilities.supportsExtendedLength)
    }

    func testContactATRWithoutExtendedLength() throws {
        let atr = try ATR(hex: "3B C5 FF 81 31 FB 45 80 73 C6 01 00 00")
        XCTAssertEqual(atr.isChecksumValid, true)
        let capabilities = try XCTUnwrap(atr.historical?.cardCapabilities)
        XCTAssertTrue(capabilities.supportsShortEFIdentifier)
        XCTAssertFalse(capabilities.supportsExtendedLength)
        XCTAssertFalse(capabilities.supportsCommandChaining)
    }

    func testContactATRsWithProprietaryHistoricalBytes() throws {
        for hex in [
            "3B F5 91 00 FF 91 81 71 FE 40 00 42 00 01 00 D1 D6", "3B F5 91 00 FF 91 81 71 FE 40 00 42 00 01 B3 A1 15",
        ] {
            let atr = try ATR(hex: hex)
            XCTAssertEqual(atr.interfaceBytes.count, 3)
            XCTAssertEqual(atr.interfaceBytes[0].ta, 0x91)
            XCTAssertEqual(atr.interfaceBytes[1].ta, 0x81)
            XCTAssertEqual(atr.ifsc, 0xFE)
            XCTAssertEqual(atr.protocols, [1])
            XCTAssertEqual(atr.historicalBytes.count, 5)
            XCTAssertNil(atr.historical, "historical bytes starting with 42 are proprietary")
            XCTAssertNotNil(atr.isChecksumValid)
        }
    }

    func testContactlessPseudoATRs() throws {
        for hex in [
            "3B 88 80 01 00 00 05 E0 B3 81 A1 00 7F", "3B 88 80 01 00 00 41 E0 B3 81 A1 00 3B",
            "3B 88 80 01 00 4B 51 FF 00 81 D1 00 BC", "3B 88 80 01 00 4B 51 FF B3 81 D1 00 0F",
        ] {
            let atr = try ATR(hex: hex)
            XCTAssertTrue(atr.isContactlessPseudoATR)
            XCTAssertEqual(atr.protocols, [0, 1])
            XCTAssertEqual(atr.historicalBytes.count, 8)
            XCTAssertEqual(atr.tck, atr.bytes.last)
        }
    }

    func testWrongChecksumIsFlagged() throws {
        let atr = try ATR(hex: "3B E0 00 FF 81 31 FE 45 15")
        XCTAssertEqual(atr.isChecksumValid, false)
    }

    func testTruncatedATRsAreRejectedWithTheReason() {
        let cases: [(String, String)] = [
            ("3B", "TS and T0 need 2"),
            ("3B E0 00 FF", "TD1 is announced but missing"),
            ("3B DA 13 FF 81 31 FB 46 80 12 39", "historical bytes"),
            ("3B C5 FF 81 31 FB 45 80 73 C6 01 00", "TCK is required"),
        ]
        for (hex, reason) in cases {
            XCTAssertThrowsError(try ATR(hex: hex), hex) { error in
                XCTAssertEqual((error as? CardError)?.code, .malformedATR)
                XCTAssertTrue("\(error)".contains(reason), "\(hex): \(error)")
            }
        }
    }

    func testMalformedATRsAreRejected() {
        XCTAssertThrowsError(try ATR(bytes: [0x3C, 0x00]))  // unknown TS
        XCTAssertThrowsError(try ATR(bytes: [0x3B] + [UInt8](repeating: 0, count: 33)))  // 34 bytes
        XCTAssertThrowsError(try ATR(bytes: []))
    }

    func testExtraBytesAreReported() throws {
        let atr = try ATR(hex: "3B 00 99")
        XCTAssertEqual(atr.extraBytes, [0x99])
        XCTAssertNil(atr.tck)
        XCTAssertEqual(atr.protocols, [0])
    }

    func testCompactTLVRunningPastTheEndIsAProblemNotACrash() throws {
        let historical = try XCTUnwrap(HistoricalBytes(bytes: [0x80, 0x73, 0xC6]))
        XCTAssertEqual(historical.objects, [])
        XCTAssertEqual(historical.problems.count, 1)
    }
}

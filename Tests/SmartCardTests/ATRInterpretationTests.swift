//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import SmartCard
import XCTest

/// What each byte of an ATR means (the words `mynakit atr` prints), for the registered My Number card ATRs and for
/// ATRs that exercise the other branches.
final class ATRInterpretationTests: XCTestCase {
    private func lines(_ atr: ATR) -> [String] {
        atr.interfaceByteMeanings.map { "\($0.name) = \(Hex.encode([$0.value])) --> \($0.meaning)" }
    }

    func testContactATRWithoutHistoricalBytes() throws {
        let atr = try ATR(hex: "3B E0 00 FF 81 31 FE 45 14")
        XCTAssertEqual(atr.formatByteMeaning, "Y(1): b1110, K: 0 (historical bytes)")
        XCTAssertEqual(
            lines(atr),
            [
                "TB1 = 00 --> VPP is not electrically connected",
                "TC1 = FF --> extra guard time: 255 (minimum, 11 etu / 12 for T=0)",
                "TD1 = 81 --> Y(2): b1000, Protocol T = 1",
                "TD2 = 31 --> Y(3): b11, Protocol T = 1",
                "TA3 = FE --> IFSC: 254",
                "TB3 = 45 --> Block Waiting Integer: 4, Character Waiting Integer: 5",
            ])
        XCTAssertEqual(atr.expectedTCK, 0x14)
        XCTAssertEqual(atr.problems, [])
    }

    func testClockRateConversionAndSpecificModeAndErrorDetection() throws {
        let extended = try ATR(hex: "3B DA 13 FF 81 31 FB 46 80 12 39 2F 31 C1 73 C6 01 C0 3B")
        XCTAssertEqual(
            extended.interfaceByteMeanings.first?.meaning,
            "Fi=372, Di=4, 93 cycles/ETU (43010 bits/s at 4 MHz, fMax 5.0 MHz)")
        XCTAssertEqual(extended.interfaceByteMeanings.first?.name, "TA1")

        let variant = try ATR(hex: "3B F5 91 00 FF 91 81 71 FE 40 00 42 00 01 00 D1 D6")
        let byName = Dictionary(uniqueKeysWithValues: variant.interfaceByteMeanings.map { ($0.name, $0.meaning) })
        XCTAssertEqual(byName["TA1"], "Fi=512, Di=1, 512 cycles/ETU (7812 bits/s at 4 MHz, fMax 5.0 MHz)")
        XCTAssertEqual(byName["TA2"], "specific mode: protocol T=1, unable to change")
        XCTAssertEqual(byName["TC3"], "error detection code: LRC")
        XCTAssertEqual(variant.interfaceByteMeanings.map(\.position), [.ta, .tb, .tc, .td, .ta, .td, .ta, .tb, .tc])
    }

    func testT15ClockStopAndClassAndProgrammingParameters() throws {
        let t15 = try ATR(hex: "3B 9F 96 80 1F C7 80 31 E0 73 FE 21 1B 63 3A 20 4E 83 00 90 00 31")
        XCTAssertEqual(
            lines(t15),
            [
                "TA1 = 96 --> Fi=512, Di=32, 16 cycles/ETU (250000 bits/s at 4 MHz, fMax 5.0 MHz)",
                "TD1 = 80 --> Y(2): b1000, Protocol T = 0",
                "TD2 = 1F --> Y(3): b1, Protocol T = 15",
                "TA3 = C7 --> clock stop no preference, class ABC",
            ])
        XCTAssertEqual(t15.expectedTCK, 0x93)
        XCTAssertEqual(t15.problems, ["WRONG CHECKSUM: TCK is 31, expected 93"])

        let inverse = try ATR(hex: "3F 65 25 00 2C 09 69 90 00")
        XCTAssertEqual(
            lines(inverse),
            ["TB1 = 25 --> programming parameters (deprecated)", "TC1 = 00 --> extra guard time: 0"])
        XCTAssertNil(inverse.expectedTCK, "T=0 only: no TCK")
    }

    func testNoInterfaceBytes() throws {
        let atr = try ATR(hex: "3B 02 14 50")
        XCTAssertEqual(atr.interfaceByteMeanings, [])
        XCTAssertEqual(atr.formatByteMeaning, "Y(1): b0, K: 2 (historical bytes)")
        XCTAssertEqual(atr.problems, [])
    }

    func testWrongChecksum() throws {
        let atr = try ATR(hex: "3B E0 00 FF 81 31 FE 45 15")
        XCTAssertEqual(atr.expectedTCK, 0x14)
        XCTAssertEqual(atr.problems, ["WRONG CHECKSUM: TCK is 15, expected 14"])
    }

    func testExtraBytesAfterTCK() throws {
        let good = try ATR(hex: "3B E0 00 FF 81 31 FE 45 14 00 11")
        XCTAssertEqual(good.problems, ["ATR is too long: 2 extra byte(s) 00 11"])
        // The expected TCK covers T0 up to the byte before TCK, never the bytes after it.
        let bad = try ATR(hex: "3B E0 00 FF 81 31 FE 45 15 00 11")
        XCTAssertEqual(bad.expectedTCK, 0x14)
        XCTAssertEqual(
            bad.problems, ["WRONG CHECKSUM: TCK is 15, expected 14", "ATR is too long: 2 extra byte(s) 00 11"])
    }

    func testHistoricalByteProblemsAreIncluded() throws {
        // Category 80, then a compact-TLV header announcing 5 bytes where 2 remain.
        let atr = try ATR(bytes: [0x3B, 0x04, 0x80, 0x35, 0x01, 0x02])
        let historical = try XCTUnwrap(atr.historical)
        XCTAssertFalse(historical.problems.isEmpty)
        XCTAssertEqual(atr.problems, historical.problems)
    }
}

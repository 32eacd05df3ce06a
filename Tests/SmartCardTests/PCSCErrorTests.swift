//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

@testable import SmartCard
import XCTest

final class PCSCErrorTests: XCTestCase {
    func testNamesAndValues() {
        XCTAssertEqual(PCSCError.noSmartcard.rawValue, 0x8010000C)
        XCTAssertEqual(PCSCError.noSmartcard.name, "SCARD_E_NO_SMARTCARD")
        XCTAssertEqual(PCSCError.commError.name, "SCARD_F_COMM_ERROR")
        XCTAssertEqual(PCSCError.resetCard.name, "SCARD_W_RESET_CARD")
        XCTAssertEqual(PCSCError.unexpected.rawValue, 0x8010001F)
        XCTAssertEqual(PCSCError.unsupportedFeature.name, "SCARD_E_UNSUPPORTED_FEATURE")
        XCTAssertEqual(PCSCError(rawValue: 0x80109999).name, "SCARD_0x80109999")
    }

    func testPolkitDenialNamesTheFix() {
        let text = PCSCError.securityViolation.description
        XCTAssertTrue(text.hasPrefix("SCARD_W_SECURITY_VIOLATION (0x8010006A)"), text)
        XCTAssertTrue(text.contains("polkit"))
        XCTAssertTrue(text.contains("access_pcsc"))
    }

    func testServiceLossAndCardLossClassification() {
        XCTAssertTrue(PCSCError.noService.isServiceLost)
        XCTAssertTrue(PCSCError.commError.isServiceLost)
        XCTAssertFalse(PCSCError.removedCard.isServiceLost)
        XCTAssertTrue(PCSCError.removedCard.isCardGone)
        XCTAssertTrue(PCSCError.noSmartcard.isCardGone)
    }

    func testMaxAPDUDataSizeFromPart10Features() throws {
        // Features: 0x12 (GET_TLV_PROPERTIES) -> control code 0x42330012; properties: tag 10, len 4, 0x00010000 LE.
        let features: [UInt8] = [0x06, 0x04, 0x42, 0x33, 0x00, 0x06, 0x12, 0x04, 0x42, 0x33, 0x00, 0x12]
        var asked: UInt32?
        let size = try CardConnection.maxAPDUDataSize(features: features) { code in
            asked = code
            return [0x01, 0x02, 0x00, 0x00, 0x0A, 0x04, 0x00, 0x00, 0x01, 0x00]
        }
        XCTAssertEqual(asked, 0x42330012)
        XCTAssertEqual(size, 0x10000)
        XCTAssertEqual(try CardConnection.maxAPDUDataSize(features: []) { _ in [] }, 0)
        // A property list that lies about its length is ignored, not read out of bounds.
        XCTAssertEqual(
            try CardConnection.maxAPDUDataSize(features: [0x12, 0x04, 0, 0, 0, 1]) { _ in [0x0A, 0x09, 0x01] }, 0)
    }
}

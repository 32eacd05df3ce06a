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

    /// The values come from pcsclite.h now; these are the ones the rest of MynaKit and its exit codes rely on, as
    /// Microsoft and pcsc-lite publish them.
    func testValuesFromTheHeaderMatchThePublishedOnes() {
        let expected: [(PCSCError, UInt32, String)] = [
            (.internalError, 0x80100001, "SCARD_F_INTERNAL_ERROR"),
            (.cancelled, 0x80100002, "SCARD_E_CANCELLED"),
            (.invalidHandle, 0x80100003, "SCARD_E_INVALID_HANDLE"),
            (.insufficientBuffer, 0x80100008, "SCARD_E_INSUFFICIENT_BUFFER"),
            (.unknownReader, 0x80100009, "SCARD_E_UNKNOWN_READER"),
            (.timeout, 0x8010000A, "SCARD_E_TIMEOUT"),
            (.sharingViolation, 0x8010000B, "SCARD_E_SHARING_VIOLATION"),
            (.commError, 0x80100013, "SCARD_F_COMM_ERROR"),
            (.notTransacted, 0x80100016, "SCARD_E_NOT_TRANSACTED"),
            (.readerUnavailable, 0x80100017, "SCARD_E_READER_UNAVAILABLE"),
            (.shutdown, 0x80100018, "SCARD_P_SHUTDOWN"),
            (.noService, 0x8010001D, "SCARD_E_NO_SERVICE"),
            (.serviceStopped, 0x8010001E, "SCARD_E_SERVICE_STOPPED"),
            (.unexpected, 0x8010001F, "SCARD_E_UNEXPECTED"),
            (.noReadersAvailable, 0x8010002E, "SCARD_E_NO_READERS_AVAILABLE"),
            (.serverTooBusy, 0x80100031, "SCARD_E_SERVER_TOO_BUSY"),
            (.unresponsiveCard, 0x80100066, "SCARD_W_UNRESPONSIVE_CARD"),
            (.resetCard, 0x80100068, "SCARD_W_RESET_CARD"),
            (.removedCard, 0x80100069, "SCARD_W_REMOVED_CARD"),
            (.securityViolation, 0x8010006A, "SCARD_W_SECURITY_VIOLATION"),
            (.cardNotAuthenticated, 0x8010006F, "SCARD_W_CARD_NOT_AUTHENTICATED"),
        ]
        for (error, value, name) in expected {
            XCTAssertEqual(error.rawValue, value, name)
            XCTAssertEqual(error.name, name)
        }
    }

    func testExplanationsComeFromPCSCLiteUnlessWeKnowTheFix() {
        // pcsc_stringify_error's own sentences.
        XCTAssertEqual(PCSCError.sharingViolation.explanation, "Sharing violation.")
        XCTAssertEqual(PCSCError.invalidHandle.explanation, "Invalid handle.")
        // SCARD_F_UNKNOWN_ERROR's text is "Unknown error.", not pcsc-lite's answer for codes it does not know.
        XCTAssertEqual(PCSCError.unknownError.explanation, "Unknown error.")
        // A code pcsc-lite defines but never describes, and one no one defines.
        XCTAssertEqual(PCSCError.wrongCHV.explanation, "a code pcsc-lite defines but does not describe")
        XCTAssertEqual(PCSCError(rawValue: 0x80109999).explanation, "unknown PC/SC error")
        // Ours: what to do.
        XCTAssertTrue(PCSCError.noService.explanation.contains("systemctl start pcscd.socket"))
        XCTAssertEqual(PCSCError.noSmartcard.description, "SCARD_E_NO_SMARTCARD (0x8010000C): no card is in the reader")
        XCTAssertEqual(
            PCSCError.unsupportedFeature.explanation, "the reader or card does not support the requested feature")
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
}

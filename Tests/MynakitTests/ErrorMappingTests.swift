//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import MynaCard
import MynaSimulator
import MynaVerify
import SmartCard
import XCTest

@testable import mynakit

/// The one table from errors to the exit codes and `--json` error codes of the CLI contract.
final class ErrorMappingTests: XCTestCase {
    private func mapped(_ error: any Error) -> (status: Int32, code: String) {
        let failure = CommandFailure(error)
        return (failure.status.rawValue, failure.code)
    }

    func testPCSCErrors() {
        for error in [PCSCError.noService, .commError, .serviceStopped, .securityViolation, .invalidHandle, .noMemory] {
            XCTAssertEqual(mapped(error).status, 69, error.name)
        }
        for error in [PCSCError.noSmartcard, .unknownReader, .noReadersAvailable, .readerUnavailable, .unknownCard,
                      .unsupportedCard, .unresponsiveCard, .unpoweredCard] {
            XCTAssertEqual(mapped(error).status, 3, error.name)
        }
        XCTAssertEqual(mapped(PCSCError.removedCard).status, 6)
        XCTAssertEqual(mapped(PCSCError.resetCard).status, 6)
        XCTAssertEqual(mapped(PCSCError.noService).code, "SCARD_E_NO_SERVICE")
        XCTAssertEqual(CommandFailure(PCSCError.noService).message, PCSCError.noService.description)
    }

    func testCardErrors() {
        XCTAssertEqual(mapped(CardError(.malformedATR, "truncated")).status, 64)
        XCTAssertEqual(mapped(CardError(.invalidHex, "x")).status, 64)
        XCTAssertEqual(mapped(CardError(.invalidCommand, "x")).status, 64)
        XCTAssertEqual(mapped(CardError(.unexpectedStatus, "x")).status, 6)
        XCTAssertEqual(mapped(CardError(.malformedATR, "truncated")).code, CardError.Code.malformedATR.rawValue)
    }

    func testMynaCardErrors() {
        for code in [MynaCardError.Code.invalidPINFormat, .wrongPIN, .pinBlocked, .lastTryRefused] {
            XCTAssertEqual(mapped(MynaCardError(code, "x")).status, 4, code.rawValue)
        }
        XCTAssertEqual(mapped(MynaCardError(.wrongPIN, "x")).code, "wrong-pin")
        XCTAssertEqual(mapped(MynaCardError(.notMyNumberCard, "x")).status, 3)
        XCTAssertEqual(mapped(MynaCardError(.invalidArgument, "x")).status, 64)
        XCTAssertEqual(mapped(MynaCardError(.cardReset, "x")).status, 6)
        XCTAssertEqual(mapped(MynaCardError(.fileNotFound, "x")).status, 6)
    }

    func testMynaVerifyErrors() {
        XCTAssertEqual(mapped(MynaVerifyError(code: .unreadableFile, reason: "x")).status, 64)
        XCTAssertEqual(mapped(MynaVerifyError(code: .noTrustAnchors, reason: "x")).status, 64)
        XCTAssertEqual(mapped(MynaVerifyError(code: .openSSLFailure, reason: "x")).status, 6)
        XCTAssertEqual(mapped(MynaVerifyError(code: .randomGeneratorFailure, reason: "x")).status, 6)
        XCTAssertEqual(mapped(MynaVerifyError(code: .malformedDER, reason: "x")).status, 5)
        XCTAssertEqual(mapped(MynaVerifyError(code: .malformedDER, reason: "x")).code, "malformed-der")
        let withQueue = MynaVerifyError(code: .malformedDER, reason: "bad", openSSLErrors: ["a", "b"])
        XCTAssertEqual(CommandFailure(withQueue).message, "bad (OpenSSL: a; b)")
    }

    func testSimulatorErrors() {
        for code in [SimulatorError.Code.invalidConfiguration, .invalidPKI, .fileSystem] {
            XCTAssertEqual(mapped(SimulatorError(code, "x")).status, 64, code.rawValue)
        }
        XCTAssertEqual(mapped(SimulatorError(.openSSL, "x")).status, 6)
        XCTAssertEqual(mapped(SimulatorError(.invalidPKI, "x")).code, "invalidPKI")
    }

    func testCommandFailuresPassThroughAndAnythingElseIsCommunication() {
        let own = CommandFailure(status: .noCard, code: "no-reader", message: "no smart-card reader is connected")
        XCTAssertEqual(mapped(own).status, 3)
        XCTAssertEqual(mapped(own).code, "no-reader")
        struct Unknown: Error {}
        XCTAssertEqual(mapped(Unknown()).status, 6)
        XCTAssertEqual(mapped(Unknown()).code, "error")
    }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import MynaCard
import MynaSimulator
import SmartCard
import TestSupport
import XCTest

/// MynaCard takes every fact of the card from MynaSpec, builds the JPKI signing command byte for byte, and logs its
/// decisions without a PIN or a My Number.
final class CardSpecTests: XCTestCase {
    func testPublicNamesAreTheSpecificationsFacts() {
        XCTAssertEqual(JPKIApplication.aid, JPKIApplet.aid)
        XCTAssertEqual(CardInfoApplication.aid, CardInfoApplet.aid)
        XCTAssertEqual(JPKIApplication.tokenFileID, 0x0006)
        XCTAssertEqual(
            JPKIApplication.CertificateKind.allCases.map(\.fileID), [0x000A, 0x000B, 0x0001, 0x0002])
        XCTAssertEqual(JPKIApplication.Key.authentication.keyFileID, 0x0017)
        XCTAssertEqual(JPKIApplication.Key.authentication.pinFileID, 0x0018)
        XCTAssertEqual(JPKIApplication.Key.signing.keyFileID, 0x001A)
        XCTAssertEqual(JPKIApplication.Key.signing.pinFileID, 0x001B)
    }

    func testComputeDigitalSignatureBytes() throws {
        let digestInfo = [UInt8](repeating: 0x11, count: 51)
        let sign = try CommandAPDU.jpkiComputeDigitalSignature(digestInfo: digestInfo)
        XCTAssertEqual(sign.bytes, [0x80, 0x2A, 0x00, 0x80, 0x33] + digestInfo + [0x00])
        XCTAssertNil(sign.kind, "a proprietary class: not the interindustry PSO")
        XCTAssertEqual(CommandAPDU.Kind.jpkiComputeDigitalSignature.meaning(of: .securityStatusNotSatisfied),
            "the key's PIN is not verified in this session")
        XCTAssertThrowsError(try CommandAPDU.jpkiComputeDigitalSignature(digestInfo: []))
    }

    func testCheckDigitIsTheSpecificationsRule() {
        // The public MyNumber API and MynaSpec's rule agree on every position's weight.
        for position in 0..<11 {
            var digits = [Int](repeating: 0, count: 11)
            for value in 1...9 {
                digits[position] = value
                let ascii = digits.map { UInt8($0) + 0x30 }
                XCTAssertEqual(MyNumber.checkDigit(of: digits), MyNumberCheckDigit.of(ascii), "\(digits)")
            }
        }
    }

    func testTokenStringsComeFromTheSpecification() throws {
        let padded = Array(JPKIApplet.Token.myNumberCard.utf8) + [UInt8](repeating: 0x20, count: 17)
        let (card, transport, _) = try Fixture.session()
        XCTAssertEqual(try card.jpki.token(), .myNumberCard)
        XCTAssertEqual(transport.hex, [Fixture.selectJPKI, Fixture.selectEF("00 06"), "00 B0 00 00 20"])
        XCTAssertEqual(padded.count, JPKIApplet.Token.length)
    }

    func testTheSessionLogsItsProfileAndNeverThePINOrTheMyNumber() throws {
        let configuration = SimulatorConfiguration()
        let virtual = try VirtualMyNumberCard(configuration: configuration, pki: Fixture.pki)
        let (logger, log) = CapturingLogHandler.logger(level: .trace)
        let channel = CardChannel(transport: InMemoryTransport(card: virtual, maxAPDUDataSize: 0), logger: logger)
        let card = MyNumberCard(channel: channel)
        XCTAssertTrue(log.messages(at: .debug)[0].contains("short APDUs"), log.all[0])
        let (number, _) = try card.cardInfo.read(pin: PIN(kind: .cardInfo, "1234"))
        let digits = Hex.encode(Array(number.digits.utf8), separator: " ")
        XCTAssertGreaterThan(log.messages(at: .trace).count, 5)
        for line in log.all {
            XCTAssertFalse(line.contains("31 32 33 34"), "PIN in the log: \(line)")
            XCTAssertFalse(line.contains(number.digits) || line.contains(digits), "My Number in the log: \(line)")
        }
    }

    func testExtendedProfileDecisionIsLogged() throws {
        let virtual = try VirtualMyNumberCard(
            configuration: SimulatorConfiguration(extendedLength: true), pki: Fixture.pki)
        let (logger, log) = CapturingLogHandler.logger(level: .debug)
        let channel = CardChannel(transport: InMemoryTransport(card: virtual, maxAPDUDataSize: 65536))
        let card = MyNumberCard(channel: channel, logger: logger)
        _ = try card.jpki.readCertificate(.authentication)
        let lines = log.messages(at: .debug)
        XCTAssertTrue(lines[0].contains("extended length, up to 65536 bytes per READ BINARY, short EF identifiers"),
            lines[0])
        XCTAssertTrue(lines[1].contains("by short EF identifier"), lines[1])
    }

    func testARetryAfterAResetIsLogged() throws {
        let (card, _, _) = try Fixture.session()
        let (logger, log) = CapturingLogHandler.logger(level: .debug)
        let session = MyNumberCard(channel: card.channel, logger: logger)
        var runs = 0
        let value = try session.retryingAfterReset { () throws -> Int in
            runs += 1
            if runs == 1 { throw MynaCardError(.cardReset, "reset") }
            return runs
        }
        XCTAssertEqual(value, 2)
        XCTAssertTrue(log.messages(at: .debug).contains { $0.contains("running it once more") }, "\(log.all)")
    }
}

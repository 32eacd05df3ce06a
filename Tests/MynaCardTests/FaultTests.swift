//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaCard
import MynaSimulator
import SmartCard
import XCTest

/// Card removed or reset at every APDU of every flow, and malformed card answers: typed errors, never a crash, a
/// hang, or a success with wrong bytes.
final class FaultTests: XCTestCase {
    typealias Flow = @Sendable (MyNumberCard) throws -> Void

    static let flows: [(String, Flow)] = [
        ("cert read auth", { _ = try $0.jpki.readCertificate(.authentication) }),
        ("cert read sign", { _ = try $0.jpki.readSigningCertificate(password: PIN(kind: .signing, "ABC123")) }),
        ("pin status", { _ = try $0.jpki.pinStatus(.authentication) }),
        ("pin verify", { try $0.jpki.verify(PIN(kind: .authentication, "1234")) }),
        (
            "sign",
            {
                _ = try $0.jpki.sign(
                    digest: [UInt8](repeating: 1, count: 32), algorithm: .sha256, key: .authentication,
                    pin: PIN(kind: .authentication, "1234"))
            }
        ),
        ("mynumber", { _ = try $0.cardInfo.read(pin: PIN(kind: .cardInfo, "1234")) }),
        ("info", { _ = try $0.identify() }),
    ]

    func testRemovalAtEveryAPDUOfEveryFlowIsATypedError() throws {
        for (name, flow) in Self.flows {
            let (reference, referenceTransport, _) = try Fixture.session()
            try flow(reference)
            let length = referenceTransport.commands.count
            XCTAssertGreaterThan(length, 0)
            for index in 0..<length {
                for error in [PCSCError.removedCard, .noSmartcard, .notTransacted, .readerUnavailable] {
                    let (card, transport, _) = try Fixture.session()
                    transport.failAt = (index, error)
                    XCTAssertThrowsError(try flow(card), "\(name) at APDU \(index)") { thrown in
                        let cardError = thrown as? MynaCardError
                        XCTAssertEqual(cardError?.code, .communicationFailed, "\(name) #\(index): \(thrown)")
                        XCTAssertEqual(cardError?.pcscError, error)
                    }
                }
            }
        }
    }

    func testResetAtEveryAPDUIsNeverRetriedAfterAPIN() throws {
        for (name, flow) in Self.flows {
            let (reference, referenceTransport, _) = try Fixture.session()
            try flow(reference)
            for index in 0..<referenceTransport.commands.count {
                let (card, transport, virtual) = try Fixture.session()
                transport.failAt = (index, PCSCError.resetCard)
                do {
                    try card.retryingAfterReset { try flow(card) }
                    // Only flows that had not sent a PIN may be retried, and then they succeed.
                    XCTAssertFalse(card.hasSentPIN && transport.hex[..<index].contains { $0.hasPrefix("00 20 00 80 0") })
                } catch let error as MynaCardError {
                    XCTAssertEqual(error.code, .cardReset, "\(name) #\(index)")
                    XCTAssertTrue(card.hasSentPIN, "\(name) #\(index): a read-only flow should have been retried")
                }
                // Whatever happened, no VERIFY with data was sent twice.
                let verifies = transport.hex.filter { $0.hasPrefix("00 20 00 80 0") }
                XCTAssertLessThanOrEqual(verifies.count, 1, "\(name) #\(index)")
                XCTAssertGreaterThan(virtual.triesLeft(.authentication), 0)
            }
        }
    }

    func testMalformedResponsesAreCleanErrors() throws {
        for fault in SimulatorConfiguration.MalformedResponse.allCases {
            let (card, _, _) = try Fixture.session(
                SimulatorConfiguration(faults: .init(malformedResponses: [fault])))
            for (name, flow) in Self.flows {
                do {
                    try flow(card)
                } catch let error as MynaCardError {
                    XCTAssertFalse(error.reason.isEmpty, "\(fault) \(name)")
                } catch {
                    XCTFail("\(fault) \(name): untyped error \(error)")
                }
                card.forgetSelection()
            }
        }
    }

    func testOverstatedCertificateLengthIsAnErrorNotAShortCertificate() throws {
        let (card, _, _) = try Fixture.session(
            SimulatorConfiguration(faults: .init(malformedResponses: [.certificateLengthOverstated])))
        XCTAssertThrowsError(try card.jpki.readCertificate(.authentication)) { error in
            XCTAssertEqual((error as? MynaCardError)?.code, .malformedData, "\(error)")
        }
    }

    func testShortSignatureIsRejected() throws {
        let (card, _, _) = try Fixture.session(SimulatorConfiguration(faults: .init(malformedResponses: [.shortSignature])))
        XCTAssertThrowsError(
            try card.jpki.sign(
                digest: [UInt8](repeating: 1, count: 32), algorithm: .sha256, key: .authentication,
                pin: PIN(kind: .authentication, "1234"))
        ) { error in
            XCTAssertEqual((error as? MynaCardError)?.code, .malformedData, "\(error)")
        }
    }
}

/// Regressions found by the fuzz targets.
final class FuzzRegressionTests: XCTestCase {
    /// FuzzMynaCardRead: a card that answers `6C 00` to VERIFY with data made the channel resend the PIN.
    func testVerifyAnswered6CIsNotResentAndIsAnError() throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fuzz/corpus/FuzzMynaCardRead/regression-verify-answered-6c.bin")))
        XCTAssertFalse(bytes.isEmpty)
        // The same card answers, written out: SELECT AP, SELECT PIN EF, empty VERIFY (3 tries), VERIFY -> 6C 00.
        let transport = ScriptedCard(responses: [[0x90, 0x00], [0x90, 0x00], [0x63, 0xC3], [0x6C, 0x00], [0x90, 0x00]])
        let card = MyNumberCard(channel: CardChannel(transport: transport))
        XCTAssertThrowsError(try card.cardInfo.read(pin: PIN(kind: .cardInfo, "1234"))) { error in
            XCTAssertEqual((error as? MynaCardError)?.code, .unexpectedStatus, "\(error)")
        }
        XCTAssertEqual(transport.sent.filter { $0.count > 5 && $0[1] == 0x20 }.count, 1, "the PIN went out once")
    }
}

/// A card that answers from a script.
final class ScriptedCard: CardTransport {
    var responses: [[UInt8]]
    var sent: [[UInt8]] = []
    let atr: [UInt8] = [0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14]
    let maxAPDUDataSize = 0
    init(responses: [[UInt8]]) { self.responses = responses }
    func transmit(_ command: [UInt8]) throws -> [UInt8] {
        sent.append(command)
        return responses.isEmpty ? [0x6D, 0x00] : responses.removeFirst()
    }
}

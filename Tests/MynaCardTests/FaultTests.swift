//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

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
                XCTAssertGreaterThan(virtual.triesLeft(.auth), 0)
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

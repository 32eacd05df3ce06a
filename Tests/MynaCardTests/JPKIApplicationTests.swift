//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import MynaCard
import MynaSimulator
import SmartCard
import XCTest

/// Each flow's exact APDU sequence against the in-memory virtual card: the card budget of Docs/Benchmarks.md.
final class JPKIApplicationTests: XCTestCase {
    func testAuthenticationCertificateShortProfileIsSelectSelectAndCeilNOver256Reads() throws {
        let (card, transport, _) = try Fixture.session()
        let der = try card.jpki.readCertificate(.authentication)
        XCTAssertEqual(der, Fixture.pki.authCertificate)
        let n = der.count
        XCTAssertEqual(
            transport.hex, [Fixture.selectJPKI, Fixture.selectEF("00 0A")] + Fixture.shortReads(length: n))
        XCTAssertEqual(card.apduCount, 2 + (n + 255) / 256)
    }

    func testSecondReadInTheSessionSkipsTheAppletSelect() throws {
        let (card, transport, _) = try Fixture.session()
        _ = try card.jpki.readCertificate(.authentication)
        let before = transport.commands.count
        let ca = try card.jpki.readCertificate(.authenticationCA)
        XCTAssertEqual(ca, Fixture.pki.authRootCertificate)
        XCTAssertEqual(transport.hex[before], Fixture.selectEF("00 0B"))
        XCTAssertEqual(transport.commands.count - before, 1 + (ca.count + 255) / 256)
    }

    func testExtendedProfileReadsTheWholeEFInOneAPDUByShortEFIdentifier() throws {
        let (card, transport, _) = try Fixture.session(
            SimulatorConfiguration(extendedLength: true), readerMax: 65536)
        XCTAssertTrue(card.profile.usesExtendedLength)
        XCTAssertTrue(card.profile.usesShortEFIdentifiers)
        let der = try card.jpki.readCertificate(.authentication)
        XCTAssertEqual(der, Fixture.pki.authCertificate)
        XCTAssertEqual(transport.hex, [Fixture.selectJPKI, "00 B0 8A 00 00 00 00"])
    }

    func testExtendedCardOnAShortReaderUsesShortAPDUs() throws {
        let (card, transport, _) = try Fixture.session(SimulatorConfiguration(extendedLength: true), readerMax: 0)
        XCTAssertFalse(card.profile.usesExtendedLength)
        let der = try card.jpki.readCertificate(.authentication)
        XCTAssertEqual(der, Fixture.pki.authCertificate)
        XCTAssertEqual(transport.commands.count, 2 + (der.count + 255) / 256)
    }

    func testSameResultInEveryCardProfile() throws {
        let profiles: [(String, SimulatorConfiguration, Int)] = [
            ("short", SimulatorConfiguration(), 0),
            ("extended", SimulatorConfiguration(extendedLength: true), 65536),
            ("61xx", SimulatorConfiguration(faults: .init(getResponseThreshold: 64)), 0),
            ("6Cxx", SimulatorConfiguration(faults: .init(wrongLeAnswers6C: true)), 0),
            ("6B00", SimulatorConfiguration(endOfFileBehaviour: .wrongParameters), 0),
            ("padded", SimulatorConfiguration(certificatePadding: .init(byte: 0xFF, count: 300)), 0),
            ("padded-extended", SimulatorConfiguration(extendedLength: true, certificatePadding: .init(byte: 0x00, count: 100)), 65536),
        ]
        for (name, configuration, readerMax) in profiles {
            let (card, _, _) = try Fixture.session(configuration, readerMax: readerMax)
            XCTAssertEqual(try card.jpki.readCertificate(.authentication), Fixture.pki.authCertificate, name)
            XCTAssertEqual(try card.jpki.readCertificate(.signingCA), Fixture.pki.signRootCertificate, name)
            XCTAssertEqual(try card.jpki.pinStatus(.authentication).triesLeft, 3, name)
            let signature = try card.jpki.sign(
                digest: [UInt8](repeating: 0xAB, count: 32), algorithm: .sha256, key: .authentication,
                pin: PIN(kind: .authentication, "1234"))
            XCTAssertEqual(signature.count, 256, name)
        }
    }

    func testSigningCertificateNeedsThePasswordFirst() throws {
        let (card, transport, virtual) = try Fixture.session()
        XCTAssertThrowsError(try card.jpki.readCertificate(.signing)) { error in
            XCTAssertEqual((error as? MynaCardError)?.code, .securityStatusNotSatisfied)
        }
        XCTAssertEqual(virtual.triesLeft(.signing), 5)
        transport.commands.removeAll()
        let der = try card.jpki.readSigningCertificate(password: PIN(kind: .signing, "abc123"))
        XCTAssertEqual(der, Fixture.pki.signCertificate)
        // The signing EF is still current: the budget is status, VERIFY, then the reads.
        XCTAssertEqual(
            Array(transport.hex.prefix(4)),
            [Fixture.selectEF("00 1B"), "00 20 00 80", "00 20 00 80 06 41 42 43 31 32 33", Fixture.selectEF("00 01")])
    }

    func testPINStatusSpendsNothing() throws {
        let (card, transport, virtual) = try Fixture.session()
        let status = try card.jpki.pinStatus(.signing)
        XCTAssertEqual(status.triesLeft, 5)
        XCTAssertEqual(transport.hex, [Fixture.selectJPKI, Fixture.selectEF("00 1B"), "00 20 00 80"])
        XCTAssertEqual(virtual.triesLeft(.signing), 5)
    }

    func testSignFlowBudgetAndSignatureBytes() throws {
        let (card, transport, _) = try Fixture.session()
        let digest = [UInt8](repeating: 0x5A, count: 32)
        let pin = try PIN(kind: .authentication, "1234")
        let signature = try card.jpki.sign(digest: digest, algorithm: .sha256, key: .authentication, pin: pin)
        XCTAssertEqual(signature.count, 256)
        XCTAssertTrue(pin.isWiped, "the PIN is wiped after use")
        let digestInfo = Hex.encode(HashAlgorithm.sha256.digestInfoPrefix + digest, separator: " ")
        XCTAssertEqual(
            transport.hex,
            [
                Fixture.selectJPKI, Fixture.selectEF("00 18"), "00 20 00 80", "00 20 00 80 04 31 32 33 34",
                Fixture.selectEF("00 17"), "80 2A 00 80 33 " + digestInfo + " 00",
            ])
    }

    /// One VERIFY for a certificate read and a signature (PAdES): the card refuses the signature before the VERIFY,
    /// and after it reads the certificate and signs with no second VERIFY.
    func testSignAfterVerificationUsesTheOneVerify() throws {
        let (card, transport, virtual) = try Fixture.session()
        let digest = [UInt8](repeating: 0x33, count: 48)
        XCTAssertThrowsError(try card.jpki.signAfterVerification(digest: digest, algorithm: .sha384, key: .signing)) {
            XCTAssertEqual(($0 as? MynaCardError)?.code, .securityStatusNotSatisfied)
        }
        XCTAssertThrowsError(try card.jpki.signAfterVerification(digest: [1, 2], algorithm: .sha384, key: .signing)) {
            XCTAssertEqual(($0 as? MynaCardError)?.code, .invalidArgument)
        }
        try card.jpki.verify(PIN(kind: .signing, "abc123"))
        XCTAssertEqual(try card.jpki.readCertificate(.signing), Fixture.pki.signCertificate)
        transport.commands.removeAll()
        let signature = try card.jpki.signAfterVerification(digest: digest, algorithm: .sha384, key: .signing)
        XCTAssertEqual(signature.count, 256)
        let digestInfo = Hex.encode(HashAlgorithm.sha384.digestInfoPrefix + digest, separator: " ")
        XCTAssertEqual(transport.hex, [Fixture.selectEF("00 1A"), "80 2A 00 80 43 " + digestInfo + " 00"])
        XCTAssertEqual(virtual.triesLeft(.signing), 5)
    }

    func testDigestInfosForEveryHash() throws {
        for algorithm in HashAlgorithm.allCases {
            let info = try XCTUnwrap(algorithm.digestInfo(for: [UInt8](repeating: 1, count: algorithm.digestLength)))
            // The DER is self-consistent: SEQUENCE length = total - 2, OCTET STRING length = digest length.
            XCTAssertEqual(Int(info[1]), info.count - 2)
            XCTAssertEqual(Int(info[algorithm.digestInfoPrefix.count - 1]), algorithm.digestLength)
            XCTAssertNil(algorithm.digestInfo(for: [1, 2, 3]))
        }
        XCTAssertEqual(
            Hex.encode(HashAlgorithm.sha1.digestInfoPrefix), "3021300906052B0E03021A05000414")
    }

    func testWrongPINReportsTriesAndLastTryIsGuarded() throws {
        let (card, transport, virtual) = try Fixture.session()
        XCTAssertThrowsError(try card.jpki.verify(PIN(kind: .authentication, "0000"))) { error in
            XCTAssertEqual((error as? MynaCardError)?.code, .wrongPIN)
            XCTAssertEqual((error as? MynaCardError)?.triesLeft, 2)
        }
        XCTAssertThrowsError(try card.jpki.verify(PIN(kind: .authentication, "0000"))) { error in
            XCTAssertEqual((error as? MynaCardError)?.triesLeft, 1)
        }
        XCTAssertEqual(virtual.triesLeft(.authentication), 1)
        let sent = transport.commands.count
        // One try left: refused without sending the PIN (only the empty VERIFY goes out).
        XCTAssertThrowsError(try card.jpki.verify(PIN(kind: .authentication, "1234"))) { error in
            XCTAssertEqual((error as? MynaCardError)?.code, .lastTryRefused)
        }
        XCTAssertEqual(transport.hex[sent...].map { $0 }, ["00 20 00 80"])
        XCTAssertEqual(virtual.triesLeft(.authentication), 1)
        // Allowed explicitly, the right PIN goes through and resets the counter.
        try card.jpki.verify(PIN(kind: .authentication, "1234"), allowLastTry: true)
        XCTAssertEqual(virtual.triesLeft(.authentication), 3)
    }

    func testBlockedPINIsReportedWithoutSendingVerify() throws {
        let (card, transport, _) = try Fixture.session(SimulatorConfiguration(authPINTries: 0))
        XCTAssertThrowsError(try card.jpki.verify(PIN(kind: .authentication, "1234"), allowLastTry: true)) { error in
            XCTAssertEqual((error as? MynaCardError)?.code, .pinBlocked)
        }
        XCTAssertFalse(transport.hex.contains { $0.hasPrefix("00 20 00 80 04") }, "no PIN was sent to a blocked card")
        XCTAssertEqual(try card.jpki.pinStatus(.authentication).isBlocked, true)
    }

    func testLastWrongTryBlocks() throws {
        let (card, _, _) = try Fixture.session(SimulatorConfiguration(authPINTries: 1))
        XCTAssertThrowsError(try card.jpki.verify(PIN(kind: .authentication, "9999"), allowLastTry: true)) { error in
            XCTAssertEqual((error as? MynaCardError)?.code, .pinBlocked)
        }
    }

    func testTokenIdentifiesAMyNumberCard() throws {
        let (card, transport, _) = try Fixture.session()
        XCTAssertEqual(try card.jpki.token(), .myNumberCard)
        XCTAssertEqual(transport.hex, [Fixture.selectJPKI, Fixture.selectEF("00 06"), "00 B0 00 00 20"])
        let identification = try card.identify()
        XCTAssertTrue(identification.hasJPKI)
        XCTAssertTrue(identification.hasCardInfo)
        XCTAssertEqual(identification.authenticationPIN?.triesLeft, 3)
        XCTAssertEqual(identification.signingPassword?.triesLeft, 5)
        XCTAssertEqual(identification.cardInfoPIN?.triesLeft, 3)
    }

    func testApplicationsKeepTheirSessionAlive() throws {
        // The session is a temporary here: the applet value must keep it alive (it once held it unowned).
        let (_, transport, _) = try Fixture.session()
        let jpki = MyNumberCard(channel: CardChannel(transport: transport)).jpki
        XCTAssertEqual(try jpki.readCertificate(.authentication), Fixture.pki.authCertificate)
        let cardInfo = MyNumberCard(channel: CardChannel(transport: transport)).cardInfo
        XCTAssertEqual(try cardInfo.pinStatus().triesLeft, 3)
    }

    func testACardWithoutJPKIIsNotAMyNumberCard() throws {
        let transport = InMemoryTransport(card: MinimalISOCard())
        let card = MyNumberCard(channel: CardChannel(transport: transport))
        XCTAssertThrowsError(try card.identify()) { error in
            XCTAssertEqual((error as? MynaCardError)?.code, .notMyNumberCard)
        }
    }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import MynaCard
import MynaSimulator
import SmartCard
import TestSupport
import XCTest

/// ``CardProfile/ExtendedLengthPolicy``: the decision table, and the exact APDUs each policy sends to the in-memory
/// virtual card.
final class ExtendedLengthPolicyTests: XCTestCase {
    typealias Policy = CardProfile.ExtendedLengthPolicy

    /// A reader that carries extended APDUs but reports `reported` as its `dwMaxAPDUDataSize`, as vpcd (which
    /// reports nothing) and some drivers do.
    final class UnderreportingReader: CardTransport {
        let inner: RecordingTransport
        let reported: Int
        init(_ inner: RecordingTransport, reporting reported: Int) {
            self.inner = inner
            self.reported = reported
        }
        func transmit(_ command: [UInt8]) throws -> [UInt8] { try inner.transmit(command) }
        var atr: [UInt8] { inner.atr }
        var maxAPDUDataSize: Int { reported }
    }

    /// A session whose profile comes from the virtual card's ATR, the reader's reported limit and `policy`, as
    /// `mynakit --extended` builds it. The reader carries what the card sends unless `carries` says less.
    func session(extendedCard: Bool, readerMax: Int, policy: Policy, carries: Int = 65536) throws
        -> (MyNumberCard, RecordingTransport)
    {
        let virtual = try VirtualMyNumberCard(
            configuration: SimulatorConfiguration(extendedLength: extendedCard), pki: Fixture.pki)
        let recording = RecordingTransport(InMemoryTransport(card: virtual, maxAPDUDataSize: carries))
        let reader = UnderreportingReader(recording, reporting: readerMax)
        let profile = CardProfile(atr: reader.atr, readerMaxAPDUDataSize: reader.maxAPDUDataSize, extendedLength: policy)
        return (MyNumberCard(channel: CardChannel(transport: reader), profile: profile), recording)
    }

    func testDecisionTable() {
        // (card announces extended length, reader's dwMaxAPDUDataSize, policy) -> (extended, largest read)
        let cases: [(Bool, Int, Policy, Bool, Int)] = [
            (true, 65536, .automatic, true, 65536),
            (true, 0, .automatic, false, 256),
            (true, 256, .automatic, false, 256),
            (false, 65536, .automatic, false, 256),
            (true, 0, .enabled, true, 65536),
            (true, 256, .enabled, true, 65536),
            (true, 4096, .enabled, true, 4096),
            (true, 65536, .enabled, true, 65536),
            (false, 0, .enabled, false, 256),
            (false, 65536, .enabled, false, 256),
            (true, 65536, .disabled, false, 256),
            (true, 0, .disabled, false, 256),
        ]
        for (card, reader, policy, extended, largest) in cases {
            let profile = CardProfile(
                cardSupportsExtendedLength: card, cardSupportsShortEFIdentifiers: true, readerMaxAPDUDataSize: reader,
                extendedLength: policy)
            let name = "card \(card), reader \(reader), \(policy)"
            XCTAssertEqual(profile.usesExtendedLength, extended, name)
            XCTAssertEqual(profile.usesShortEFIdentifiers, extended, name)
            XCTAssertEqual(profile.maximumReadLength, largest, name)
        }
    }

    func testDefaultPolicyIsAutomaticAndRawValuesAreTheCommandLineSpellings() throws {
        XCTAssertEqual(CardProfile(atr: [], readerMaxAPDUDataSize: 0).extendedLength, .automatic)
        XCTAssertEqual(
            CardProfile(cardSupportsExtendedLength: true, cardSupportsShortEFIdentifiers: true, readerMaxAPDUDataSize: 0)
                .extendedLength, .automatic)
        XCTAssertEqual(Policy.allCases.map(\.rawValue), ["auto", "on", "off"])
        for readerMax in [0, 65536] {
            let (card, _) = try session(extendedCard: true, readerMax: readerMax, policy: .automatic)
            let (unset, _, _) = try Fixture.session(SimulatorConfiguration(extendedLength: true), readerMax: readerMax)
            XCTAssertEqual(card.profile, unset.profile, "a session without a profile decides as .automatic")
        }
    }

    func testOnReadsTheCertificateInOneExtendedReadBinaryBySFIOverAReaderThatReportsNothing() throws {
        let (card, transport) = try session(extendedCard: true, readerMax: 0, policy: .enabled)
        XCTAssertTrue(card.profile.cardSupportsExtendedLength)
        XCTAssertEqual(card.profile.readerMaxAPDUDataSize, 0)
        XCTAssertTrue(card.profile.usesExtendedLength)
        let der = try card.jpki.readCertificate(.authentication)
        XCTAssertEqual(der, Fixture.pki.authCertificate)
        // SELECT JPKI, then READ BINARY with P1 = 0x80 | SFI 0A, offset 0, extended Le 0000 (65536).
        XCTAssertEqual(transport.hex, [Fixture.selectJPKI, "00 B0 8A 00 00 00 00"])
        XCTAssertEqual(card.apduCount, 2)
        // The next certificate costs one APDU too: the applet stays selected.
        XCTAssertEqual(try card.jpki.readCertificate(.authenticationCA), Fixture.pki.authRootCertificate)
        XCTAssertEqual(transport.hex.last, "00 B0 8B 00 00 00 00")
        XCTAssertEqual(card.apduCount, 3)
    }

    func testOnUsesTheReadersLimitWhenItReportsOne() throws {
        let (card, transport) = try session(extendedCard: true, readerMax: 4096, policy: .enabled)
        XCTAssertEqual(try card.jpki.readCertificate(.authentication), Fixture.pki.authCertificate)
        XCTAssertEqual(transport.hex, [Fixture.selectJPKI, "00 B0 8A 00 00 10 00"])
    }

    func testOnIsIgnoredWhenTheATRAnnouncesNoExtendedLength() throws {
        let (card, transport) = try session(extendedCard: false, readerMax: 0, policy: .enabled)
        XCTAssertFalse(card.profile.usesExtendedLength)
        let der = try card.jpki.readCertificate(.authentication)
        XCTAssertEqual(der, Fixture.pki.authCertificate)
        XCTAssertEqual(
            transport.hex, [Fixture.selectJPKI, Fixture.selectEF("00 0A")] + Fixture.shortReads(length: der.count))
    }

    func testOnOverAReaderThatReallyTakesShortAPDUsOnlyFailsWithoutAPartialResult() throws {
        let (card, transport) = try session(extendedCard: true, readerMax: 0, policy: .enabled, carries: 0)
        XCTAssertThrowsError(try card.jpki.readCertificate(.authentication))
        XCTAssertEqual(transport.hex, [Fixture.selectJPKI, "00 B0 8A 00 00 00 00"])
    }

    func testOffForcesTheShortBudgetOnAnExtendedCardAndReader() throws {
        let (card, transport) = try session(extendedCard: true, readerMax: 65536, policy: .disabled)
        XCTAssertFalse(card.profile.usesExtendedLength)
        XCTAssertFalse(card.profile.usesShortEFIdentifiers)
        let der = try card.jpki.readCertificate(.authentication)
        XCTAssertEqual(der, Fixture.pki.authCertificate)
        XCTAssertEqual(
            transport.hex, [Fixture.selectJPKI, Fixture.selectEF("00 0A")] + Fixture.shortReads(length: der.count))
        XCTAssertEqual(card.apduCount, 2 + (der.count + 255) / 256)
    }

    func testEveryPolicyGivesTheSameResults() throws {
        for policy in Policy.allCases {
            for (extendedCard, readerMax) in [(true, 0), (true, 65536), (false, 0)] {
                let name = "\(policy), card \(extendedCard), reader \(readerMax)"
                let (card, _) = try session(extendedCard: extendedCard, readerMax: readerMax, policy: policy)
                XCTAssertEqual(try card.jpki.readCertificate(.authentication), Fixture.pki.authCertificate, name)
                XCTAssertEqual(try card.jpki.readCertificate(.signingCA), Fixture.pki.signRootCertificate, name)
                XCTAssertEqual(try card.jpki.pinStatus(.authentication).triesLeft, 3, name)
                XCTAssertEqual(try card.identify().profile.extendedLength, policy, name)
            }
        }
    }

    func testTheDecisionIsLoggedWithThePolicy() throws {
        let virtual = try VirtualMyNumberCard(
            configuration: SimulatorConfiguration(extendedLength: true), pki: Fixture.pki)
        let transport = InMemoryTransport(card: virtual, maxAPDUDataSize: 0)
        for (policy, expected) in [
            (Policy.enabled, "extended length, up to 65536 bytes per READ BINARY, short EF identifiers although the "
                + "reader reports no dwMaxAPDUDataSize (extended-length policy on)"),
            (.disabled, "short APDUs, 256 bytes per READ BINARY: extended length turned off (extended-length policy off)"),
            (.automatic, "short APDUs, 256 bytes per READ BINARY: the reader takes short APDUs only (dwMaxAPDUDataSize 0)"),
        ] {
            let (logger, log) = CapturingLogHandler.logger(level: .debug)
            let profile = CardProfile(atr: transport.atr, readerMaxAPDUDataSize: 0, extendedLength: policy)
            _ = MyNumberCard(channel: CardChannel(transport: transport), profile: profile, logger: logger)
            XCTAssertTrue(log.messages(at: .debug).first?.contains(expected) ?? false, "\(log.all)")
        }
    }
}

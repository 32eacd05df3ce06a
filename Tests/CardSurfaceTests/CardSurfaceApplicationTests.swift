//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaCard
import MynaImaging
import MynaSimulator
import SmartCard
import XCTest

/// The card-surface applet and the card-info applet's 照合番号 keys, byte for byte against the virtual card.
final class CardSurfaceApplicationTests: XCTestCase {
    func testUnlockWithCodeAAndReadTheSurfaceOnTheShortBudget() throws {
        let (card, recorder, virtual) = try Surface.session()
        try card.surface.unlock(Surface.codeA())
        let surface = try card.surface.readSurface()
        let file = try XCTUnwrap(virtual.contents(ofEF: 0x0002, inApplet: CardSurfaceApplet.aid))
        XCTAssertEqual(
            recorder.hex,
            ["00 A4 04 0C 0A " + Surface.surfaceAID, "00 20 00 93", "00 20 00 93 0C " + Surface.ascii("123456789018"),
             "00 A4 02 0C 02 00 02"] + Surface.shortReads(length: file.count))
        // The budget of the issue: SELECT AP + empty VERIFY + VERIFY, then SELECT EF + ceil(N/256) READ BINARY.
        XCTAssertEqual(card.apduCount, 3 + 1 + (file.count + 255) / 256)
        XCTAssertEqual(surface.birthDate, "19850412")
        XCTAssertEqual(surface.sex, .female)
        XCTAssertEqual(surface.expiryDate, "20350412")
        XCTAssertEqual(JPEG2000.container(of: surface.photo), .jp2)
        XCTAssertTrue(try JPEG2000.decode(surface.photo) == SurfaceImages.photoSource())
        XCTAssertEqual(PNG.header(of: surface.nameImage)?.bitDepth, 1)
        XCTAssertEqual(PNG.header(of: surface.securityCodeImage).map { [$0.width, $0.height] }, [24, 12])
        XCTAssertEqual(virtual.triesLeft(.cardInfo), 3)
    }

    func testExtendedProfileReadsTheSurfaceInOneAPDU() throws {
        let (card, recorder, virtual) = try Surface.session(extended: true)
        try card.surface.unlock(Surface.codeB())
        let surface = try card.surface.readSurface()
        let file = try XCTUnwrap(virtual.contents(ofEF: 0x0002, inApplet: CardSurfaceApplet.aid))
        XCTAssertEqual(recorder.hex.count, 4)
        XCTAssertEqual(recorder.hex.last, "00 B0 82 00 00 00 00")
        XCTAssertEqual(surface.signedGroups.count, 3)
        XCTAssertGreaterThan(file.count, 256, "the surface needs several short READ BINARY")
    }

    func testCodeBIsComputedWithTheJapaneseEraYear() throws {
        let (card, recorder, _) = try Surface.session()
        try card.surface.unlock(Surface.codeB())
        // Born 1985-04-12: 昭和60. Expiry year 2035, security code 5827.
        XCTAssertEqual(recorder.hex[2], "00 20 00 92 0E " + Surface.ascii("60041220355827"))
        XCTAssertNoThrow(try card.surface.readSurface())
        // 照合番号B does not open the My Number image.
        XCTAssertThrowsError(try card.surface.readMyNumberImage()) { error in
            XCTAssertEqual((error as? MynaCardError)?.code, .securityStatusNotSatisfied)
        }
    }

    func testMyNumberImageNeedsCodeA() throws {
        let (card, _, _) = try Surface.session()
        try card.surface.unlock(Surface.codeA())
        let image = try card.surface.readMyNumberImage()
        XCTAssertEqual(PNG.header(of: image.image).map { [$0.width, $0.height] }, [72, 12])
        XCTAssertEqual(image.cardPublicKey, Surface.pki.cardData.cardPublicKey)
    }

    func testTheCardInfoPINAloneOpensTheSurface() throws {
        let (card, recorder, _) = try Surface.session()
        let number = try card.surface.unlock(cardInfoPIN: PIN(kind: .cardInfo, "1234"))
        XCTAssertEqual(number.masked, "********9018")
        XCTAssertEqual(
            recorder.hex,
            ["00 A4 04 0C 0A " + Surface.cardInfoAID, "00 A4 02 0C 02 00 11", "00 20 00 80", "00 20 00 80 04 31 32 33 34",
             "00 A4 02 0C 02 00 01", "00 B0 00 00 00", "00 A4 04 0C 0A " + Surface.surfaceAID, "00 20 00 93",
             "00 20 00 93 0C " + Surface.ascii("123456789018")])
        XCTAssertNoThrow(try card.surface.readSurface())
    }

    func testWrongCodeSpendsATryAndIsWiped() throws {
        let (card, recorder, _) = try Surface.session()
        // Another valid My Number (eleven zeros have the check digit 0).
        let wrong = try Surface.codeA("000000000000")
        XCTAssertThrowsError(try card.surface.unlock(wrong)) { error in
            XCTAssertEqual((error as? MynaCardError)?.code, .wrongPIN)
            XCTAssertEqual((error as? MynaCardError)?.triesLeft, 2)
        }
        XCTAssertTrue(wrong.isWiped)
        XCTAssertEqual(recorder.count(ins: 0x20), 2)
        XCTAssertThrowsError(try card.surface.readSurface())
    }

    func testTheLastTryIsRefusedAndABlockedKeyIsNeverSent() throws {
        for tries in [1, 0] {
            let (card, recorder, _) = try Surface.session(SimulatorConfiguration(codeATries: tries))
            let code = try Surface.codeA()
            XCTAssertThrowsError(try card.surface.unlock(code)) { error in
                XCTAssertEqual((error as? MynaCardError)?.code, tries == 1 ? .lastTryRefused : .pinBlocked)
            }
            XCTAssertTrue(code.isWiped)
            // Only the empty VERIFY went out: nothing that could spend a try.
            XCTAssertEqual(recorder.hex.filter { $0.hasPrefix("00 20") }, ["00 20 00 93"])
        }
        let (card, _, virtual) = try Surface.session(SimulatorConfiguration(codeBTries: 1))
        try card.surface.unlock(Surface.codeB(), allowLastTry: true)
        XCTAssertNoThrow(try card.surface.readSurface())
        _ = virtual
    }

    func testCodeStatusSpendsNothing() throws {
        let (card, recorder, _) = try Surface.session(SimulatorConfiguration(codeBTries: 2))
        XCTAssertEqual(try card.surface.codeStatus(.b).triesLeft, 2)
        XCTAssertEqual(try card.surface.codeStatus(.a).triesLeft, 3)
        XCTAssertEqual(try card.cardInfo.codeStatus(.b).triesLeft, 2)
        XCTAssertEqual(recorder.hex.filter { $0.hasPrefix("00 20") }, ["00 20 00 92", "00 20 00 93", "00 20 00 95"])
    }

    func testCardInfoOpensWithCodeAForTheNumberAndCodeBForTheAttributes() throws {
        let (card, recorder, _) = try Surface.session()
        try card.cardInfo.unlock(Surface.codeA())
        XCTAssertEqual(recorder.hex[1], "00 20 00 94")
        XCTAssertEqual(try card.cardInfo.readMyNumber().digits, "123456789018")
        XCTAssertThrowsError(try card.cardInfo.readAttributes()) { error in
            XCTAssertEqual((error as? MynaCardError)?.code, .securityStatusNotSatisfied)
        }
        let (other, _, _) = try Surface.session()
        try other.cardInfo.unlock(Surface.codeB())
        XCTAssertEqual(try other.cardInfo.readAttributes().birthDate, "19850412")
        XCTAssertThrowsError(try other.cardInfo.readMyNumber())
    }

    func testMalformedCodesNeverReachTheCard() throws {
        var short = Array("12345678901".utf8)
        XCTAssertThrowsError(try VerificationCode(kind: .a, consuming: &short))
        XCTAssertEqual(short, [UInt8](repeating: 0, count: 11), "the input is wiped")
        XCTAssertThrowsError(try Surface.codeA("123456789012"), "a wrong check digit")
        XCTAssertThrowsError(try Surface.codeB(birth: "18671231"))
        XCTAssertThrowsError(try Surface.codeB(birth: "19851312"))
        XCTAssertThrowsError(try Surface.codeB(code: "582"))
        XCTAssertEqual("\(try Surface.codeA())", "VerificationCode(<redacted>)")
    }

    func testTracesShowNoCodeAndNoSurfaceData() throws {
        let card = try VirtualMyNumberCard(configuration: SimulatorConfiguration(), pki: Surface.pki)
        let lines = Lines()
        let channel = CardChannel(transport: InMemoryTransport(card: card), tracer: { lines.append($0.line) })
        let session = MyNumberCard(channel: channel)
        try session.surface.unlock(Surface.codeA())
        _ = try session.surface.readSurface()
        let trace = lines.all.joined(separator: "\n")
        XCTAssertFalse(trace.contains(Surface.ascii("123456789018")), trace)
        XCTAssertTrue(trace.contains("00 20 00 93 **"), trace)
        XCTAssertFalse(trace.contains("FF 20"), "surface data is shown as a length only")
    }
}

/// Trace lines collected from the channel's tracer.
final class Lines: @unchecked Sendable {
    // @unchecked: the lock guards `lines`.
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}

/// The APDU budget of every surface flow on both profiles, printed for Docs/Benchmarks.md and asserted.
final class CardSurfaceBudgetTests: XCTestCase {
    func testBudgetOfEveryFlow() throws {
        var rows: [String] = []
        for extended in [false, true] {
            let (_, _, virtual) = try Surface.session(extended: extended)
            let n = try XCTUnwrap(virtual.contents(ofEF: CardSurfaceApplet.EF.surface, inApplet: CardSurfaceApplet.aid)).count
            let reads = extended ? 1 : (n + 255) / 256
            let selectEF = extended ? 0 : 1
            let certificateReads = extended ? 1 : (CardVerifiableCertificateFormat.length + 255) / 256

            let (a, _, _) = try Surface.session(extended: extended)
            try a.surface.unlock(Surface.codeA())
            _ = try a.surface.readSurface()
            XCTAssertEqual(a.apduCount, 3 + selectEF + reads)
            let surfaceOnly = a.apduCount
            _ = try a.surface.readCertificate()
            XCTAssertEqual(a.apduCount, 3 + 2 * selectEF + reads + certificateReads)
            let withCertificate = a.apduCount

            let (pin, _, _) = try Surface.session(extended: extended)
            _ = try pin.surface.unlock(cardInfoPIN: PIN(kind: .cardInfo, "1234"))
            _ = try pin.surface.readSurface()
            // card-info: SELECT, SELECT PIN EF, empty VERIFY, VERIFY, (SELECT EF +) READ BINARY; surface: 3.
            XCTAssertEqual(pin.apduCount, 4 + selectEF + 1 + 3 + selectEF + reads)

            let (info, _, _) = try Surface.session(extended: extended)
            _ = try info.cardInfo.readWithEvidence(pin: PIN(kind: .cardInfo, "1234"))
            rows.append(
                "\(extended ? "extended" : "short"): surface EF \(n) B; code A/B + surface \(surfaceOnly) "
                    + "(with certificate \(withCertificate)); card-info PIN route \(pin.apduCount); "
                    + "mynumber with evidence \(info.apduCount)")
        }
        print(rows.joined(separator: "\n"))
    }
}

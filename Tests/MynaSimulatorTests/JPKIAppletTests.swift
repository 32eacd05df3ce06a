//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaSimulator
import XCTest

/// SELECT, READ BINARY and VERIFY on the JPKI applet, byte for byte.
final class JPKIAppletTests: XCTestCase {
    func testSelectForms() throws {
        let card = try Fixture.card()
        exchange(card, Fixture.selectJPKI, "90 00")
        // P2 = 00 with Le: FCI with the DF name.
        exchange(
            card,
            "00 A4 04 00 0A D3 92 F0 00 26 01 00 00 00 01 00",
            "6F 0C 84 0A D3 92 F0 00 26 01 00 00 00 01 90 00"
        )
        // P2 = 00 without Le: no data.
        exchange(card, "00 A4 04 00 0A D3 92 F0 00 26 01 00 00 00 01", "90 00")
        // EF with FCP: size and FID.
        let size = try Fixture.pki().authCertificate.count
        let sizeHex = hexString([UInt8(size >> 8), UInt8(size & 0xFF)])
        exchange(card, "00 A4 02 04 02 00 0A 00", "62 08 80 02 \(sizeHex) 83 02 00 0A 90 00")
        exchange(card, "00 A4 02 00 02 00 0A 00", "6F 08 80 02 \(sizeHex) 83 02 00 0A 90 00")
        // P1 = 00 with an EF FID works like P1 = 02.
        exchange(card, "00 A4 00 0C 02 00 0B", "90 00")
    }

    func testUnknownAIDAndFID() throws {
        let card = try Fixture.card()
        exchange(card, Fixture.selectEF("00 0A"), "6A 82")  // no applet selected yet
        exchange(card, "00 A4 04 0C 0A D3 92 10 00 31 00 01 01 01 00", "6A 82")  // the individual-number AP is absent
        exchange(card, "00 A4 04 0C 08 A0 00 00 02 77 01 01 01", "6A 82")
        exchange(card, Fixture.selectJPKI, "90 00")
        exchange(card, Fixture.selectEF("00 05"), "6A 82")
        exchange(card, Fixture.selectEF("3F 00"), "6A 82")
        // The previous selection survives a failed SELECT.
        exchange(card, Fixture.selectEF("00 06"), "90 00")
        exchange(card, Fixture.selectEF("00 99"), "6A 82")
        exchange(card, "00 B0 00 00 0F", "4A 50 4B 49 41 50 49 43 43 54 4F 4B 45 4E 32 90 00")
        // Selecting the MF leaves the applet.
        exchange(card, "00 A4 00 0C 02 3F 00", "90 00")
        exchange(card, "00 B0 00 00 01", "69 86")
    }

    func testTokenEF() throws {
        let card = try Fixture.card()
        exchange(card, Fixture.selectJPKI, "90 00")
        exchange(card, Fixture.selectEF("00 06"), "90 00")
        let token = Array("JPKIAPICCTOKEN2".utf8) + [UInt8](repeating: 0x20, count: 17)
        exchange(card, "00 B0 00 00 20", hexString(token) + " 90 00")
        // TRET reads 20 bytes.
        exchange(card, "00 B0 00 00 14", hexString(Array(token.prefix(20))) + " 90 00")
    }

    func testReadBinaryWithoutCurrentEF() throws {
        let card = try Fixture.card()
        exchange(card, "00 B0 00 00 04", "69 86")
        exchange(card, Fixture.selectJPKI, "90 00")
        exchange(card, "00 B0 00 00 04", "69 86")
    }

    func testPublicCertificatesReadInChunks() throws {
        let card = try Fixture.card()
        let pki = try Fixture.pki()
        exchange(card, Fixture.selectJPKI, "90 00")
        let files = [
            ("00 0A", pki.authCertificate), ("00 0B", pki.authRootCertificate), ("00 02", pki.signRootCertificate),
        ]
        for (fid, der) in files {
            exchange(card, Fixture.selectEF(fid), "90 00")
            // OpenSC's 4-byte header read.
            let header = exchange(card, "00 B0 00 00 04", sw: "90 00")
            XCTAssertEqual(Array(header.prefix(2)), [0x30, 0x82])
            XCTAssertEqual(Int(header[2]) << 8 | Int(header[3]) + 4, der.count)
            XCTAssertEqual(readAll(card, size: der.count), der)
            XCTAssertEqual(readAll(card, size: der.count, chunk: 100), der)
        }
    }

    func testReadBinaryOnPINAndKeyEFs() throws {
        let card = try Fixture.card()
        exchange(card, Fixture.selectJPKI, "90 00")
        exchange(card, Fixture.selectEF("00 18"), "90 00")
        exchange(card, "00 B0 00 00 04", "69 81")
        exchange(card, Fixture.selectEF("00 17"), "90 00")
        exchange(card, "00 B0 00 00 04", "69 81")
    }

    func testSigningCertificateNeedsTheSigningPassword() throws {
        let card = try Fixture.card()
        let der = try Fixture.pki().signCertificate
        exchange(card, Fixture.selectJPKI, "90 00")
        exchange(card, Fixture.selectEF("00 01"), "90 00")
        exchange(card, "00 B0 00 00 04", "69 82")
        // The authentication PIN does not open it.
        exchange(card, Fixture.selectEF("00 18"), "90 00")
        exchange(card, Fixture.verify("1234"), "90 00")
        exchange(card, Fixture.selectEF("00 01"), "90 00")
        exchange(card, "00 B0 00 00 04", "69 82")
        // The signing password does.
        exchange(card, Fixture.selectEF("00 1B"), "90 00")
        exchange(card, Fixture.verify("ABC123"), "90 00")
        exchange(card, Fixture.selectEF("00 01"), "90 00")
        XCTAssertEqual(readAll(card, size: der.count), der)
        // Re-selecting the applet clears the security state.
        exchange(card, Fixture.selectJPKI, "90 00")
        exchange(card, Fixture.selectEF("00 01"), "90 00")
        exchange(card, "00 B0 00 00 04", "69 82")
    }

    func testEmptyVerifyReportsTriesWithoutSpending() throws {
        let card = try Fixture.card()
        exchange(card, Fixture.selectJPKI, "90 00")
        exchange(card, "00 20 00 80", "69 86")  // no PIN EF selected
        exchange(card, Fixture.selectEF("00 0A"), "90 00")
        exchange(card, "00 20 00 80", "69 86")  // a certificate EF is not a PIN EF
        exchange(card, Fixture.selectEF("00 18"), "90 00")
        for _ in 0..<5 { exchange(card, "00 20 00 80", "63 C3") }
        exchange(card, Fixture.selectEF("00 1B"), "90 00")
        exchange(card, "00 20 00 80", "63 C5")
        XCTAssertEqual(card.triesLeft(.authentication), 3)
        XCTAssertEqual(card.triesLeft(.signing), 5)
        // After a successful VERIFY the card still answers 63 Cx.
        exchange(card, Fixture.verify("ABC123"), "90 00")
        exchange(card, "00 20 00 80", "63 C5")
    }

    func testWrongPINDecrementsCorrectPINRestores() throws {
        let card = try Fixture.card()
        exchange(card, Fixture.selectJPKI, "90 00")
        exchange(card, Fixture.selectEF("00 18"), "90 00")
        exchange(card, Fixture.verify("0000"), "63 C2")
        exchange(card, Fixture.verify("9999"), "63 C1")
        exchange(card, "00 20 00 80", "63 C1")
        exchange(card, Fixture.verify("1234"), "90 00")
        exchange(card, "00 20 00 80", "63 C3")
        XCTAssertEqual(card.triesLeft(.authentication), 3)
    }

    func testBlockedPINAnswers6983() throws {
        let card = try Fixture.card()
        exchange(card, Fixture.selectJPKI, "90 00")
        exchange(card, Fixture.selectEF("00 1B"), "90 00")
        exchange(card, Fixture.verify("WRONG1"), "63 C4")
        exchange(card, Fixture.verify("WRONG2"), "63 C3")
        exchange(card, Fixture.verify("WRONG3"), "63 C2")
        exchange(card, Fixture.verify("WRONG4"), "63 C1")
        exchange(card, Fixture.verify("WRONG5"), "63 C0")
        exchange(card, "00 20 00 80", "69 83")
        exchange(card, Fixture.verify("ABC123"), "69 83")
        XCTAssertEqual(card.triesLeft(.signing), 0)
        // Neither reset nor a power cycle unblocks it.
        card.reset()
        exchange(card, Fixture.selectJPKI, "90 00")
        exchange(card, Fixture.selectEF("00 1B"), "90 00")
        exchange(card, "00 20 00 80", "69 83")
        card.powerOff()
        card.powerOn()
        exchange(card, Fixture.selectJPKI, "90 00")
        exchange(card, Fixture.selectEF("00 1B"), "90 00")
        exchange(card, Fixture.verify("ABC123"), "69 83")
    }

    func testConfiguredInitialTries() throws {
        let card = try Fixture.card(SimulatorConfiguration(authPINTries: 1, signPINTries: 0))
        exchange(card, Fixture.selectJPKI, "90 00")
        exchange(card, Fixture.selectEF("00 18"), "90 00")
        exchange(card, "00 20 00 80", "63 C1")
        exchange(card, Fixture.selectEF("00 1B"), "90 00")
        exchange(card, "00 20 00 80", "69 83")
    }

    func testResetKeepsCountersButClearsSecurityState() throws {
        let card = try Fixture.card()
        exchange(card, Fixture.selectJPKI, "90 00")
        exchange(card, Fixture.selectEF("00 1B"), "90 00")
        exchange(card, Fixture.verify("WRONG1"), "63 C4")
        exchange(card, Fixture.verify("ABC123"), "90 00")
        exchange(card, Fixture.verify("WRONG1"), "63 C4")
        exchange(card, Fixture.verify("ABC123"), "90 00")
        exchange(card, Fixture.verify("WRONG2"), "63 C4")
        card.reset()
        // The selection is gone.
        exchange(card, "00 B0 00 00 04", "69 86")
        exchange(card, "00 20 00 80", "69 86")
        exchange(card, Fixture.selectJPKI, "90 00")
        exchange(card, Fixture.selectEF("00 1B"), "90 00")
        // The counter is not restored by the reset.
        exchange(card, "00 20 00 80", "63 C4")
        exchange(card, Fixture.verify("ABC123"), "90 00")
        card.reset()
        exchange(card, Fixture.selectJPKI, "90 00")
        exchange(card, Fixture.selectEF("00 01"), "90 00")
        exchange(card, "00 B0 00 00 04", "69 82")
    }

    func testPowerOffClearsSecurityState() throws {
        let card = try Fixture.card()
        exchange(card, Fixture.selectJPKI, "90 00")
        exchange(card, Fixture.selectEF("00 1B"), "90 00")
        exchange(card, Fixture.verify("ABC123"), "90 00")
        card.powerOff()
        card.powerOn()
        exchange(card, Fixture.selectJPKI, "90 00")
        exchange(card, Fixture.selectEF("00 01"), "90 00")
        exchange(card, "00 B0 00 00 04", "69 82")
    }

    func testWrongPINClearsVerification() throws {
        let card = try Fixture.card()
        exchange(card, Fixture.selectJPKI, "90 00")
        exchange(card, Fixture.selectEF("00 1B"), "90 00")
        exchange(card, Fixture.verify("ABC123"), "90 00")
        exchange(card, Fixture.verify("ABC124"), "63 C4")
        exchange(card, Fixture.selectEF("00 01"), "90 00")
        exchange(card, "00 B0 00 00 04", "69 82")
    }

    func testVerifyByShortIdentifierInP2() throws {
        let card = try Fixture.card()
        exchange(card, Fixture.selectJPKI, "90 00")
        exchange(card, "00 20 00 98", "63 C3")  // EF 0018
        exchange(card, "00 20 00 9B 06 41 42 43 31 32 33", "90 00")  // EF 001B
        exchange(card, "00 20 00 8A", "6A 88")  // EF 000A is not a PIN EF
        exchange(card, "00 20 00 85", "6A 88")  // no EF 0005
        exchange(card, Fixture.selectEF("00 01"), "90 00")
        exchange(card, "00 B0 00 00 02", "30 82 90 00")
    }
}

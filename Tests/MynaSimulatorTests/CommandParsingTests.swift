//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import MynaSimulator
import XCTest

/// The card's answers to malformed headers and length fields, in both length profiles.
final class CommandParsingTests: XCTestCase {
    func testTooShortCommandIsWrongLength() throws {
        let card = try Fixture.card()
        exchange(card, "00 A4 04", "67 00")
        exchange(card, "", "67 00")
    }

    func testUnsupportedClassAndInstruction() throws {
        let card = try Fixture.card()
        exchange(card, "A0 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01", "6E 00")
        exchange(card, "0C B0 00 00 04", "6E 00")
        exchange(card, "00 CA 00 00 00", "6D 00")
        exchange(card, "00 B1 00 00 04", "6D 00")  // odd INS
        exchange(card, "00 2A 00 80 01 00 00", "6D 00")  // PSO needs CLA 80
        exchange(card, "80 B0 00 00 04", "6D 00")  // READ BINARY needs CLA 00
        exchange(card, "00 24 01 80 04 31 32 33 34", "6D 00")  // CHANGE REFERENCE DATA is not offered
    }

    func testInconsistentShortLengths() throws {
        let card = try Fixture.card()
        // Lc says 10, 9 bytes follow.
        exchange(card, "00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00", "67 00")
        // Lc says 2, 4 bytes follow (neither case 3 nor case 4).
        exchange(card, "00 A4 02 0C 02 00 0A 00 00", "67 00")
        // A case 4 whose Lc matches is accepted (SELECT with Le and P2 = 0C returns no data).
        exchange(card, "00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01 00", "90 00")
        // SELECT EF with a 1-byte FID.
        exchange(card, "00 A4 02 0C 01 0A", "67 00")
        // READ BINARY without Le, and with data.
        exchange(card, Fixture.selectEF("00 0A"), "90 00")
        exchange(card, "00 B0 00 00", "67 00")
        exchange(card, "00 B0 00 00 01 00", "67 00")
    }

    func testExtendedLengthRefusedByShortProfile() throws {
        let card = try Fixture.card()
        exchange(card, "00 A4 04 0C 00 00 0A D3 92 F0 00 26 01 00 00 00 01", "67 00")
        exchange(card, Fixture.selectJPKI, "90 00")
        exchange(card, Fixture.selectEF("00 0A"), "90 00")
        exchange(card, "00 B0 00 00 00 00 00", "67 00")  // case 2E
        exchange(card, "00 B0 00 00 00 01 00", "67 00")  // case 2E, Le = 256
        // Six bytes starting `00` after the header are not a valid APDU in either profile.
        exchange(card, "00 B0 00 00 00 01", "67 00")
    }

    func testExtendedCasesInExtendedProfile() throws {
        let card = try Fixture.card(SimulatorConfiguration(extendedLength: true))
        // Case 3E SELECT.
        exchange(card, "00 A4 04 0C 00 00 0A D3 92 F0 00 26 01 00 00 00 01", "90 00")
        // Case 4E SELECT EF with Le 00 00 and P2 = 0C: no data.
        exchange(card, "00 A4 02 0C 00 00 02 00 0A 00 00", "90 00")
        // Case 2E READ BINARY of 300 bytes in one APDU.
        let response = exchange(card, "00 B0 00 00 00 01 2C", sw: "90 00")
        XCTAssertEqual(response.count, 302)
        // `00 00 00` after the header is case 2E (Le = 65536): a SELECT by an empty DF name finds nothing.
        exchange(card, "00 A4 04 0C 00 00 00", "6A 82")
        // Extended Lc 0 followed by more bytes is invalid.
        exchange(card, "00 A4 04 0C 00 00 00 00 00", "67 00")
        // Extended Lc that does not match.
        exchange(card, "00 A4 04 0C 00 00 0B D3 92 F0 00 26 01 00 00 00 01", "67 00")
    }

    func testWrongP1P2() throws {
        let card = try Fixture.card()
        exchange(card, "00 A4 01 0C 02 00 0A", "6A 86")  // SELECT P1 = 01
        exchange(card, "00 A4 04 08 0A D3 92 F0 00 26 01 00 00 00 01", "6A 86")  // SELECT P2 = 08
        exchange(card, Fixture.selectJPKI, "90 00")
        exchange(card, Fixture.selectEF("00 18"), "90 00")
        exchange(card, "00 20 01 80", "6A 86")  // VERIFY P1 = 01
        exchange(card, "00 20 00 01", "6A 86")  // VERIFY P2 = 01
        exchange(card, "80 2A 9E 9A 01 00 00", "6A 86")  // PSO with ISO P1-P2
        exchange(card, "00 C0 00 01 10", "6A 86")  // GET RESPONSE P2 = 01
        exchange(card, Fixture.selectEF("00 0A"), "90 00")
        exchange(card, "00 B0 80 00 04", "6A 86")  // SFI form in the short profile
    }

    func testUnpoweredCardIsMute() throws {
        let card = try Fixture.card()
        card.powerOff()
        XCTAssertEqual(card.process(hex(Fixture.selectJPKI)), [])
        card.powerOn()
        exchange(card, Fixture.selectJPKI, "90 00")
    }
}

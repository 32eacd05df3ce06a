//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaSimulator
import SmartCard
import TestSupport
import XCTest

/// Every card command of the CLI through real pcscd + vpcd against the virtual My Number card.
final class CardCommandTests: VirtualCardCLITestCase {

    func testInfo() async throws {
        try await insert()
        let result = try CLI.run(["info", "--json"] + reader)
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try result.json()
        XCTAssertEqual(json["token"] as? String, "My Number card (JPKIAPICCTOKEN2)")
        XCTAssertEqual((json["authPIN"] as? [String: Any])?["triesLeft"] as? Int, 3)
        XCTAssertEqual((json["signPassword"] as? [String: Any])?["triesLeft"] as? Int, 5)
        XCTAssertEqual(json["cardInfoApplet"] as? Bool, true)
        XCTAssertEqual(json["apduCount"] as? Int, 10)
    }

    func testCertReadWritesTheExactDER() async throws {
        try await insert()
        let out = path("auth.der")
        let result = try CLI.run(["cert", "read", "--kind", "auth", "--format", "der", "--out", out] + reader)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try [UInt8](Data(contentsOf: URL(fileURLWithPath: out))), Self.pki.authCertificate)
        let json = try CLI.run(["cert", "read", "--kind", "auth-ca", "--json"] + reader)
        let n = Self.pki.authRootCertificate.count
        XCTAssertEqual(try json.json()["apduCount"] as? Int, 2 + (n + 255) / 256)
    }

    func testSigningCertificateNeedsThePassword() async throws {
        try await insert()
        let result = try CLI.run(["cert", "read", "--kind", "sign", "--pin-stdin"] + reader, stdin: "abc123\n")
        XCTAssertEqual(result.status, 0, result.stderr)
        let pem = try String(contentsOfFile: path("sign.pem"), encoding: .utf8)
        XCTAssertEqual(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines), pem.trimmingCharacters(in: .whitespacesAndNewlines))
        let wrong = try CLI.run(["cert", "read", "--kind", "sign", "--pin-stdin", "--json"] + reader, stdin: "ZZZ999\n")
        XCTAssertEqual(wrong.status, 4)
        XCTAssertEqual((try wrong.json()["error"] as? [String: Any])?["code"] as? String, "wrong-pin")
        XCTAssertEqual(card.triesLeft(.signing), 4)
    }

    func testSignProducesASignatureOpenSSLAccepts() async throws {
        try await insert()
        let data = path("data.bin")
        try Data("challenge from the terminal".utf8).write(to: URL(fileURLWithPath: data))
        let signature = path("signature.bin")
        let result = try CLI.run(
            ["sign", "--key", "auth", "--in", data, "--hash", "sha256", "--pin-env", "MYNAKIT_TEST_PIN", "--out", signature]
                + reader, environment: ["MYNAKIT_TEST_PIN": "1234"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let publicKey = URL(fileURLWithPath: path("auth.pub"))
        try OpenSSLTool.extractPublicKey(fromCertificate: URL(fileURLWithPath: path("auth.pem")), to: publicKey)
        XCTAssertTrue(
            try OpenSSLTool.verifiesSignature(
                URL(fileURLWithPath: signature), over: URL(fileURLWithPath: data), publicKey: publicKey, hash: "sha256"))
    }

    func testPINStatusAndTheLastTryGuard() async throws {
        try await insert(SimulatorConfiguration(authPINTries: 2))
        let status = try CLI.run(["pin", "status", "--json"] + reader)
        XCTAssertEqual(status.status, 0, status.stderr)
        let pins = try XCTUnwrap(try status.json()["pins"] as? [[String: Any]])
        XCTAssertEqual(pins.first { $0["kind"] as? String == "auth" }?["triesLeft"] as? Int, 2)
        // A wrong PIN: exit 4, one try left.
        let wrong = try CLI.run(["pin", "verify", "--kind", "auth", "--pin-stdin"] + reader, stdin: "0000\n")
        XCTAssertEqual(wrong.status, 4)
        XCTAssertTrue(wrong.stderr.contains("1 try left"), wrong.stderr)
        // The last try is not spent without --allow-last-try, even with the right PIN.
        let refused = try CLI.run(["pin", "verify", "--kind", "auth", "--pin-stdin", "--json"] + reader, stdin: "1234\n")
        XCTAssertEqual(refused.status, 4)
        XCTAssertEqual((try refused.json()["error"] as? [String: Any])?["code"] as? String, "last-try-refused")
        XCTAssertEqual(card.triesLeft(.authentication), 1)
        let allowed = try CLI.run(
            ["pin", "verify", "--kind", "auth", "--pin-stdin", "--allow-last-try"] + reader, stdin: "1234\n")
        XCTAssertEqual(allowed.status, 0, allowed.stderr)
        XCTAssertEqual(card.triesLeft(.authentication), 3)
    }

    func testBlockedPINIsNotSent() async throws {
        try await insert(SimulatorConfiguration(cardInfoPINTries: 0))
        let result = try CLI.run(["mynumber", "--pin-stdin", "--allow-last-try", "--json"] + reader, stdin: "1234\n")
        XCTAssertEqual(result.status, 4)
        XCTAssertEqual((try result.json()["error"] as? [String: Any])?["code"] as? String, "pin-blocked")
    }

    func testMyNumberAndTraceRedaction() async throws {
        try await insert()
        let result = try CLI.run(["mynumber", "--pin-stdin", "--json", "--trace"] + reader, stdin: "1234\n")
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try result.json()
        XCTAssertEqual(json["myNumberMasked"] as? String, "********9018", "always masked")
        XCTAssertNil(json["myNumber"], "the number itself only with --reveal")
        XCTAssertEqual(json["birthDate"] as? String, "19850412")
        XCTAssertEqual(json["sex"] as? [String: String], ["code": "2", "label": "female"])
        XCTAssertFalse(result.stdout.contains("123456789018"))
        let revealed = try CLI.run(["mynumber", "--pin-stdin", "--json", "--reveal"] + reader, stdin: "1234\n")
        XCTAssertEqual(revealed.status, 0, revealed.stderr)
        XCTAssertEqual(try revealed.json()["myNumber"] as? String, "123456789018")
        XCTAssertEqual(try revealed.json()["myNumberMasked"] as? String, "********9018")
        XCTAssertTrue(result.stderr.contains("00 20 00 80 ** "), result.stderr)
        XCTAssertFalse(result.stderr.contains("31 32 33 34"), "the PIN must not appear in the trace")
        XCTAssertFalse(result.stderr.contains("31 32 33 34 35 36 37 38 39 30 31 38"), "nor the My Number")
    }

    func testAPDUCommand() async throws {
        try await insert()
        let result = try CLI.run(
            ["apdu", "00A4040C0AD392F000260100000001", "00A4020C02000A", "00B0000004", "--json"] + reader)
        XCTAssertEqual(result.status, 0, result.stderr)
        let exchanges = try XCTUnwrap(try result.json()["exchanges"] as? [[String: Any]])
        XCTAssertEqual(exchanges.map { $0["sw"] as? String }, ["9000", "9000", "9000"])
        XCTAssertEqual(exchanges.last?["data"] as? String, Hex.encode(Self.pki.authCertificate.prefix(4), separator: " "))
        let refused = try CLI.run(["apdu", "002000800431323334"] + reader)
        XCTAssertEqual(refused.status, 64)
        XCTAssertEqual(card.triesLeft(.authentication), 3)
    }

    func testAuthFlowAndAForeignRoot() async throws {
        try await insert()
        let good = try CLI.run(["auth", "--roots", path("auth-root.pem"), "--pin-stdin", "--json"] + reader, stdin: "1234\n")
        XCTAssertEqual(good.status, 0, good.stderr)
        let json = try good.json()
        XCTAssertEqual(json["verdict"] as? String, "authenticated")
        XCTAssertEqual(json["serialNumber"] as? String, try extractSerial(path("auth.pem")))
        let n = Self.pki.authCertificate.count
        // Two transactions (the PIN is read between them, with none held): the certificate read, then SELECT applet
        // again (another application may have selected something else meanwhile) and the five-APDU signature.
        XCTAssertEqual(json["apduCount"] as? Int, 2 + (n + 255) / 256 + 1 + 5)
        // The signing root does not anchor the authentication certificate: verification fails before any PIN.
        let bad = try CLI.run(["auth", "--roots", path("sign-root.pem"), "--pin-stdin", "--json"] + reader, stdin: "0000\n")
        XCTAssertEqual(bad.status, 5)
        XCTAssertEqual(try bad.json()["verdict"] as? String, "certificate-rejected")
        XCTAssertEqual(card.triesLeft(.authentication), 3, "no PIN was sent for a rejected certificate")
    }

    func testRemovalDuringCertReadExits6AndWritesNothing() async throws {
        let n = Self.pki.authCertificate.count
        let total = 2 + (n + 255) / 256
        for removeAfter in 1..<total {
            try await insert(removeAfter: removeAfter)
            let out = path("partial-\(removeAfter).der")
            let result = try CLI.run(["cert", "read", "--kind", "auth", "--format", "der", "--out", out] + reader)
            XCTAssertEqual(result.status, 6, "removed after \(removeAfter) APDUs: \(result.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "no output file after a removal")
            try await VPCDRig.remove(link!)
            link = nil
        }
    }

    func extractSerial(_ pem: String) throws -> String {
        let result = try OpenSSLTool.run(["x509", "-in", pem, "-noout", "-serial"])
        return result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "serial=", with: "")
    }
}

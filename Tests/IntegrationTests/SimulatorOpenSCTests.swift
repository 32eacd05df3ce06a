//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaSimulator
import MynaSpec
import TestSupport
import XCTest

/// OpenSC as an independent judge of the virtual card: its JPKI driver, PKCS#15 emulator and PKCS#11 module must
/// recognise ``VirtualMyNumberCard`` as a My Number card, read its certificate, sign with it and count PIN tries.
///
/// The card is served on reader `Virtual PCD 00 01` (port 35964) only; reader `00 00` belongs to other tests. A
/// temporary `OPENSC_CONF` makes OpenSC ignore `00 00`, and the tools are also given the reader by name.
///
/// Every PIN handed to `pkcs11-tool` (on its command line, the only way it takes one non-interactively) is the
/// virtual card's own test PIN, or a deliberately wrong one derived from it: see ``testPIN(of:)``.
final class SimulatorOpenSCTests: XCTestCase {
    static let reader = VPCDRig.reader1
    static let port = VPCDRig.port1
    /// The virtual card's authentication PIN in these tests (not the simulator default, so that a mix-up shows).
    static let authPIN = "4817"

    private var workDirectory: URL!
    private var tools: OpenSCTools!

    override func setUp() async throws {
        try await VPCDRig.requirePCSCD()
        tools = try OpenSCTools.locate()
        workDirectory = try makeTemporaryDirectory("mynakit-opensc")
        // OpenSC sees only our reader; file caching off so every run reads the card.
        let conf = """
            app default {
                ignored_readers = "\(VPCDRig.reader0)";
                framework pkcs15 {
                    use_file_caching = no;
                }
            }

            """
        try conf.write(to: configURL, atomically: true, encoding: .utf8)
    }

    private var configURL: URL { workDirectory.appendingPathComponent("opensc.conf") }

    // MARK: - Tests

    func testOpenSCToolNamesTheCardJPKI() async throws {
        let card = try makeCard()
        let link = try await VPCDRig.insert(card, port: Self.port, reader: Self.reader)
        defer { link.stop() }

        let result = try runTool(tools.openscTool, ["-r", Self.reader, "-n"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "jpki", result.stderr)
        try await VPCDRig.remove(link, reader: Self.reader)
    }

    func testPKCS15ToolReadsExactlyTheAuthenticationCertificate() async throws {
        let card = try makeCard()
        let link = try await VPCDRig.insert(card, port: Self.port, reader: Self.reader)
        defer { link.stop() }

        let result = try runTool(tools.pkcs15Tool, ["-r", Self.reader, "--read-certificate", "01"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let der = try derFromPEM(result.stdout)
        XCTAssertEqual(der, card.pki.authCertificate, "pkcs15-tool returned another certificate than EF 000A")
        try await VPCDRig.remove(link, reader: Self.reader)
    }

    func testPKCS11ToolSignsAndOpenSSLVerifiesWithTheAuthenticationKey() async throws {
        let card = try makeCard()
        let link = try await VPCDRig.insert(card, port: Self.port, reader: Self.reader)
        defer { link.stop() }

        let data = workDirectory.appendingPathComponent("challenge.bin")
        let signature = workDirectory.appendingPathComponent("signature.bin")
        try Data((0..<64).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }).write(to: data)
        let result = try runTool(
            tools.pkcs11Tool,
            try pkcs11Arguments(pin: testPIN(of: card)) + [
                "--sign", "--id", "01", "-m", "SHA256-RSA-PKCS",
                "--input-file", data.path, "--output-file", signature.path,
            ])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let signatureBytes = try Data(contentsOf: signature)
        XCTAssertEqual(signatureBytes.count, 256, "an RSA-2048 signature has 256 bytes")

        let publicKey = try authPublicKeyPEM(card)
        let verify = try runTool(
            tools.openssl, ["dgst", "-sha256", "-verify", publicKey.path, "-signature", signature.path, data.path])
        XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
        XCTAssertTrue(verify.stdout.contains("Verified OK"), verify.stdout)
        XCTAssertEqual(card.triesLeft(.authentication), PINKind.authentication.maximumTries)
        try await VPCDRig.remove(link, reader: Self.reader)
    }

    func testWrongPINThroughPKCS11LowersTheTriesOpenSCAndTheCardReport() async throws {
        let card = try makeCard()
        let link = try await VPCDRig.insert(card, port: Self.port, reader: Self.reader)
        defer { link.stop() }

        XCTAssertEqual(try triesReportedByPKCS15Tool(), 3)
        XCTAssertEqual(card.triesLeft(.authentication), 3)

        let data = workDirectory.appendingPathComponent("data.bin")
        try Data("wrong pin".utf8).write(to: data)
        let wrong = try runTool(
            tools.pkcs11Tool,
            try pkcs11Arguments(pin: wrongPIN(for: card)) + [
                "--sign", "--id", "01", "-m", "SHA256-RSA-PKCS", "--input-file", data.path,
                "--output-file", workDirectory.appendingPathComponent("never.bin").path,
            ])
        XCTAssertNotEqual(wrong.status, 0, "a wrong PIN must not sign")
        XCTAssertTrue(wrong.stdout.contains("CKR_PIN_INCORRECT") || wrong.stderr.contains("CKR_PIN_INCORRECT"),
            wrong.stdout + wrong.stderr)

        XCTAssertEqual(try triesReportedByPKCS15Tool(), 2)
        XCTAssertEqual(card.triesLeft(.authentication), 2, "the card's own counter disagrees with OpenSC")
        try await VPCDRig.remove(link, reader: Self.reader)
    }

    // MARK: - Helpers

    private func makeCard() throws -> VirtualMyNumberCard {
        try VirtualMyNumberCard(configuration: SimulatorConfiguration(authPIN: Self.authPIN))
    }

    /// The virtual card's authentication PIN, after checking it is the test PIN this suite configured; nothing
    /// else ever reaches `pkcs11-tool`.
    private func testPIN(of card: VirtualMyNumberCard) throws -> String {
        let pin = card.configuration.authPIN
        guard pin == Self.authPIN else {
            XCTFail("refusing to pass a PIN that is not the virtual card's test PIN")
            throw XCTSkip("not a test PIN")
        }
        return pin
    }

    /// A PIN that differs from the virtual card's test PIN in every digit.
    private func wrongPIN(for card: VirtualMyNumberCard) throws -> String {
        let pin = try testPIN(of: card)
        let wrong = String(pin.map { $0 == "9" ? "0" : Character(String(($0.wholeNumberValue ?? 0) + 1)) })
        XCTAssertNotEqual(wrong, pin)
        return wrong
    }

    /// `pkcs11-tool` arguments that log in to the authentication-PIN slot of the virtual reader, and nowhere else.
    private func pkcs11Arguments(pin: String) throws -> [String] {
        ["--module", tools.pkcs11Module, "--slot", try authenticationSlot(), "--login", "--pin", pin]
    }

    /// The PKCS#11 slot (as `0x…`) whose reader is `Virtual PCD 00 01` and whose token is the JPKI authentication
    /// PIN (OpenSC 0.23 labels it `JPKI (User Authentication PIN)`).
    private func authenticationSlot() throws -> String {
        let list = try runTool(tools.pkcs11Tool, ["--module", tools.pkcs11Module, "--list-slots"])
        XCTAssertEqual(list.status, 0, list.stderr)
        var slot: String?
        var onOurReader = false
        for line in list.stdout.split(separator: "\n").map(String.init) {
            if line.hasPrefix("Slot ") {
                // "Slot 0 (0x0): Virtual PCD 00 01"
                onOurReader = line.hasSuffix(": \(Self.reader)")
                slot = line.split(separator: "(").dropFirst().first?.split(separator: ")").first.map(String.init)
            } else if onOurReader, line.contains("token label"), line.contains("User Authentication"), let slot {
                return slot
            }
        }
        XCTFail("no JPKI authentication slot on \(Self.reader) in:\n\(list.stdout)")
        throw XCTSkip("no authentication slot")
    }

    private func triesReportedByPKCS15Tool() throws -> Int? {
        let dump = try runTool(tools.pkcs15Tool, ["-r", Self.reader, "-D"])
        XCTAssertEqual(dump.status, 0, dump.stderr)
        // The first PIN object is "User Authentication PIN"; take the "Tries left" line of that block.
        guard let block = dump.stdout.components(separatedBy: "\n\n").first(where: {
            $0.contains("PIN [User Authentication PIN]")
        }) else {
            XCTFail("pkcs15-tool -D lists no authentication PIN:\n\(dump.stdout)")
            return nil
        }
        for line in block.split(separator: "\n") where line.contains("Tries left") {
            return Int(line.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "")
        }
        XCTFail("no 'Tries left' line in:\n\(block)")
        return nil
    }

    private func authPublicKeyPEM(_ card: VirtualMyNumberCard) throws -> URL {
        let certificate = workDirectory.appendingPathComponent("auth.der")
        try Data(card.pki.authCertificate).write(to: certificate)
        let result = try runTool(
            tools.openssl, ["x509", "-inform", "DER", "-in", certificate.path, "-pubkey", "-noout"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let url = workDirectory.appendingPathComponent("auth-pub.pem")
        try result.stdout.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    private func derFromPEM(_ pem: String) throws -> [UInt8] {
        let lines = pem.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let begin = lines.firstIndex(of: "-----BEGIN CERTIFICATE-----"),
            let end = lines.firstIndex(of: "-----END CERTIFICATE-----"), begin < end
        else {
            XCTFail("no PEM certificate in:\n\(pem)")
            return []
        }
        let base64 = lines[(begin + 1)..<end].joined()
        return [UInt8](try XCTUnwrap(Data(base64Encoded: base64), "bad base64 in the PEM"))
    }

    private func runTool(_ tool: String, _ arguments: [String]) throws -> CLI.Result {
        try CLI.runProcess(
            URL(fileURLWithPath: tool), arguments, environment: ["OPENSC_CONF": configURL.path], timeout: 60)
    }
}

/// Where OpenSC's tools and OpenSSL are on this machine.
struct OpenSCTools {
    var openscTool: String
    var pkcs15Tool: String
    var pkcs11Tool: String
    var pkcs11Module: String
    var openssl: String

    /// Finds the tools in `PATH` and the PKCS#11 module in the usual library directories.
    ///
    /// Missing tools fail the test under `CI=true` (the rig installs `opensc`) and skip it elsewhere.
    static func locate(file: StaticString = #filePath, line: UInt = #line) throws -> OpenSCTools {
        func executable(_ name: String) -> String? {
            TestProcess.locate(name)?.path
        }
        let moduleCandidates = [
            "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so", "/usr/lib/x86_64-linux-gnu/pkcs11/opensc-pkcs11.so",
            "/usr/lib/aarch64-linux-gnu/opensc-pkcs11.so", "/usr/lib/aarch64-linux-gnu/pkcs11/opensc-pkcs11.so",
            "/usr/lib64/opensc-pkcs11.so", "/usr/lib64/pkcs11/opensc-pkcs11.so", "/usr/lib/opensc-pkcs11.so",
            "/usr/local/lib/opensc-pkcs11.so",
        ]
        let module = moduleCandidates.first { FileManager.default.fileExists(atPath: $0) }
        if let openscTool = executable("opensc-tool"), let pkcs15Tool = executable("pkcs15-tool"),
            let pkcs11Tool = executable("pkcs11-tool"), let openssl = executable("openssl"), let module
        {
            return OpenSCTools(
                openscTool: openscTool, pkcs15Tool: pkcs15Tool, pkcs11Tool: pkcs11Tool, pkcs11Module: module,
                openssl: openssl)
        }
        let problem = "OpenSC (opensc-tool, pkcs15-tool, pkcs11-tool, opensc-pkcs11.so) or openssl is missing; "
            + "install the Debian packages opensc and openssl"
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            XCTFail(problem, file: file, line: line)
            throw XCTSkip("failed: \(problem)")
        }
        throw XCTSkip(problem)
    }
}

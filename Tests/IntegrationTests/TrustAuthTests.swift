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

/// `mynakit auth` with the trust directory instead of `--roots`, through real pcscd + vpcd against the virtual card:
/// no anchors means exit 64 before any APDU; the verdict names its anchor and its revocation source;
/// `--require-revocation` rejects the certificate before a PIN is asked for.
final class TrustAuthTests: XCTestCase {
    static let pki: TestPKI = {
        do { return try TestPKI.cached() } catch { fatalError("\(error)") }
    }()

    var link: VPCDLink?
    var card: VirtualMyNumberCard!
    var directory: URL!
    var trustDirectory: URL!
    /// The vpcd reader this test uses: the first of the two that holds no card (the rig is shared).
    var reader = VPCDRig.reader0

    override func setUp() async throws {
        try await VPCDRig.requirePCSCD()
        directory = try makeTemporaryDirectory("mynakit-trust-auth")
        trustDirectory = directory.appendingPathComponent("trust")
        try Self.pki.write(to: directory)
        card = try VirtualMyNumberCard(configuration: SimulatorConfiguration(), pki: Self.pki)
        let empty = try await PCSCContext().state(of: VPCDRig.reader0).isCardPresent == false
        reader = empty ? VPCDRig.reader0 : VPCDRig.reader1
        link = try await VPCDRig.insert(
            card, port: empty ? VPCDRig.port0 : VPCDRig.port1, reader: reader)
    }

    override func tearDown() async throws {
        if let link { try await VPCDRig.remove(link, reader: reader) }
        link = nil
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func auth(_ arguments: [String]) throws -> CLI.Result {
        try CLI.run(
            ["auth", "--pin-stdin", "--reader", reader] + arguments, stdin: "1234\n",
            environment: [TrustTestCA.environmentVariable: trustDirectory.path])
    }

    func testWithoutAnyAnchorAuthStopsBeforeTheFirstAPDU() throws {
        let result = try auth(["--json"])
        XCTAssertEqual(result.status, 64, result.stdout + result.stderr)
        let error = try XCTUnwrap(try result.json()["error"] as? [String: Any])
        XCTAssertEqual(error["code"] as? String, "no-trust-anchors")
        XCTAssertTrue((error["message"] as? String)?.contains("mynakit trust add") == true, "\(error)")
        XCTAssertEqual(link?.apduCount, 0, "no APDU reached the card")
        XCTAssertEqual(card.triesLeft(.authentication), 3)
    }

    func testAuthTrustsTheDirectoryAndSaysWhatItChecked() throws {
        let added = try CLI.run(
            ["trust", "add", "--accept-unpinned", path("auth-root.pem")],
            environment: [TrustTestCA.environmentVariable: trustDirectory.path])
        XCTAssertEqual(added.status, 0, added.stderr)

        let result = try auth(["--json"])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let json = try result.json()
        XCTAssertEqual(json["verdict"] as? String, "authenticated")
        let anchor = try XCTUnwrap(json["trustAnchor"] as? [String: Any])
        XCTAssertEqual(anchor["classification"] as? String, "jlis-unpinned")
        XCTAssertEqual(anchor["sha256Fingerprint"] as? String, try TrustTestCA.opensslFingerprint(path("auth-root.pem")))
        XCTAssertEqual(json["testHierarchy"] as? Bool, false)
        XCTAssertEqual((json["revocation"] as? [String: Any])?["description"] as? String, "not checked")

        let text = try auth([])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("revocation: not checked"), text.stdout)
        XCTAssertTrue(text.stdout.contains("anchor: J-LIS name, authentication hierarchy, fingerprint NOT pinned"), text.stdout)
    }

    func testRequireRevocationRejectsAnUncheckedCertificateBeforeThePIN() throws {
        let added = try CLI.run(
            ["trust", "add", "--accept-unpinned", path("auth-root.pem")],
            environment: [TrustTestCA.environmentVariable: trustDirectory.path])
        XCTAssertEqual(added.status, 0, added.stderr)
        let before = link?.apduCount ?? 0
        let result = try auth(["--require-revocation", "--json"])
        XCTAssertEqual(result.status, 5, result.stdout + result.stderr)
        let json = try result.json()
        XCTAssertEqual((json["revocation"] as? [String: Any])?["source"] as? String, "not-checked")
        XCTAssertTrue("\(json["failures"] ?? "")".contains("no CRL from"), "\(json)")
        XCTAssertEqual(card.triesLeft(.authentication), 3, "no PIN was sent")
        let n = Self.pki.authCertificate.count
        XCTAssertEqual((link?.apduCount ?? 0) - before, 2 + (n + 255) / 256, "the certificate read only")

        // With the issuer's CRL the same flag passes, and the verdict names the CRL.
        let ca = try TrustTestCA(in: directory.appendingPathComponent("ca"))
        let crl = try ca.crl(issuer: path("auth-root.pem"), key: path("auth-root.key.pem"))
        let checked = try auth(["--require-revocation", "--crl", crl.path, "--json"])
        XCTAssertEqual(checked.status, 0, checked.stdout + checked.stderr)
        XCTAssertEqual((try checked.json()["revocation"] as? [String: Any])?["file"] as? String, crl.path)
    }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaSimulator
import TestSupport
import XCTest

/// `cert verify`, `verify-signature` and `bench verify` as a user runs them (no reader needed).
final class VerifyCommandTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = try makeTemporaryDirectory("mynakit-verify")
        try TestPKI.cached().write(to: directory)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func openssl(_ arguments: [String]) throws {
        try OpenSSLTool.run(arguments)
    }

    func testCertVerifyPerProfileAndTheIdentity() throws {
        let auth = try CLI.run(["cert", "verify", path("auth.pem"), "--kind", "auth", "--roots", path("auth-root.pem")])
        XCTAssertEqual(auth.status, 0, auth.stdout + auth.stderr)
        XCTAssertTrue(auth.stdout.contains("verdict: VALID"), auth.stdout)
        // Each profile presented as the other fails with exit 5.
        let swapped = try CLI.run(
            ["cert", "verify", path("auth.pem"), "--kind", "sign", "--roots", path("auth-root.pem"), "--json"])
        XCTAssertEqual(swapped.status, 5)
        let failures = try XCTUnwrap(try swapped.json()["failures"] as? [[String: Any]])
        XCTAssertTrue(failures.contains { $0["code"] as? String == "wrong-profile" }, "\(failures)")
        let sign = try CLI.run(
            ["cert", "verify", path("sign.pem"), "--kind", "sign", "--roots", path("sign-root.pem"), "--json"])
        XCTAssertEqual(sign.status, 0, sign.stdout + sign.stderr)
        let identity = try XCTUnwrap(try sign.json()["identity"] as? [String: Any])
        XCTAssertEqual(identity["name"] as? String, Identity.sample.name)
        XCTAssertEqual(identity["address"] as? String, Identity.sample.address)
        // The wrong root: unknown issuer.
        let foreign = try CLI.run(["cert", "verify", path("sign.pem"), "--kind", "sign", "--roots", path("auth-root.pem")])
        XCTAssertEqual(foreign.status, 5)
        // Expired at a later time.
        let later = try CLI.run(
            ["cert", "verify", path("auth.pem"), "--kind", "auth", "--roots", path("auth-root.pem"), "--at",
             "2099-01-01T00:00:00Z"])
        XCTAssertEqual(later.status, 5)
        XCTAssertTrue(later.stdout.lowercased().contains("expired"), later.stdout)
        // Usage errors.
        XCTAssertEqual(try CLI.run(["cert", "verify", path("auth.pem"), "--kind", "auth", "--roots", "/nonexistent"]).status, 64)
    }

    func testVerifySignatureAgreesWithOpenSSL() throws {
        let data = path("data.bin")
        try Data("data to sign".utf8).write(to: URL(fileURLWithPath: data))
        let signature = path("data.sig")
        try openssl(["dgst", "-sha256", "-sign", path("auth.key.pem"), "-out", signature, data])
        let good = try CLI.run(["verify-signature", "--cert", path("auth.pem"), "--in", data, "--signature", signature])
        XCTAssertEqual(good.status, 0, good.stdout + good.stderr)
        let wrongHash = try CLI.run(
            ["verify-signature", "--cert", path("auth.pem"), "--in", data, "--signature", signature, "--hash", "sha384"])
        XCTAssertEqual(wrongHash.status, 5)
        let otherKey = try CLI.run(["verify-signature", "--cert", path("sign.pem"), "--in", data, "--signature", signature])
        XCTAssertEqual(otherKey.status, 5)
    }

    func testBenchVerifyPrintsARate() throws {
        let challenge = path("challenge.bin")
        try Data(repeating: 7, count: 32).write(to: URL(fileURLWithPath: challenge))
        let signature = path("challenge.sig")
        try openssl(["dgst", "-sha256", "-sign", path("auth.key.pem"), "-out", signature, challenge])
        let result = try CLI.run(
            ["bench", "verify", "--cert", path("auth.pem"), "--roots", path("auth-root.pem"), "--in", challenge,
             "--signature", signature, "--count", "50"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasSuffix("verify/s\n"), result.stdout)
    }
}

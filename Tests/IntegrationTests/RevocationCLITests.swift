//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import TestSupport
import XCTest

/// `mynakit cert status` against a real `openssl ocsp` responder and a canned HTTP server, and `mynakit bench crl`,
/// as a user runs them (no reader needed).
final class RevocationCLITests: XCTestCase {
    final class Fixture: Sendable {
        let pki: OCSPTestPKI
        let responder: OpenSSLOCSPResponder

        init() throws {
            let parent = FileManager.default.temporaryDirectory.appendingPathComponent("mynakit-ocsp-\(UUID().uuidString)")
            pki = try OCSPTestPKI(in: parent)
            responder = try OpenSSLOCSPResponder(
                index: pki.index, ca: pki.ca, signer: pki.responder, key: pki.responderKey, extra: ["-nmin", "10"])
        }
    }

    nonisolated(unsafe) static var fixture: Result<Fixture, any Error>?

    override class func tearDown() {
        if case .success(let fixture) = fixture {
            fixture.responder.stop()
            try? FileManager.default.removeItem(at: fixture.pki.directory.deletingLastPathComponent())
        }
        fixture = nil
        super.tearDown()
    }

    private func setUpFixture() throws -> Fixture {
        if Self.fixture == nil { Self.fixture = Result { try Fixture() } }
        return try Self.fixture!.get()
    }

    private func status(_ leaf: URL, _ fixture: Fixture, _ extra: [String]) throws -> CLI.Result {
        try CLI.run(["cert", "status", leaf.path, "--issuer", fixture.pki.ca.path] + extra)
    }

    func testGoodRevokedAndUnknownWithTheirExitStatus() throws {
        let fixture = try setUpFixture()
        let url = fixture.responder.url
        let good = try status(fixture.pki.good, fixture, ["--ocsp-url", url])
        XCTAssertEqual(good.status, 0, good.stdout + good.stderr)
        XCTAssertTrue(good.stdout.hasPrefix("status: GOOD"), good.stdout)
        XCTAssertTrue(good.stdout.contains("source: ocsp \(url)"), good.stdout)
        XCTAssertTrue(good.stdout.contains("responder: delegated, CN=responder, C=JP"), good.stdout)
        XCTAssertTrue(good.stdout.contains("nonce: echoed"), good.stdout)

        let revoked = try status(fixture.pki.revoked, fixture, ["--ocsp-url", url])
        XCTAssertEqual(revoked.status, 5)
        XCTAssertTrue(revoked.stdout.hasPrefix("status: REVOKED"), revoked.stdout)
        XCTAssertTrue(revoked.stdout.contains("(key-compromise)"), revoked.stdout)

        let unknown = try status(fixture.pki.unknown, fixture, ["--ocsp-url", url, "--json", "--ocsp-hash", "sha256"])
        XCTAssertEqual(unknown.status, 5)
        let document = try unknown.json()
        XCTAssertEqual(document["status"] as? String, "unknown")
        XCTAssertEqual(document["certIDHash"] as? String, "sha256")
        XCTAssertEqual(document["source"] as? String, "ocsp \(url)")
        XCTAssertEqual((document["failures"] as? [[String: Any]])?.count, 0)
    }

    /// `cert verify --ocsp-url`: the OCSP answer joins the verdict. The fixture's leaves carry no JPKI policy, so each
    /// verdict also has `wrong-profile`; what matters here is what OCSP added: its source for a good answer,
    /// `revoked`, `ocsp-unknown`, or the reason no answer was usable (never silence).
    func testCertVerifyTakesTheOCSPAnswerIntoItsVerdict() throws {
        let fixture = try setUpFixture()
        func verify(_ leaf: URL, _ url: String, _ extra: [String] = []) throws -> (Int32, [String], [String: Any]) {
            let result = try CLI.run(
                ["cert", "verify", leaf.path, "--kind", "auth", "--roots", fixture.pki.ca.path, "--ocsp-url", url,
                 "--ocsp-timeout", "3", "--json"] + extra)
            let document = try result.json()
            let codes = (document["failures"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
            return (result.status, codes.sorted(), document["revocation"] as? [String: Any] ?? [:])
        }
        let good = try verify(fixture.pki.good, fixture.responder.url)
        XCTAssertEqual(good.0, 5)
        XCTAssertEqual(good.1, ["wrong-profile"])
        XCTAssertEqual(good.2["source"] as? String, "ocsp")
        XCTAssertEqual(good.2["url"] as? String, fixture.responder.url)
        // A good OCSP answer satisfies --require-revocation without any CRL.
        XCTAssertEqual(try verify(fixture.pki.good, fixture.responder.url, ["--require-revocation"]).1, ["wrong-profile"])
        XCTAssertEqual(try verify(fixture.pki.revoked, fixture.responder.url).1, ["revoked", "wrong-profile"])
        XCTAssertEqual(try verify(fixture.pki.unknown, fixture.responder.url).1, ["ocsp-unknown", "wrong-profile"])
        // cert status's JSON and cert verify's revocation object against Docs/JSON.md.
        let checker = try JSONSchemaChecker(
            markdown: String(contentsOf: CLI.repositoryRoot.appendingPathComponent("Docs/JSON.md"), encoding: .utf8))
        for leaf in [fixture.pki.good, fixture.pki.revoked, fixture.pki.unknown] {
            let json = try status(leaf, fixture, ["--ocsp-url", fixture.responder.url, "--json"]).stdout
            XCTAssertEqual(checker.problems(json: json, against: "mynakit:cert-status"), [], json)
        }
        let verified = try CLI.run(
            ["cert", "verify", fixture.pki.good.path, "--kind", "auth", "--roots", fixture.pki.ca.path, "--ocsp-url",
             fixture.responder.url, "--json"])
        XCTAssertEqual(checker.problems(json: verified.stdout, against: "mynakit:cert-verify"), [], verified.stdout)
        let down = try verify(fixture.pki.good, "http://127.0.0.1:9/")
        XCTAssertEqual(down.1, ["ocsp-unreachable", "wrong-profile"])
        XCTAssertEqual(down.2["source"] as? String, "not-checked")
    }

    func testTheJSONVerdictOfARevokedCertificate() throws {
        let fixture = try setUpFixture()
        let result = try status(fixture.pki.revoked, fixture, ["--ocsp-url", fixture.responder.url, "--json"])
        XCTAssertEqual(result.status, 5)
        let document = try result.json()
        XCTAssertEqual(document["status"] as? String, "revoked")
        XCTAssertEqual(document["revocationReason"] as? String, "key-compromise")
        let formatter = ISO8601DateFormatter()
        let revocationTime = try XCTUnwrap((document["revocationTime"] as? String).flatMap(formatter.date(from:)))
        XCTAssertEqual(revocationTime, fixture.pki.revocationTime)
        XCTAssertEqual(document["responder"] as? String, "delegated")
        XCTAssertEqual(document["nonce"] as? String, "echoed")
        let thisUpdate = try XCTUnwrap((document["thisUpdate"] as? String).flatMap(formatter.date(from:)))
        let nextUpdate = try XCTUnwrap((document["nextUpdate"] as? String).flatMap(formatter.date(from:)))
        XCTAssertEqual(nextUpdate.timeIntervalSince(thisUpdate), 600, accuracy: 1)
    }

    func testASavedResponseAndItsFreshness() throws {
        let fixture = try setUpFixture()
        let directory = try makeTemporaryDirectory("mynakit-ocsp-saved")
        let saved = directory.appendingPathComponent("good.ocsp").path
        let live = try status(fixture.pki.good, fixture, ["--ocsp-url", fixture.responder.url, "--save-response", saved])
        XCTAssertEqual(live.status, 0, live.stderr)
        // openssl reads the saved response and verifies it against the CA.
        let opensslText = try OpenSSLTool.run(
            ["ocsp", "-respin", saved, "-no_nonce", "-issuer", fixture.pki.ca.path, "-cert", fixture.pki.good.path, "-CAfile",
             fixture.pki.ca.path], allowFailure: true).combinedOutput
        XCTAssertTrue(opensslText.contains("Response verify OK"), opensslText)
        XCTAssertTrue(opensslText.contains(": good"), opensslText)

        let offline = try status(fixture.pki.good, fixture, ["--ocsp-response", saved, "--json"])
        XCTAssertEqual(offline.status, 0, offline.stdout)
        XCTAssertEqual(try offline.json()["nonce"] as? String, "not-applicable")
        XCTAssertEqual(try offline.json()["source"] as? String, "ocsp response \(saved)")

        let tomorrow = RFC3339Text.format(Date().addingTimeInterval(86_400))
        let stale = try status(fixture.pki.good, fixture, ["--ocsp-response", saved, "--at", tomorrow, "--json"])
        XCTAssertEqual(stale.status, 5)
        let failures = try XCTUnwrap(try stale.json()["failures"] as? [[String: Any]])
        XCTAssertEqual(failures.first?["code"] as? String, "ocsp-stale")
        XCTAssertEqual(try stale.json()["status"] as? String, "no-answer")
        let tolerant = try status(
            fixture.pki.good, fixture,
            ["--ocsp-response", saved, "--at", RFC3339Text.format(Date().addingTimeInterval(900)),
             "--ocsp-clock-skew", "600"])
        XCTAssertEqual(tolerant.status, 0, "15 minutes on, a 10-minute answer is within a 10-minute skew: \(tolerant.stdout)")
    }

    func testDownSlowAndTheWrongIssuer() throws {
        let fixture = try setUpFixture()
        let down = try status(fixture.pki.good, fixture, ["--ocsp-url", "http://127.0.0.1:\(try freePort())/",
            "--ocsp-timeout", "2", "--json"])
        XCTAssertEqual(down.status, 5)
        XCTAssertEqual((try down.json()["failures"] as? [[String: Any]])?.first?["code"] as? String, "ocsp-unreachable")

        let hanging = try CannedHTTPResponder(.hang)
        defer { hanging.stop() }
        let start = Date()
        let slow = try status(fixture.pki.good, fixture, ["--ocsp-url", hanging.url, "--ocsp-timeout", "1"])
        XCTAssertEqual(slow.status, 5)
        XCTAssertTrue(slow.stdout.contains("FAIL ocsp-timeout: the responder \(hanging.url) did not answer within 1 s"),
            slow.stdout)
        XCTAssertLessThan(Date().timeIntervalSince(start), 8)

        // A replay of a response to another request: the nonce does not match.
        let directory = try makeTemporaryDirectory("mynakit-ocsp-replay")
        let saved = directory.appendingPathComponent("replay.ocsp")
        XCTAssertEqual(try status(fixture.pki.good, fixture, ["--ocsp-url", fixture.responder.url, "--save-response",
            saved.path]).status, 0)
        let replay = try CannedHTTPResponder(.respond(body: Array(try Data(contentsOf: saved))))
        defer { replay.stop() }
        let replayed = try status(fixture.pki.good, fixture, ["--ocsp-url", replay.url])
        XCTAssertEqual(replayed.status, 5)
        XCTAssertTrue(replayed.stdout.contains("FAIL ocsp-nonce-mismatch"), replayed.stdout)
        XCTAssertTrue(replayed.stdout.contains("nonce: mismatched"), replayed.stdout)

        let canned = try CannedHTTPResponder(.hang)
        defer { canned.stop() }
        let wrongIssuer = try CLI.run(["cert", "status", fixture.pki.good.path, "--issuer", fixture.pki.unrelated.path,
            "--ocsp-url", canned.url])
        XCTAssertEqual(wrongIssuer.status, 5)
        XCTAssertTrue(wrongIssuer.stdout.contains("FAIL ocsp-issuer-mismatch"), wrongIssuer.stdout)
        XCTAssertEqual(canned.requestBodies.count, 0, "nothing is sent for a certificate the issuer did not issue")
    }

    func testUsageErrorsComeBeforeTheNetwork() throws {
        let fixture = try setUpFixture()
        let canned = try CannedHTTPResponder(.hang)
        defer { canned.stop() }
        let neither = try status(fixture.pki.good, fixture, [])
        XCTAssertEqual(neither.status, 64)
        let both = try status(fixture.pki.good, fixture, ["--ocsp-url", canned.url, "--ocsp-response", "/dev/null"])
        XCTAssertEqual(both.status, 64)
        let badTime = try status(fixture.pki.good, fixture, ["--ocsp-url", canned.url, "--at", "tomorrow", "--json"])
        XCTAssertEqual(badTime.status, 64)
        XCTAssertNotNil(try badTime.json()["error"])
        let missingIssuer = try CLI.run(["cert", "status", fixture.pki.good.path, "--issuer", "/nonexistent.pem",
            "--ocsp-url", canned.url, "--json"])
        XCTAssertEqual(missingIssuer.status, 64)
        XCTAssertEqual((try missingIssuer.json()["error"] as? [String: Any])?["code"] as? String, "unreadable-file")
        let unwritable = try status(fixture.pki.good, fixture, ["--ocsp-url", canned.url, "--save-response",
            "/nonexistent-directory/response.der"])
        XCTAssertNotEqual(unwritable.status, 0)
        XCTAssertNotEqual(unwritable.status, 5)
        XCTAssertEqual(canned.requestBodies.count, 0, "the output is checked before any request")
        let notAResponse = try status(fixture.pki.good, fixture, ["--ocsp-response", fixture.pki.ca.path])
        XCTAssertEqual(notAResponse.status, 5)
        XCTAssertTrue(notAResponse.stdout.contains("FAIL ocsp-malformed"), notAResponse.stdout)
    }

    func testBenchCRLPrintsARowPerSizeAndReusesItsFiles() throws {
        let directory = try makeTemporaryDirectory("mynakit-bench-crl")
        let first = try CLI.run(["bench", "crl", "--sizes", "1000", "3000", "--lookups", "1000", "--directory",
            directory.path])
        XCTAssertEqual(first.status, 0, first.stderr)
        let lines = first.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 2, first.stdout)
        XCTAssertTrue(lines[0].hasPrefix("1000 entries"), first.stdout)
        XCTAssertTrue(lines[1].contains("lookup/s (500 of 1000 listed)"), first.stdout)
        XCTAssertTrue(first.stderr.contains("made "), first.stderr)
        // openssl accepts the CRL it made, signed by the issuer it wrote.
        let verified = try OpenSSLTool.run(["crl", "-inform", "DER", "-in", directory.appendingPathComponent("crl-3000.der").path,
            "-CAfile", directory.appendingPathComponent("issuer.pem").path, "-noout"])
        XCTAssertTrue(verified.combinedOutput.contains("verify OK"), verified.combinedOutput)

        let second = try CLI.run(["bench", "crl", "--sizes", "3000", "--lookups", "1000", "--directory", directory.path,
            "--json"])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertFalse(second.stderr.contains("made "), "the files are reused")
        let rows = try XCTUnwrap(try second.json()["lists"] as? [[String: Any]])
        XCTAssertEqual(rows.first?["entries"] as? Int, 3000)
        XCTAssertEqual(rows.first?["hits"] as? Int, 500)
        XCTAssertGreaterThan(rows.first?["lookupsPerSecond"] as? Double ?? 0, 0)
        XCTAssertEqual(try CLI.run(["bench", "crl", "--sizes", "0"]).status, 64)
    }
}

/// RFC 3339 text for `--at`.
enum RFC3339Text {
    static func format(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }
}

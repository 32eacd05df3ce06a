//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaVerify
import TestSupport
import XCTest

/// `OCSPClient` against real `openssl ocsp` responders started on free ports (answering from the `openssl ca` index
/// of a test PKI), and against a canned HTTP server for the answers a real responder does not give: slow, replayed,
/// doctored, garbage. `openssl ocsp` as a client is the independent judge of good, revoked and unknown.
final class OCSPTests: XCTestCase {
    /// One PKI and four responders for the whole class: signed by a delegated responder, by the CA itself (nextUpdate
    /// one minute on), by a certificate of the CA without id-kp-OCSPSigning, and by an unrelated key.
    final class Fixture: Sendable {
        let pki: OCSPTestPKI
        let delegated, caSigned, noUsage, unrelated: OpenSSLOCSPResponder

        init() throws {
            let parent = FileManager.default.temporaryDirectory.appendingPathComponent("mynaverify-ocsp-\(UUID().uuidString)")
            pki = try OCSPTestPKI(in: parent)
            delegated = try OpenSSLOCSPResponder(
                index: pki.index, ca: pki.ca, signer: pki.responder, key: pki.responderKey, extra: ["-nmin", "10"])
            caSigned = try OpenSSLOCSPResponder(
                index: pki.index, ca: pki.ca, signer: pki.ca, key: pki.caKey, extra: ["-nmin", "1"])
            noUsage = try OpenSSLOCSPResponder(
                index: pki.index, ca: pki.ca, signer: pki.noUsage, key: pki.noUsageKey, extra: ["-nmin", "10"])
            unrelated = try OpenSSLOCSPResponder(
                index: pki.index, ca: pki.ca, signer: pki.unrelated, key: pki.unrelatedKey, extra: ["-nmin", "10"])
        }
    }

    nonisolated(unsafe) static var fixture: Result<Fixture, any Error>?

    override class func tearDown() {
        if case .success(let fixture) = fixture {
            for responder in [fixture.delegated, fixture.caSigned, fixture.noUsage, fixture.unrelated] { responder.stop() }
            try? FileManager.default.removeItem(at: fixture.pki.directory.deletingLastPathComponent())
        }
        fixture = nil
        super.tearDown()
    }

    private func setUpFixture() throws -> Fixture {
        if Self.fixture == nil { Self.fixture = Result { try Fixture() } }
        return try Self.fixture!.get()
    }

    private func certificate(_ url: URL) throws -> Certificate {
        try Certificate(bytes: Array(try Data(contentsOf: url)))
    }

    /// What `openssl ocsp` says about `leaf` at `url`: `good`, `revoked` or `unknown`, after verifying the response
    /// against the CA.
    private func opensslStatus(_ leaf: URL, url: String, pki: OCSPTestPKI) throws -> String {
        let output = try OpenSSLTool.run(
            ["ocsp", "-issuer", pki.ca.path, "-cert", leaf.path, "-url", url, "-CAfile", pki.ca.path, "-timeout", "5"],
            allowFailure: true)
        XCTAssertTrue(output.combinedOutput.contains("Response verify OK"), output.combinedOutput)
        let line = output.standardOutput.split(separator: "\n").first { $0.hasPrefix(leaf.path + ":") }
        return line.map { String($0.dropFirst(leaf.path.count + 1)).trimmingCharacters(in: .whitespaces) } ?? "none"
    }

    // MARK: Real responders

    func testGoodRevokedAndUnknownAgreeWithOpenSSL() async throws {
        let fixture = try setUpFixture()
        let pki = fixture.pki
        let ca = try certificate(pki.ca)
        let client = OCSPClient()
        for (leaf, expected) in [(pki.good, "good"), (pki.revoked, "revoked"), (pki.unknown, "unknown")] {
            let result = await client.check(try certificate(leaf), issuer: ca, responderURL: fixture.delegated.url)
            XCTAssertEqual(result.failures, [], "\(leaf.lastPathComponent)")
            XCTAssertEqual(result.status?.code, expected, leaf.lastPathComponent)
            XCTAssertEqual(try opensslStatus(leaf, url: fixture.delegated.url, pki: pki), expected)
            XCTAssertEqual(result.responder, .delegated(subject: "CN=responder, C=JP"))
            XCTAssertEqual(result.nonce, .echoed)
            XCTAssertEqual(result.hashAlgorithm, .sha1)
            XCTAssertEqual(result.source.description, "ocsp \(fixture.delegated.url)")
            let thisUpdate = try XCTUnwrap(result.thisUpdate)
            let nextUpdate = try XCTUnwrap(result.nextUpdate)
            XCTAssertEqual(nextUpdate.timeIntervalSince(thisUpdate), 600, accuracy: 1)
            XCTAssertEqual(result.isGood, expected == "good")
        }
        let revoked = await client.check(try certificate(pki.revoked), issuer: ca, responderURL: fixture.delegated.url)
        XCTAssertEqual(revoked.status, .revoked(time: pki.revocationTime, reason: .keyCompromise))
    }

    func testSHA256CertIDAndAnIssuerSignedResponse() async throws {
        let fixture = try setUpFixture()
        let ca = try certificate(fixture.pki.ca)
        let client = OCSPClient(options: .init(hashAlgorithm: .sha256))
        let result = await client.check(
            try certificate(fixture.pki.good), issuer: ca, responderURL: fixture.caSigned.url)
        XCTAssertTrue(result.isGood, "\(result.failures)")
        XCTAssertEqual(result.responder, .issuer)
        XCTAssertEqual(result.hashAlgorithm, .sha256)
    }

    func testTheRequestIsWhatOpenSSLReadsBack() throws {
        let pki = try setUpFixture().pki
        let good = try certificate(pki.good)
        let request = try OCSPRequest(certificate: good, issuer: try certificate(pki.ca), hashAlgorithm: .sha256)
        let file = pki.directory.appendingPathComponent("request-\(UUID().uuidString).der")
        try Data(request.derBytes).write(to: file)
        let text = try OpenSSLTool.run(["ocsp", "-reqin", file.path, "-req_text", "-noverify"]).standardOutput
        XCTAssertTrue(text.contains("Hash Algorithm: sha256"), text)
        XCTAssertTrue(text.contains("Serial Number: \(good.serialNumber)"), text)
        let nonce = try XCTUnwrap(request.nonce)
        XCTAssertEqual(nonce.count, 16)
        // The nonce extension's value is an OCTET STRING holding the nonce: 04 10 followed by the 16 bytes.
        let hex = nonce.map { String(format: "%02X", $0) }.joined()
        XCTAssertTrue(text.replacingOccurrences(of: " ", with: "").uppercased().contains("0410" + hex), text)
        let withoutNonce = try OCSPRequest(
            certificate: try certificate(pki.good), issuer: try certificate(pki.ca), includeNonce: false)
        XCTAssertNil(withoutNonce.nonce)
        XCTAssertLessThan(withoutNonce.derBytes.count, request.derBytes.count)
    }

    func testAResponderWithoutOCSPSigningIsRefused() async throws {
        let fixture = try setUpFixture()
        let result = await OCSPClient().check(
            try certificate(fixture.pki.good), issuer: try certificate(fixture.pki.ca), responderURL: fixture.noUsage.url)
        XCTAssertNil(result.status)
        guard case .unauthorizedResponder(let signer, let reason) = try XCTUnwrap(result.failures.first) else {
            return XCTFail("\(result.failures)")
        }
        XCTAssertEqual(signer, "CN=no-usage, C=JP")
        XCTAssertTrue(reason.contains("ocspsigning"), reason)
    }

    func testAResponseSignedByAnUnrelatedKeyIsRefused() async throws {
        let fixture = try setUpFixture()
        let result = await OCSPClient().check(
            try certificate(fixture.pki.revoked), issuer: try certificate(fixture.pki.ca),
            responderURL: fixture.unrelated.url)
        XCTAssertNil(result.status, "a revoked answer from an unrelated key must not count")
        XCTAssertEqual(result.failures.map(\.code), ["ocsp-unauthorized-responder"])
        XCTAssertFalse(result.isGood)
    }

    func testAStaleAnswerAndTheClockSkew() async throws {
        let fixture = try setUpFixture()
        let (leaf, ca) = (try certificate(fixture.pki.good), try certificate(fixture.pki.ca))
        // The CA-signed responder gives a nextUpdate one minute on.
        let now = await OCSPClient().check(leaf, issuer: ca, responderURL: fixture.caSigned.url)
        let nextUpdate = try XCTUnwrap(now.nextUpdate)
        let late = nextUpdate.addingTimeInterval(120)
        let withinSkew = await OCSPClient().check(leaf, issuer: ca, responderURL: fixture.caSigned.url, at: late)
        XCTAssertTrue(withinSkew.isGood, "two minutes late is within the default 300 s skew: \(withinSkew.failures)")
        let strict = OCSPClient(options: .init(clockSkew: 0))
        let stale = await strict.check(leaf, issuer: ca, responderURL: fixture.caSigned.url, at: late)
        XCTAssertNil(stale.status)
        guard case .stale(let reported) = try XCTUnwrap(stale.failures.first) else { return XCTFail("\(stale.failures)") }
        XCTAssertEqual(reported.timeIntervalSince(late), -120, accuracy: 5)
        let early = await strict.check(leaf, issuer: ca, responderURL: fixture.caSigned.url, at: Date().addingTimeInterval(-3600))
        XCTAssertEqual(early.failures.map(\.code), ["ocsp-not-yet-valid"])
    }

    // MARK: Answers openssl ocsp does not give

    func testAReplayedResponseFailsTheNonce() async throws {
        let fixture = try setUpFixture()
        let (leaf, ca) = (try certificate(fixture.pki.good), try certificate(fixture.pki.ca))
        let first = await OCSPClient().check(leaf, issuer: ca, responderURL: fixture.delegated.url)
        XCTAssertTrue(first.isGood)
        let replay = try CannedHTTPResponder(.respond(body: try XCTUnwrap(first.responseBytes)))
        defer { replay.stop() }
        let second = await OCSPClient().check(leaf, issuer: ca, responderURL: replay.url)
        XCTAssertNil(second.status)
        XCTAssertEqual(second.failures, [.nonceMismatch])
        XCTAssertEqual(second.nonce, .mismatched)
        XCTAssertEqual(replay.requestBodies.count, 1)
        XCTAssertNotEqual(replay.requestBodies.first, [])
    }

    func testAResponseWithoutANonceIsRefusedUnlessOptional() async throws {
        let fixture = try setUpFixture()
        let (leaf, ca) = (try certificate(fixture.pki.good), try certificate(fixture.pki.ca))
        let plain = await OCSPClient(options: .init(nonce: .none)).check(leaf, issuer: ca, responderURL: fixture.delegated.url)
        XCTAssertTrue(plain.isGood)
        XCTAssertEqual(plain.nonce, .notSent)
        let canned = try CannedHTTPResponder(.respond(body: try XCTUnwrap(plain.responseBytes)))
        defer { canned.stop() }
        let required = await OCSPClient().check(leaf, issuer: ca, responderURL: canned.url)
        XCTAssertEqual(required.failures, [.nonceMissing])
        let optional = await OCSPClient(options: .init(nonce: .optional)).check(leaf, issuer: ca, responderURL: canned.url)
        XCTAssertTrue(optional.isGood, "\(optional.failures)")
        XCTAssertEqual(optional.nonce, .notEchoed)
    }

    func testADoctoredSignatureIsRefused() throws {
        let fixture = try setUpFixture()
        let (leaf, ca) = (try certificate(fixture.pki.good), try certificate(fixture.pki.ca))
        let request = try OCSPRequest(certificate: leaf, issuer: ca)
        let good = OCSPClient().checkBlocking(leaf, issuer: ca, responderURL: fixture.delegated.url)
        var bytes = try XCTUnwrap(good.responseBytes)
        // The signature BIT STRING is followed by the [0] certificates; flip a byte well inside the signature, which
        // ends 256 bytes before the responder certificate starts.
        let responderDER = try certificate(fixture.pki.responder).derBytes
        let certificateStart = try XCTUnwrap(bytes.firstRange(of: responderDER)).lowerBound
        bytes[certificateStart - 100] ^= 0x01
        let result = OCSPClient().evaluate(response: bytes, to: request, source: .response(name: "doctored"))
        XCTAssertEqual(result.failures, [.badSignature])
    }

    func testAnImpostorWithTheIssuersNameIsRefused() throws {
        let fixture = try setUpFixture()
        let pki = fixture.pki
        // A response signed by a self-signed certificate that carries the CA's name but another key.
        let request = pki.directory.appendingPathComponent("impostor-request.der")
        let response = pki.directory.appendingPathComponent("impostor-response.der")
        try OpenSSLTool.run(["ocsp", "-issuer", pki.ca.path, "-cert", pki.good.path, "-no_nonce", "-reqout", request.path])
        try OpenSSLTool.run([
            "ocsp", "-index", pki.index.path, "-CA", pki.ca.path, "-rsigner", pki.impostor.path, "-rkey",
            pki.impostorKey.path, "-reqin", request.path, "-respout", response.path,
        ])
        let result = OCSPClient().evaluate(
            response: Array(try Data(contentsOf: response)), for: try certificate(pki.good),
            issuer: try certificate(pki.ca), source: .response(name: response.path))
        XCTAssertNil(result.status)
        XCTAssertTrue([["ocsp-bad-signature"], ["ocsp-unauthorized-responder"]].contains(result.failures.map(\.code)),
            "\(result.failures)")
    }

    func testDownSlowAndBrokenResponders() async throws {
        let fixture = try setUpFixture()
        let (leaf, ca) = (try certificate(fixture.pki.good), try certificate(fixture.pki.ca))
        let client = OCSPClient(options: .init(timeout: .seconds(2)))

        let down = "http://127.0.0.1:\(try freePort())/"
        var start = Date()
        let refused = await client.check(leaf, issuer: ca, responderURL: down)
        XCTAssertEqual(refused.failures.map(\.code), ["ocsp-unreachable"])
        XCTAssertTrue(refused.failures[0].description.contains("connection refused"), "\(refused.failures)")
        XCTAssertTrue(refused.failures[0].isUnavailable)
        XCTAssertLessThan(Date().timeIntervalSince(start), 6)
        XCTAssertEqual(refused.nonce, .notChecked)

        let hanging = try CannedHTTPResponder(.hang)
        defer { hanging.stop() }
        start = Date()
        let slow = await client.check(leaf, issuer: ca, responderURL: hanging.url)
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertEqual(slow.failures, [.timedOut(url: hanging.url, seconds: 2)])
        XCTAssertGreaterThan(elapsed, 1.5)
        XCTAssertLessThan(elapsed, 6)

        let serverError = try CannedHTTPResponder(.status(500))
        defer { serverError.stop() }
        let http = await client.check(leaf, issuer: ca, responderURL: serverError.url)
        XCTAssertEqual(http.failures.map(\.code), ["ocsp-http"])

        let garbage = try CannedHTTPResponder(.respond(body: Array("not DER at all".utf8)))
        defer { garbage.stop() }
        let malformed = await client.check(leaf, issuer: ca, responderURL: garbage.url)
        XCTAssertEqual(malformed.failures.map(\.code), ["ocsp-http"], "a body that is not ASN.1 fails in the HTTP layer")

        let wrongType = try CannedHTTPResponder(.respond(body: [0x30, 0x03, 0x0A, 0x01, 0x00], contentType: "text/html"))
        defer { wrongType.stop() }
        let html = await client.check(leaf, issuer: ca, responderURL: wrongType.url)
        XCTAssertEqual(html.failures.map(\.code), ["ocsp-http"])

        // OCSPResponse { responseStatus tryLater }: a well-formed answer without a status.
        let busy = try CannedHTTPResponder(.respond(body: [0x30, 0x03, 0x0A, 0x01, 0x03]))
        defer { busy.stop() }
        let tryLater = await client.check(leaf, issuer: ca, responderURL: busy.url)
        XCTAssertEqual(tryLater.failures, [.responderError(status: "tryLater")])
        // A successful status without response bytes.
        let empty = try CannedHTTPResponder(.respond(body: [0x30, 0x03, 0x0A, 0x01, 0x00]))
        defer { empty.stop() }
        let hollow = await client.check(leaf, issuer: ca, responderURL: empty.url)
        XCTAssertEqual(hollow.failures.map(\.code), ["ocsp-malformed"])

        let badURL = await client.check(leaf, issuer: ca, responderURL: "https://127.0.0.1:1/")
        XCTAssertEqual(badURL.failures.map(\.code), ["ocsp-invalid-url"])
    }

    func testTheWrongIssuerSendsNothing() async throws {
        let fixture = try setUpFixture()
        let canned = try CannedHTTPResponder(.hang)
        defer { canned.stop() }
        let result = await OCSPClient().check(
            try certificate(fixture.pki.good), issuer: try certificate(fixture.pki.unrelated), responderURL: canned.url)
        XCTAssertEqual(result.failures.map(\.code), ["ocsp-issuer-mismatch"])
        XCTAssertEqual(canned.requestBodies.count, 0)
        XCTAssertEqual(result.nonce, .notSent)
    }

    func testASavedResponseIsCheckedWithoutItsRequest() throws {
        let fixture = try setUpFixture()
        let (leaf, ca) = (try certificate(fixture.pki.revoked), try certificate(fixture.pki.ca))
        let live = OCSPClient(options: .init(hashAlgorithm: .sha256)).checkBlocking(
            leaf, issuer: ca, responderURL: fixture.delegated.url)
        let saved = try XCTUnwrap(live.responseBytes)
        let result = OCSPClient().evaluate(response: saved, for: leaf, issuer: ca, source: .response(name: "saved.der"))
        XCTAssertEqual(result.status, .revoked(time: fixture.pki.revocationTime, reason: .keyCompromise))
        XCTAssertEqual(result.nonce, .notApplicable)
        XCTAssertEqual(result.hashAlgorithm, .sha256, "found under the CertID hash the responder used")
        XCTAssertEqual(result.source.description, "ocsp response saved.der")
        // The same response says nothing about another certificate.
        let other = OCSPClient().evaluate(
            response: saved, for: try certificate(fixture.pki.good), issuer: ca, source: .response(name: "saved.der"))
        XCTAssertEqual(other.failures, [.certificateNotInResponse])
        // Truncated.
        let truncated = OCSPClient().evaluate(
            response: Array(saved.prefix(saved.count / 2)), for: leaf, issuer: ca, source: .response(name: "cut"))
        XCTAssertEqual(truncated.failures.map(\.code), ["ocsp-malformed"])
    }

    func testTheResponderURLOfACertificate() throws {
        let pki = try setUpFixture().pki
        XCTAssertEqual(try certificate(pki.good).ocspResponderURLs, [])
        let url = pki.directory.appendingPathComponent("aia.pem")
        let extensions = pki.directory.appendingPathComponent("aia.cnf")
        try "[ aia ]\nauthorityInfoAccess = OCSP;URI:http://ocsp.example.jp/a, OCSP;URI:http://ocsp.example.jp/b\n"
            .write(to: extensions, atomically: true, encoding: .utf8)
        try OpenSSLTool.run([
            "x509", "-req", "-in", pki.directory.appendingPathComponent("good.csr").path, "-CA", pki.ca.path,
            "-CAkey", pki.caKey.path, "-set_serial", "9", "-extfile", extensions.path, "-extensions", "aia",
            "-out", url.path,
        ])
        XCTAssertEqual(try certificate(url).ocspResponderURLs, ["http://ocsp.example.jp/a", "http://ocsp.example.jp/b"])
    }
}

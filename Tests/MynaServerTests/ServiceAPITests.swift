//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
@testable import MynaServiceClient
import TestSupport
import XCTest

/// The API of a running `mynakit-server` on SQLite, with certificates, CRLs and signatures made by the `openssl` CLI:
/// every status of Docs/openapi.yaml, and that nothing but a fresh, open challenge answered with a trusted card's
/// signature verifies. Well-formed requests go through ``VerificationServiceClient``, malformed ones byte for byte.
final class ServiceAPITests: XCTestCase {
    struct Service {
        var server: ServerProcess
        var key: String
        var store: String
        var directory: URL
        var pki: ServerTestPKI
        var client: VerificationServiceClient
    }

    /// A service trusting the test roots (with the authentication CRL unless `crl` is false) and one API key.
    func start(crl: Bool = true, _ extra: [String] = []) throws -> Service {
        let pki = try ServerTestPKI.get()
        let directory = try makeTemporaryDirectory("mynaserver-api")
        let store = "sqlite:" + directory.appendingPathComponent("state.sqlite").path
        let key = try ServerProcess.addKey("kiosk-1", store: store, in: directory)
        var arguments = ["--store", store, "--roots", pki.authRoot.path, pki.signRoot.path]
        if crl { arguments += ["--crl", pki.authCRL.path] }
        let server = try ServerProcess(arguments + extra, directory: directory)
        addTeardownBlock { server.stop() }
        let client = try VerificationServiceClient(url: server.url, apiKey: key)
        return Service(server: server, key: key, store: store, directory: directory, pki: pki, client: client)
    }

    /// The answer `openssl dgst -sign` gives to `challenge` with the leaf key and `certificate`.
    static func answer(
        _ challenge: IssuedChallenge, certificate: URL, pki: ServerTestPKI, hash: HashAlgorithm = .sha256,
        claimedHash: HashAlgorithm? = nil, kind: VerificationKind? = nil
    ) throws -> VerificationRequest {
        VerificationRequest(
            challengeId: challenge.id, certificate: try pki.der(certificate),
            signature: try pki.sign(challenge.bytes, hash: hash.rawValue), hash: claimedHash ?? hash, kind: kind)
    }

    /// One request written byte for byte on a connection of its own.
    static func raw(
        _ server: ServerProcess, _ method: String, _ path: String, headers: [(String, String)] = [],
        body: [UInt8]? = nil
    ) throws -> HTTPResponse {
        let socket = try TCPSocket(host: "127.0.0.1", port: server.port, timeout: .seconds(10))
        defer { socket.close() }
        try socket.send(
            HTTPExchange.request(
                method: method, path: path, host: "127.0.0.1:\(server.port)", headers: headers, body: body))
        var reader = HTTPExchange.Reader(stream: socket)
        return try HTTPExchange.readResponse(&reader).0
    }

    static func errorCode(_ response: HTTPResponse) throws -> String {
        try ServiceAPI.makeDecoder().decode(ServiceErrorDocument.self, from: Data(response.body)).error.code
    }

    static func metrics(_ server: ServerProcess) throws -> String {
        String(decoding: try raw(server, "GET", ServiceAPI.metricsPath).body, as: UTF8.self)
    }

    static func counter(_ series: String, _ server: ServerProcess) throws -> Int {
        for line in try metrics(server).split(separator: "\n") where line.hasPrefix(series + " ") {
            return Int(Double(line.split(separator: " ").last ?? "") ?? -1)
        }
        return 0
    }

    /// `call` is refused with `status` and `code`.
    static func assertRefused<T>(
        _ call: @autoclosure () async throws -> T, _ status: Int, _ code: String, _ message: String = "",
        file: StaticString = #filePath, line: UInt = #line
    ) async {
        do {
            _ = try await call()
            XCTFail("accepted; expected \(status) \(code) \(message)", file: file, line: line)
        } catch ServiceClientError.refused(let actual, let actualCode, _) {
            XCTAssertEqual(actual, status, message, file: file, line: line)
            XCTAssertEqual(actualCode, code, message, file: file, line: line)
        } catch {
            XCTFail("\(error) \(message)", file: file, line: line)
        }
    }

    func testChallengeIsThirtyTwoFreshBytesThatExpireAfterTheLifetime() async throws {
        let s = try start()
        let first = try await s.client.requestChallenge()
        let second = try await s.client.requestChallenge()
        XCTAssertEqual(first.bytes.count, 32)
        XCTAssertNotEqual(first.bytes, second.bytes)
        XCTAssertNotEqual(first.id, second.id)
        XCTAssertEqual(first.expiresAt.timeIntervalSinceNow, 120, accuracy: 5)
        let response = try Self.raw(s.server, "POST", ServiceAPI.challengesPath, headers: [("Authorization", "Bearer \(s.key)")])
        XCTAssertEqual(response.status, 201)
        XCTAssertEqual(response.headers["content-type"], "application/json")
    }

    func testValidAuthenticationAnswerVerifiesOnceAndAReplayIsRefused() async throws {
        let s = try start()
        let challenge = try await s.client.requestChallenge()
        let request = try Self.answer(challenge, certificate: s.pki.authLeaf, pki: s.pki)
        let verdict = try await s.client.submit(request)
        XCTAssertTrue(verdict.valid, "\(verdict.failures)")
        XCTAssertEqual(verdict.failures, [])
        XCTAssertEqual(verdict.kind, .auth)
        XCTAssertNil(verdict.identity)
        // The serial and the anchor's fingerprint as openssl prints them.
        let serial = try OpenSSLTool.run(["x509", "-in", s.pki.authLeaf.path, "-noout", "-serial"])
            .standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual("serial=\(verdict.certificate?.serialNumber ?? "")", serial)
        XCTAssertEqual(verdict.revocation.source, "crl")
        XCTAssertEqual(verdict.revocation.crl?.issuer.contains("JPKI for user authentication"), true)
        XCTAssertEqual(verdict.revocation.crl?.file, s.pki.authCRL.path)
        XCTAssertFalse(verdict.testHierarchy)
        let anchor = try XCTUnwrap(verdict.trustAnchor)
        XCTAssertEqual(anchor.hierarchy, "authentication")
        XCTAssertEqual(anchor.classification, "jlis-unpinned")
        let fingerprint = try OpenSSLTool.run(["x509", "-in", s.pki.authRoot.path, "-noout", "-fingerprint", "-sha256"])
            .standardOutput.split(separator: "=").last.map { $0.replacingOccurrences(of: ":", with: "") }
        XCTAssertEqual(anchor.sha256Fingerprint, fingerprint?.trimmingCharacters(in: .whitespacesAndNewlines))

        await Self.assertRefused(try await s.client.submit(request), 409, "challenge-used")
        XCTAssertEqual(try Self.counter(#"mynakit_verifications_total{verdict="valid"}"#, s.server), 1)
        XCTAssertEqual(try Self.counter(#"mynakit_challenge_refusals_total{reason="used"}"#, s.server), 1)
    }

    func testSigningCertificateVerdictCarriesTheIdentity() async throws {
        let s = try start(crl: false)
        let challenge = try await s.client.requestChallenge()
        let request = try Self.answer(challenge, certificate: s.pki.signLeaf, pki: s.pki, hash: .sha384, kind: .sign)
        let verdict = try await s.client.submit(request)
        XCTAssertTrue(verdict.valid, "\(verdict.failures)")
        XCTAssertEqual(verdict.identity?.name, ServerTestPKI.name)
        XCTAssertEqual(verdict.identity?.address, ServerTestPKI.address)
        XCTAssertEqual(verdict.identity?.dateOfBirth, "19900315")
        XCTAssertEqual(verdict.identity?.sex, "2")
        XCTAssertEqual(verdict.revocation.source, "not-checked")
        XCTAssertEqual(verdict.trustAnchor?.hierarchy, "signing")
        XCTAssertFalse(s.server.logText.contains(ServerTestPKI.name), "the identity is in the service's log")
    }

    func testEveryBadAnswerIsUnprocessableWithItsReasonAndSpendsTheChallenge() async throws {
        let s = try start()
        struct Case {
            var name: String
            var certificate: URL
            var hash: HashAlgorithm = .sha256
            var claimed: HashAlgorithm? = nil
            var tamper = false
            var expected: Set<String>
        }
        let cases = [
            Case(name: "tampered signature", certificate: s.pki.authLeaf, tamper: true, expected: ["signature-invalid"]),
            Case(name: "wrong hash", certificate: s.pki.authLeaf, claimed: .sha512, expected: ["signature-invalid"]),
            Case(name: "untrusted root with the same DN", certificate: s.pki.foreignLeaf, expected: ["unknown-issuer"]),
            Case(name: "revoked", certificate: s.pki.revokedLeaf, expected: ["revoked"]),
            Case(name: "signing certificate sent as auth", certificate: s.pki.signLeaf,
                expected: ["wrong-profile", "crl-missing"]),
        ]
        for test in cases {
            let challenge = try await s.client.requestChallenge()
            var request = try Self.answer(
                challenge, certificate: test.certificate, pki: s.pki, hash: test.hash, claimedHash: test.claimed)
            if test.tamper {
                var signature = try XCTUnwrap(Data(base64Encoded: request.signature))
                signature[100] ^= 0x01
                request.signature = signature.base64EncodedString()
            }
            let body = [UInt8](try ServiceAPI.makeEncoder().encode(request))
            let response = try Self.raw(
                s.server, "POST", ServiceAPI.verificationsPath,
                headers: [("Authorization", "Bearer \(s.key)"), ("Content-Type", "application/json")], body: body)
            XCTAssertEqual(response.status, 422, test.name)
            let verdict = try ServiceAPI.makeDecoder().decode(Verdict.self, from: Data(response.body))
            XCTAssertFalse(verdict.valid, test.name)
            let codes = Set(verdict.failures.map(\.code))
            XCTAssertTrue(test.expected.isSubset(of: codes), "\(test.name): \(codes)")
            if test.name == "revoked" {
                XCTAssertEqual(verdict.revocation.source, "crl")
                XCTAssertTrue(verdict.failures.contains { $0.message.contains("keyCompromise") }, "\(verdict.failures)")
            }
            // Whatever the verdict, the challenge is spent.
            await Self.assertRefused(try await s.client.submit(request), 409, "challenge-used", test.name)
        }
        XCTAssertEqual(try Self.counter(#"mynakit_verifications_total{verdict="invalid"}"#, s.server), 5)
        XCTAssertEqual(try Self.counter(#"mynakit_verifications_total{verdict="valid"}"#, s.server), 0)
    }

    func testExpiredChallengesAreGoneAndPurgedOnesUnknown() async throws {
        let s = try start(["--challenge-ttl", "1", "--purge-interval", "1"])
        let challenge = try await s.client.requestChallenge()
        let request = try Self.answer(challenge, certificate: s.pki.authLeaf, pki: s.pki)
        try await Task.sleep(for: .milliseconds(1100))
        // Between expiry and the next purge it is "expired"; after the purge, "unknown". Both are 410, never a verdict.
        let deadline = Date().addingTimeInterval(5)
        var codes: [String] = []
        while Date() < deadline, codes.last != "challenge-unknown" {
            do {
                _ = try await s.client.submit(request)
                XCTFail("an expired challenge verified")
                return
            } catch ServiceClientError.refused(let status, let code, _) {
                XCTAssertEqual(status, 410)
                if codes.last != code { codes.append(code) }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        XCTAssertEqual(codes.last, "challenge-unknown", "\(codes)")
        XCTAssertTrue(Set(codes).isSubset(of: ["challenge-expired", "challenge-unknown"]), "\(codes)")
        XCTAssertGreaterThanOrEqual(try Self.counter("mynakit_challenges_purged_total", s.server), 1)
        var unknown = request
        unknown.challengeId = "00000000000000000000000000000000"
        await Self.assertRefused(try await s.client.submit(unknown), 410, "challenge-unknown")
        XCTAssertEqual(try Self.counter(#"mynakit_verifications_total{verdict="valid"}"#, s.server), 0)
    }

    func testAChallengeIssuedToAnotherKeyCannotBeAnsweredOrSpent() async throws {
        let s = try start()
        let other = try ServerProcess.addKey("kiosk-2", store: s.store, in: s.directory)
        let stranger = try VerificationServiceClient(url: s.server.url, apiKey: other)
        let challenge = try await s.client.requestChallenge()
        let request = try Self.answer(challenge, certificate: s.pki.authLeaf, pki: s.pki)
        await Self.assertRefused(try await stranger.submit(request), 410, "challenge-unknown")
        let verdict = try await s.client.submit(request)
        XCTAssertTrue(verdict.valid, "the owner's answer: \(verdict.failures)")
    }

    func testWithoutAValidKeyNothingIsTouched() async throws {
        let s = try start()
        let challenge = try await s.client.requestChallenge()
        let request = try Self.answer(challenge, certificate: s.pki.authLeaf, pki: s.pki)
        let body = [UInt8](try ServiceAPI.makeEncoder().encode(request))
        let authorizations: [String?] = [nil, "Bearer mk_not-a-key", "Basic dXNlcjpwYXNz", "Bearer \(s.key)x", "Bearer"]
        for authorization in authorizations {
            for (path, payload) in [(ServiceAPI.challengesPath, nil), (ServiceAPI.verificationsPath, body)] {
                var headers = [("Content-Type", "application/json")]
                if let authorization { headers.append(("Authorization", authorization)) }
                let response = try Self.raw(s.server, "POST", path, headers: headers, body: payload)
                XCTAssertEqual(response.status, 401, "\(authorization ?? "none") \(path)")
                XCTAssertEqual(response.headers["www-authenticate"], "Bearer")
                XCTAssertEqual(try Self.errorCode(response), "unauthorized")
            }
        }
        // The refused attempts issued nothing and spent nothing: the owner's answer still verifies.
        let verdict = try await s.client.submit(request)
        XCTAssertTrue(verdict.valid)
        XCTAssertEqual(try Self.counter("mynakit_challenges_issued_total", s.server), 1)
        XCTAssertEqual(try Self.counter("mynakit_unauthorized_requests_total", s.server), 10)
        XCTAssertFalse(s.server.logText.contains(s.key), "the key is in the service's log")
    }

    func testMalformedRequestsAre400WithAReasonAndConsumeNothing() async throws {
        let s = try start(["--max-body", "4096"])
        let challenge = try await s.client.requestChallenge()
        let good = try Self.answer(challenge, certificate: s.pki.authLeaf, pki: s.pki)
        let goodJSON = try XCTUnwrap(
            JSONSerialization.jsonObject(with: try ServiceAPI.makeEncoder().encode(good)) as? [String: Any])
        func variant(_ change: (inout [String: Any]) -> Void) throws -> [UInt8] {
            var object = goodJSON
            change(&object)
            return [UInt8](try JSONSerialization.data(withJSONObject: object))
        }
        let cases: [(String, [UInt8], Int, String, String?)] = [
            ("not JSON", Array("{challengeId:".utf8), 400, "invalid-json", nil),
            ("an array", Array("[]".utf8), 400, "invalid-json", nil),
            ("no signature", try variant { $0["signature"] = nil }, 400, "invalid-json", "signature"),
            ("signature not base64", try variant { $0["signature"] = "***" }, 400, "invalid-base64", "signature"),
            ("certificate not base64", try variant { $0["certificate"] = "%%" }, 400, "invalid-base64", "certificate"),
            ("hash md5", try variant { $0["hash"] = "md5" }, 400, "invalid-json", "sha256"),
            ("kind other", try variant { $0["kind"] = "card" }, 400, "invalid-json", "auth or sign"),
            ("hash a number", try variant { $0["hash"] = 5 }, 400, "invalid-json", "hash"),
            ("empty id", try variant { $0["challengeId"] = "" }, 400, "invalid-field", "challengeId"),
            ("too large", try variant { $0["padding"] = String(repeating: "A", count: 5000) }, 413, "body-too-large",
                "4096"),
        ]
        let authorized = [("Authorization", "Bearer \(s.key)"), ("Content-Type", "application/json")]
        for (name, body, status, code, mention) in cases {
            let response = try Self.raw(s.server, "POST", ServiceAPI.verificationsPath, headers: authorized, body: body)
            XCTAssertEqual(response.status, status, name)
            let error = try ServiceAPI.makeDecoder().decode(ServiceErrorDocument.self, from: Data(response.body)).error
            XCTAssertEqual(error.code, code, name)
            if let mention { XCTAssertTrue(error.message.contains(mention), "\(name): \(error.message)") }
        }
        let typed = try Self.raw(
            s.server, "POST", ServiceAPI.verificationsPath,
            headers: [("Authorization", "Bearer \(s.key)"), ("Content-Type", "text/plain")],
            body: [UInt8](try ServiceAPI.makeEncoder().encode(good)))
        XCTAssertEqual(typed.status, 415)
        XCTAssertEqual(try Self.counter("mynakit_bad_requests_total", s.server), cases.count + 1)
        // None of it spent the challenge.
        let verdict = try await s.client.submit(good)
        XCTAssertTrue(verdict.valid)
    }

    func testHealthMetricsAndMethods() async throws {
        let s = try start()
        let health = try await s.client.health()
        XCTAssertEqual(health, HealthDocument(status: "ok", store: "sqlite"))
        let metrics = try Self.raw(s.server, "GET", ServiceAPI.metricsPath)
        XCTAssertEqual(metrics.status, 200)
        XCTAssertEqual(metrics.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4"), true)
        let text = String(decoding: metrics.body, as: UTF8.self)
        XCTAssertTrue(text.contains("# TYPE mynakit_verifications_total counter"), text)
        XCTAssertTrue(text.contains("# TYPE mynakit_verification_duration_seconds histogram"), text)
        for (method, path, allowed) in [
            ("GET", ServiceAPI.challengesPath, "POST"), ("DELETE", ServiceAPI.verificationsPath, "POST"),
            ("POST", ServiceAPI.healthPath, "GET"), ("QUERY", ServiceAPI.metricsPath, "GET"),
        ] {
            let response = try Self.raw(s.server, method, path, headers: [("Authorization", "Bearer \(s.key)")])
            XCTAssertEqual(response.status, 405, "\(method) \(path)")
            XCTAssertEqual(response.headers["allow"], allowed, "\(method) \(path)")
        }
    }

    func testARemovedKeyStopsWorkingWithinTheKeyCacheLifetime() async throws {
        let s = try start(["--key-cache-ttl", "1"])
        _ = try await s.client.requestChallenge()
        let removal = try ServerProcess.run(["key", "remove", "kiosk-1", "--store", s.store], in: s.directory)
        XCTAssertEqual(removal.status, 0, removal.combinedOutput)
        // Remembered for up to a second on this instance, then refused.
        let deadline = Date().addingTimeInterval(5)
        var refused = false
        while Date() < deadline, !refused {
            do {
                _ = try await s.client.requestChallenge()
                try await Task.sleep(for: .milliseconds(100))
            } catch ServiceClientError.refused(401, "unauthorized", _) {
                refused = true
            }
        }
        XCTAssertTrue(refused, "the removed key still works")
        let missing = try ServerProcess.run(["key", "remove", "kiosk-1", "--store", s.store], in: s.directory)
        XCTAssertEqual(missing.status, 1)
    }
}

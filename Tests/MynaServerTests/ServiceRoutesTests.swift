//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import MynaServer
import MynaServiceAPI
import MynaVerify
import NIOCore
import Synchronization
import TestSupport
import XCTest

/// The API through Hummingbird's router, with certificates and signatures made by the `openssl` CLI: every status
/// of Docs/openapi.yaml, and that nothing but a fresh, open challenge answered with a trusted card's signature
/// verifies.
final class ServiceRoutesTests: XCTestCase {
    /// A clock the tests move.
    final class TestClock: Sendable {
        private let value = Mutex(Date())
        var now: Date { value.withLock { $0 } }
        func advance(by seconds: TimeInterval) { value.withLock { $0 += seconds } }
    }

    struct Fixture {
        var service: VerificationService
        var app: Application<RouterResponder<BasicRequestContext>>
        var key: String
        var clock: TestClock
        var pki: ServerTestPKI
    }

    /// A service on an in-memory SQLite store trusting the test roots, with the auth CRL unless `crls` is false.
    func fixture(crls: Bool = true, maximumBodyBytes: Int = 16 * 1024) async throws -> Fixture {
        let pki = try ServerTestPKI.get()
        let store = try await SQLiteServiceStore.open(path: ":memory:")
        addTeardownBlock { try? await store.close() }
        let trust = try ServiceTrust.load(
            trustDirectories: [], roots: [pki.authRoot.path, pki.signRoot.path],
            crlFiles: crls ? [pki.authCRL.path] : [])
        let clock = TestClock()
        let service = VerificationService(store: store, trust: trust, now: { clock.now })
        let key = try APIKey.generate()
        try await store.addKey(name: "kiosk-1", hash: try APIKey.hash(key), createdAt: Date())
        let router = ServiceRoutes.router(
            service: service, limits: ServiceRoutes.Limits(maximumBodyBytes: maximumBodyBytes))
        return Fixture(service: service, app: Application(router: router), key: key, clock: clock, pki: pki)
    }

    static func headers(_ key: String?, json: Bool = true) -> HTTPFields {
        var fields = HTTPFields()
        if let key { fields[.authorization] = "Bearer \(key)" }
        if json { fields[.contentType] = "application/json" }
        return fields
    }

    static func decode<T: Decodable>(_ type: T.Type, _ response: TestResponse) throws -> T {
        try ServiceAPI.makeDecoder().decode(type, from: Data(response.body.readableBytesView))
    }

    static func errorCode(_ response: TestResponse) throws -> String {
        try decode(ServiceErrorDocument.self, response).error.code
    }

    static func body(_ request: VerificationRequest) throws -> ByteBuffer {
        ByteBuffer(bytes: try ServiceAPI.makeEncoder().encode(request))
    }

    /// A challenge from the service.
    static func challenge(_ client: any TestClientProtocol, key: String) async throws -> ChallengeDocument {
        let response = try await client.execute(uri: ServiceAPI.challengesPath, method: .post, headers: headers(key))
        XCTAssertEqual(response.status, .created)
        return try decode(ChallengeDocument.self, response)
    }

    /// The answer `openssl dgst -sign` gives to `challenge` with `certificate`.
    static func answer(
        _ challenge: ChallengeDocument, certificate: URL, pki: ServerTestPKI, hash: HashAlgorithm = .sha256,
        claimedHash: HashAlgorithm? = nil, kind: VerificationKind? = nil
    ) throws -> VerificationRequest {
        let bytes = try XCTUnwrap(challenge.challengeBytes)
        return VerificationRequest(
            challengeId: challenge.id, certificate: try pki.der(certificate),
            signature: try pki.sign(bytes, hash: hash.rawValue), hash: claimedHash ?? hash, kind: kind)
    }

    static func post(_ client: any TestClientProtocol, _ request: VerificationRequest, key: String?) async throws
        -> TestResponse
    {
        try await client.execute(
            uri: ServiceAPI.verificationsPath, method: .post, headers: Self.headers(key), body: try Self.body(request))
    }

    func testChallengeIsThirtyTwoFreshBytesThatExpireAfterTheLifetime() async throws {
        let f = try await fixture()
        try await f.app.test(.router) { client in
            let first = try await Self.challenge(client, key: f.key)
            let second = try await Self.challenge(client, key: f.key)
            XCTAssertEqual(first.challengeBytes?.count, 32)
            XCTAssertNotEqual(first.challenge, second.challenge)
            XCTAssertNotEqual(first.id, second.id)
            XCTAssertEqual(first.expiresAt.timeIntervalSince(f.clock.now), 120, accuracy: 0.01)
        }
    }

    func testValidAuthenticationAnswerVerifiesOnceAndAReplayIsRefused() async throws {
        let f = try await fixture()
        try await f.app.test(.router) { client in
            let challenge = try await Self.challenge(client, key: f.key)
            let request = try Self.answer(challenge, certificate: f.pki.authLeaf, pki: f.pki)
            let response = try await Self.post(client, request, key: f.key)
            XCTAssertEqual(response.status, .ok)
            let verdict = try Self.decode(Verdict.self, response)
            XCTAssertTrue(verdict.valid, "\(verdict.failures)")
            XCTAssertEqual(verdict.failures, [])
            XCTAssertEqual(verdict.kind, .auth)
            XCTAssertNil(verdict.identity)
            // The serial as openssl prints it.
            let serial = try OpenSSLTool.run(["x509", "-in", f.pki.authLeaf.path, "-noout", "-serial"])
                .standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
            XCTAssertEqual("serial=\(verdict.certificate?.serialNumber ?? "")", serial)
            XCTAssertEqual(verdict.revocation.source, "crl")
            XCTAssertEqual(verdict.revocation.crl?.issuer.contains("JPKI for user authentication"), true)
            let anchor = try XCTUnwrap(verdict.trustAnchor)
            XCTAssertEqual(anchor.hierarchy, "authentication")
            XCTAssertNil(anchor.generation)
            let fingerprint = try OpenSSLTool.run(
                ["x509", "-in", f.pki.authRoot.path, "-noout", "-fingerprint", "-sha256"]
            ).standardOutput.split(separator: "=").last.map { $0.replacingOccurrences(of: ":", with: "") }
            XCTAssertEqual(anchor.sha256Fingerprint, fingerprint?.trimmingCharacters(in: .whitespacesAndNewlines))

            let replay = try await Self.post(client, request, key: f.key)
            XCTAssertEqual(replay.status, .conflict)
            XCTAssertEqual(try Self.errorCode(replay), "challenge-used")
        }
        let metrics = String(decoding: f.service.metrics.render(), as: UTF8.self)
        XCTAssertTrue(metrics.contains(#"mynakit_verifications_total{verdict="valid"} 1"#), metrics)
        XCTAssertTrue(metrics.contains(#"mynakit_challenge_refusals_total{reason="used"} 1"#), metrics)
    }

    func testSigningCertificateVerdictCarriesTheIdentity() async throws {
        let f = try await fixture(crls: false)
        try await f.app.test(.router) { client in
            let challenge = try await Self.challenge(client, key: f.key)
            let request = try Self.answer(
                challenge, certificate: f.pki.signLeaf, pki: f.pki, hash: .sha384, kind: .sign)
            let response = try await Self.post(client, request, key: f.key)
            let verdict = try Self.decode(Verdict.self, response)
            XCTAssertEqual(response.status, .ok, "\(verdict.failures)")
            XCTAssertEqual(verdict.identity?.name, ServerTestPKI.name)
            XCTAssertEqual(verdict.identity?.address, ServerTestPKI.address)
            XCTAssertEqual(verdict.identity?.dateOfBirth, "19900315")
            XCTAssertEqual(verdict.identity?.sex, "2")
            XCTAssertEqual(verdict.revocation.source, "not-checked")
            XCTAssertEqual(verdict.trustAnchor?.hierarchy, "signing")
        }
    }

    func testEveryBadAnswerIsUnprocessableWithItsReason() async throws {
        let f = try await fixture()
        struct Case: Sendable {
            var name: String
            var certificate: URL
            var hash: HashAlgorithm = .sha256
            var claimed: HashAlgorithm? = nil
            var kind: VerificationKind? = nil
            var tamper = false
            var expected: Set<String>
        }
        let cases = [
            Case(name: "tampered signature", certificate: f.pki.authLeaf, tamper: true, expected: ["signature-invalid"]),
            Case(name: "wrong hash", certificate: f.pki.authLeaf, hash: .sha256, claimed: .sha512,
                expected: ["signature-invalid"]),
            Case(name: "untrusted root with the same DN", certificate: f.pki.foreignLeaf,
                expected: ["unknown-issuer"]),
            Case(name: "revoked", certificate: f.pki.revokedLeaf, expected: ["revoked"]),
            Case(name: "signing certificate sent as auth", certificate: f.pki.signLeaf,
                expected: ["wrong-profile", "crl-missing"]),
        ]
        try await f.app.test(.router) { client in
            for test in cases {
                let challenge = try await Self.challenge(client, key: f.key)
                var request = try Self.answer(
                    challenge, certificate: test.certificate, pki: f.pki, hash: test.hash,
                    claimedHash: test.claimed, kind: test.kind)
                if test.tamper {
                    var signature = try XCTUnwrap(Data(base64Encoded: request.signature))
                    signature[100] ^= 0x01
                    request.signature = signature.base64EncodedString()
                }
                let response = try await Self.post(client, request, key: f.key)
                XCTAssertEqual(response.status, .unprocessableContent, test.name)
                let verdict = try Self.decode(Verdict.self, response)
                XCTAssertFalse(verdict.valid, test.name)
                let codes = Set(verdict.failures.map(\.code))
                XCTAssertTrue(test.expected.isSubset(of: codes), "\(test.name): \(codes)")
                if test.name == "revoked" {
                    XCTAssertEqual(verdict.revocation.source, "crl")
                    XCTAssertTrue(verdict.failures.contains { $0.message.contains("keyCompromise") }, "\(verdict.failures)")
                }
                // Whatever the verdict, the challenge is gone.
                let again = try await Self.post(client, request, key: f.key)
                XCTAssertEqual(again.status, .conflict, test.name)
            }
        }
        let metrics = String(decoding: f.service.metrics.render(), as: UTF8.self)
        XCTAssertTrue(metrics.contains(#"mynakit_verifications_total{verdict="invalid"} 5"#), metrics)
        XCTAssertTrue(metrics.contains(#"mynakit_verifications_total{verdict="valid"} 0"#), metrics)
    }

    func testExpiredAndUnknownChallengesAreGoneAndNeverVerify() async throws {
        let f = try await fixture()
        try await f.app.test(.router) { client in
            let challenge = try await Self.challenge(client, key: f.key)
            let request = try Self.answer(challenge, certificate: f.pki.authLeaf, pki: f.pki)
            f.clock.advance(by: 120.001)
            let expired = try await Self.post(client, request, key: f.key)
            XCTAssertEqual(expired.status, .gone)
            XCTAssertEqual(try Self.errorCode(expired), "challenge-expired")

            var unknown = request
            unknown.challengeId = "00000000000000000000000000000000"
            let response = try await Self.post(client, unknown, key: f.key)
            XCTAssertEqual(response.status, .gone)
            XCTAssertEqual(try Self.errorCode(response), "challenge-unknown")

            // Purged after expiry: unknown from then on.
            let purgedCount = try await f.service.purgeExpired()
            XCTAssertEqual(purgedCount, 1)
            let purged = try await Self.post(client, request, key: f.key)
            XCTAssertEqual(try Self.errorCode(purged), "challenge-unknown")
        }
        let metrics = String(decoding: f.service.metrics.render(), as: UTF8.self)
        XCTAssertTrue(metrics.contains(#"mynakit_verifications_total{verdict="valid"} 0"#), metrics)
    }

    func testAChallengeIssuedToAnotherKeyCannotBeAnsweredOrSpent() async throws {
        let f = try await fixture()
        let other = try APIKey.generate()
        try await f.service.store.addKey(name: "kiosk-2", hash: try APIKey.hash(other), createdAt: Date())
        try await f.app.test(.router) { client in
            let challenge = try await Self.challenge(client, key: f.key)
            let request = try Self.answer(challenge, certificate: f.pki.authLeaf, pki: f.pki)
            let stolen = try await Self.post(client, request, key: other)
            XCTAssertEqual(stolen.status, .gone)
            XCTAssertEqual(try Self.errorCode(stolen), "challenge-unknown")
            // The owner can still use it.
            let response = try await Self.post(client, request, key: f.key)
            XCTAssertEqual(response.status, .ok)
        }
    }

    func testWithoutAValidKeyNothingIsTouched() async throws {
        let f = try await fixture()
        let keys: [String?] = [nil, "mk_not-a-key", "Basic dXNlcjpwYXNz", f.key + "x"]
        try await f.app.test(.router) { client in
            let challenge = try await Self.challenge(client, key: f.key)
            let request = try Self.answer(challenge, certificate: f.pki.authLeaf, pki: f.pki)
            for key in keys {
                var headers = Self.headers(nil)
                if let key { headers[.authorization] = key.hasPrefix("Basic") ? key : "Bearer \(key)" }
                for (path, body) in [
                    (ServiceAPI.challengesPath, nil), (ServiceAPI.verificationsPath, try Self.body(request)),
                ] {
                    let response = try await client.execute(uri: path, method: .post, headers: headers, body: body)
                    XCTAssertEqual(response.status, .unauthorized, "\(String(describing: key)) \(path)")
                    XCTAssertEqual(response.headers[.wwwAuthenticate], "Bearer")
                    XCTAssertEqual(try Self.errorCode(response), "unauthorized")
                }
            }
            // The unauthorised attempts did not consume the challenge: its owner's answer still verifies.
            let response = try await Self.post(client, request, key: f.key)
            XCTAssertEqual(response.status, .ok)
        }
        let metrics = String(decoding: f.service.metrics.render(), as: UTF8.self)
        XCTAssertTrue(metrics.contains("mynakit_challenges_issued_total 1"), metrics)
        XCTAssertTrue(metrics.contains("mynakit_unauthorized_requests_total 8"), metrics)
    }

    func testMalformedRequestsAre400WithAReasonAndConsumeNothing() async throws {
        let f = try await fixture(maximumBodyBytes: 4096)
        try await f.app.test(.router) { client in
            let challenge = try await Self.challenge(client, key: f.key)
            let good = try Self.answer(challenge, certificate: f.pki.authLeaf, pki: f.pki)
            let goodJSON = try XCTUnwrap(
                JSONSerialization.jsonObject(with: try ServiceAPI.makeEncoder().encode(good)) as? [String: Any])
            func variant(_ change: (inout [String: Any]) -> Void) throws -> ByteBuffer {
                var object = goodJSON
                change(&object)
                return ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object))
            }
            let cases: [(String, ByteBuffer, HTTPResponse.Status, String, String?)] = [
                ("not JSON", ByteBuffer(string: "{challengeId:"), .badRequest, "invalid-json", nil),
                ("an array", ByteBuffer(string: "[]"), .badRequest, "invalid-json", nil),
                ("no signature", try variant { $0["signature"] = nil }, .badRequest, "invalid-json", "signature"),
                ("signature not base64", try variant { $0["signature"] = "***" }, .badRequest, "invalid-base64",
                    "signature"),
                ("certificate not base64", try variant { $0["certificate"] = "%%" }, .badRequest, "invalid-base64",
                    "certificate"),
                ("hash md5", try variant { $0["hash"] = "md5" }, .badRequest, "invalid-json", "sha256"),
                ("kind other", try variant { $0["kind"] = "card" }, .badRequest, "invalid-json", "auth or sign"),
                ("hash a number", try variant { $0["hash"] = 5 }, .badRequest, "invalid-json", "hash"),
                ("empty id", try variant { $0["challengeId"] = "" }, .badRequest, "invalid-field", "challengeId"),
                ("too large", try variant { $0["padding"] = String(repeating: "A", count: 5000) },
                    .contentTooLarge, "body-too-large", "4096"),
            ]
            for (name, body, status, code, mention) in cases {
                let response = try await client.execute(
                    uri: ServiceAPI.verificationsPath, method: .post, headers: Self.headers(f.key), body: body)
                XCTAssertEqual(response.status, status, name)
                let error = try Self.decode(ServiceErrorDocument.self, response).error
                XCTAssertEqual(error.code, code, name)
                if let mention { XCTAssertTrue(error.message.contains(mention), "\(name): \(error.message)") }
            }
            var plain = Self.headers(f.key, json: false)
            plain[.contentType] = "text/plain"
            let typed = try await client.execute(
                uri: ServiceAPI.verificationsPath, method: .post, headers: plain, body: try Self.body(good))
            XCTAssertEqual(typed.status, .unsupportedMediaType)
            // None of it spent the challenge.
            let response = try await Self.post(client, good, key: f.key)
            XCTAssertEqual(response.status, .ok)
        }
    }

    func testARemovedKeyStopsWorkingWithinTheKeyCacheLifetime() async throws {
        let pki = try ServerTestPKI.get()
        let store = try await SQLiteServiceStore.open(path: ":memory:")
        addTeardownBlock { try? await store.close() }
        let trust = try ServiceTrust.load(trustDirectories: [], roots: [pki.authRoot.path], crlFiles: [])
        let service = VerificationService(
            store: store, trust: trust,
            configuration: VerificationService.Configuration(keyCacheLifetime: 0.3))
        let key = try APIKey.generate()
        try await store.addKey(name: "kiosk-1", hash: try APIKey.hash(key), createdAt: Date())
        let first = try await service.authenticate(authorization: "Bearer \(key)")
        XCTAssertEqual(first, "kiosk-1")
        try await store.removeKey(name: "kiosk-1")
        let cached = try await service.authenticate(authorization: "Bearer \(key)")
        XCTAssertEqual(cached, "kiosk-1", "remembered for the cache lifetime")
        try await Task.sleep(for: .milliseconds(400))
        let expired = try await service.authenticate(authorization: "Bearer \(key)")
        XCTAssertNil(expired)
        // An unknown key is never remembered: it is refused every time without a cache entry.
        let unknown = try await service.authenticate(authorization: "Bearer \(APIKey.generate())")
        XCTAssertNil(unknown)
    }

    func testHealthMetricsAndMethods() async throws {
        let f = try await fixture()
        try await f.app.test(.router) { client in
            let health = try await client.execute(uri: ServiceAPI.healthPath, method: .get)
            XCTAssertEqual(health.status, .ok)
            XCTAssertEqual(try Self.decode(HealthDocument.self, health), HealthDocument(status: "ok", store: "sqlite"))
            let metrics = try await client.execute(uri: ServiceAPI.metricsPath, method: .get)
            XCTAssertEqual(metrics.status, .ok)
            XCTAssertEqual(metrics.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4"), true)
            let text = String(buffer: metrics.body)
            XCTAssertTrue(text.contains("# TYPE mynakit_verifications_total counter"), text)
            XCTAssertTrue(text.contains("# TYPE mynakit_verification_duration_seconds histogram"), text)
            let wrong = try await client.execute(uri: ServiceAPI.challengesPath, method: .get, headers: Self.headers(f.key))
            XCTAssertEqual(wrong.status, .methodNotAllowed)
            XCTAssertEqual(wrong.headers[.allow], "POST")
        }
    }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaVerify
import TestSupport
import XCTest

/// One test per verdict. Each chain verdict is cross-checked against `openssl verify -CAfile … -attime …`
/// (with `-crl_check -CRLfile …` when CRLs are given): MynaVerify's chain failures are empty exactly when
/// `openssl verify` succeeds.
final class CertificateVerifierTests: XCTestCase {
    private var pki: TestPKI!
    private var authStore: TrustStore!
    private var signStore: TrustStore!
    /// Taken after the PKI exists: its roots and CRLs start at the moment they were made.
    private var now = Date()

    override func setUpWithError() throws {
        pki = try TestPKI.get()
        now = Date()
        authStore = try TrustStore(anchors: [pki.certificate(pki.authRoot)])
        signStore = try TrustStore(anchors: [pki.certificate(pki.signRoot)])
    }

    /// Verifies with MynaVerify and with `openssl verify`, asserts they agree, and returns MynaVerify's result.
    private func verify(
        _ leaf: URL,
        profile: CertificateVerifier.Profile = .authentication,
        roots: [URL]? = nil,
        intermediates: [URL] = [],
        crls: [URL] = [],
        at time: Date? = nil,
        revocationPolicy: CertificateVerifier.RevocationPolicy = .checkWhenCRLsGiven,
        stricterThanOpenSSL: Bool = false,
        file: StaticString = #filePath,
        line: UInt = #line
    ) throws -> VerificationResult {
        let time = time ?? now
        let roots = roots ?? [profile == .authentication ? pki.authRoot : pki.signRoot]
        let verifier = CertificateVerifier(
            trustStore: try TrustStore(anchors: roots.map { try pki.certificate($0) }),
            profile: profile,
            revocationPolicy: revocationPolicy
        )
        let result = verifier.verify(
            leaf: try pki.certificate(leaf),
            intermediates: try intermediates.map { try pki.certificate($0) },
            at: time,
            crls: try crls.map { try pki.crl($0) }
        )
        let opensslAccepts = try pki.opensslVerifies(
            leaf, roots: roots, untrusted: intermediates, crls: crls,
            crlCheck: !crls.isEmpty || revocationPolicy == .require, at: time)
        // `stricterThanOpenSSL`: a case MynaVerify rejects on purpose although `openssl verify` accepts it.
        XCTAssertEqual(
            stricterThanOpenSSL ? false : result.chainFailures.isEmpty,
            stricterThanOpenSSL ? !opensslAccepts : opensslAccepts,
            "MynaVerify and openssl verify disagree: \(result.failures)",
            file: file,
            line: line
        )
        return result
    }

    private func codes(_ result: VerificationResult) -> [String] { result.failures.map(\.code) }

    // MARK: Good chains

    func testGoodAuthenticationChain() throws {
        let result = try verify(pki.authLeaf)
        XCTAssertEqual(result.failures, [])
        XCTAssertTrue(result.isValid)
        XCTAssertEqual(result.chain.map(\.subject.description), [
            "CN=AUTH0001, C=JP",
            "C=JP, O=JPKI, OU=JPKI for user authentication, OU=Japan Agency for Local Authority Information Systems",
        ])
        XCTAssertEqual(result.chain.last, try pki.certificate(pki.authRoot))
        XCTAssertNotNil(result.verifiedCertificate)
    }

    func testGoodSigningChainWithCRL() throws {
        let result = try verify(pki.signLeaf, profile: .signing, crls: [pki.signCRL])
        XCTAssertEqual(result.failures, [])
        XCTAssertEqual(result.verifiedCertificate?.profile, .signing)
    }

    func testGoodChainWithCRLListingOtherSerials() throws {
        XCTAssertEqual(try verify(pki.authLeaf, crls: [pki.authCRL, pki.signCRL]).failures, [])
    }

    func testSameStoreServesBothProfilesAndManyThreads() throws {
        let store = try TrustStore(anchors: [pki.certificate(pki.authRoot), pki.certificate(pki.signRoot)])
        let auth = try pki.certificate(pki.authLeaf)
        let sign = try pki.certificate(pki.signLeaf)
        let authVerifier = CertificateVerifier(trustStore: store, profile: .authentication)
        let signVerifier = CertificateVerifier(trustStore: store, profile: .signing)
        DispatchQueue.concurrentPerform(iterations: 64) { index in
            let result = index.isMultiple(of: 2) ? authVerifier.verify(leaf: auth) : signVerifier.verify(leaf: sign)
            XCTAssertTrue(result.isValid, "\(result.failures)")
        }
    }

    // MARK: One failure per reason

    func testExpired() throws {
        let result = try verify(pki.expiredLeaf)
        XCTAssertEqual(codes(result), ["expired"])
        guard case .expired(0, _, let notAfter) = result.failures[0] else { return XCTFail("\(result.failures)") }
        XCTAssertEqual(notAfter, Date(timeIntervalSince1970: 1_577_836_800))
    }

    func testNotYetValid() throws {
        let result = try verify(pki.notYetValidLeaf)
        XCTAssertEqual(codes(result), ["not-yet-valid"])
        // And valid at a time inside its validity period (the roots are valid for 20 years from now).
        XCTAssertEqual(try verify(pki.notYetValidLeaf, at: Date(timeIntervalSince1970: 2_210_000_000)).failures, [])
    }

    func testExpiredAtGivenTime() throws {
        let after = Date(timeIntervalSince1970: 2_208_988_800 + 86_400)  // 2040-01-02
        XCTAssertEqual(codes(try verify(pki.authLeaf, at: after)), ["expired"])
    }

    func testUnknownRoot() throws {
        let result = try verify(pki.authLeaf, profile: .authentication, roots: [pki.signRoot])
        XCTAssertEqual(codes(result), ["unknown-issuer"])
        XCTAssertNil(result.verifiedCertificate)
    }

    func testForeignRootWithTheSameDNIsNotTrusted() throws {
        let trusted = try pki.certificate(pki.authRoot)
        let foreign = try pki.certificate(pki.foreignRoot)
        XCTAssertEqual(trusted.subject, foreign.subject, "the test needs identical names")
        XCTAssertEqual(codes(try verify(pki.foreignLeaf)), ["unknown-issuer"])
        // Offering the foreign root as chain-building material does not make it an anchor.
        XCTAssertEqual(codes(try verify(pki.foreignLeaf, intermediates: [pki.foreignRoot])), ["unknown-issuer"])
    }

    func testIntermediatesAreNeverAnchors() throws {
        let result = try verify(pki.authLeaf, roots: [pki.signRoot], intermediates: [pki.authRoot])
        XCTAssertEqual(codes(result), ["unknown-issuer"])
    }

    func testSelfSignedLeaf() throws {
        XCTAssertEqual(codes(try verify(pki.selfSignedLeaf)), ["self-signed-leaf"])
        // Even when someone put it into the trust store (which `openssl verify` accepts).
        let result = try verify(pki.selfSignedLeaf, roots: [pki.authRoot, pki.selfSignedLeaf], stricterThanOpenSSL: true)
        XCTAssertEqual(codes(result), ["self-signed-leaf"])
    }

    func testRevoked() throws {
        let result = try verify(pki.revokedLeaf, crls: [pki.authCRL])
        XCTAssertEqual(codes(result), ["revoked"])
        guard case .revoked(let serial, let date, let reason) = result.failures[0] else { return XCTFail() }
        XCTAssertEqual(serial, try pki.certificate(pki.revokedLeaf).serialNumber)
        XCTAssertEqual(date?.timeIntervalSince1970 ?? 0, pki.crlTime.timeIntervalSince1970, accuracy: 120)
        XCTAssertEqual(reason, .keyCompromise)
        // Without CRLs revocation is not checked (the default policy).
        XCTAssertEqual(try verify(pki.revokedLeaf).failures, [])
    }

    func testStaleCRL() throws {
        let later = pki.crlTime.addingTimeInterval(60 * 86_400)
        let result = try verify(pki.authLeaf, crls: [pki.authCRL], at: later)
        XCTAssertEqual(codes(result), ["stale-crl"])
        guard case .staleCRL(_, let nextUpdate) = result.failures[0] else { return XCTFail() }
        XCTAssertEqual(nextUpdate, try pki.crl(pki.authCRL).nextUpdate)
        // A stale CRL still reports what it knows.
        XCTAssertEqual(codes(try verify(pki.revokedLeaf, crls: [pki.authCRL], at: later)), ["stale-crl", "revoked"])
    }

    func testCRLMissingForTheIssuer() throws {
        XCTAssertEqual(codes(try verify(pki.authLeaf, crls: [pki.signCRL])), ["crl-missing"])
        let required = try verify(pki.authLeaf, revocationPolicy: .require)
        XCTAssertEqual(codes(required), ["crl-missing"])
    }

    func testCRLSignedByForeignKeyIsRejected() throws {
        let result = try verify(pki.authLeaf, crls: [pki.foreignCRL])
        XCTAssertTrue(codes(result).contains("crl-invalid"), "\(result.failures)")
        XCTAssertFalse(result.isValid)
    }

    func testSigningCertificatePresentedAsAuthentication() throws {
        let result = try verify(pki.signLeaf, profile: .authentication, roots: [pki.signRoot])
        XCTAssertEqual(result.chainFailures, [])
        XCTAssertEqual(result.failures, [
            .wrongProfile(
                expected: .authentication,
                missing: .policy(arc: "1.2.392.200149.8.5.1.3"),
                present: ["1.2.392.200149.8.5.1.1.20"]
            ),
            .wrongProfile(expected: .authentication, missing: .keyUsage(.digitalSignature), present: ["nonRepudiation"]),
        ])
        XCTAssertNil(result.verifiedCertificate)
    }

    func testAuthenticationCertificatePresentedAsSigning() throws {
        let result = try verify(pki.authLeaf, profile: .signing, roots: [pki.authRoot])
        XCTAssertEqual(result.failures, [
            .wrongProfile(
                expected: .signing,
                missing: .policy(arc: "1.2.392.200149.8.5.1.1"),
                present: ["1.2.392.200149.8.5.1.3.30"]
            ),
            .wrongProfile(expected: .signing, missing: .keyUsage(.nonRepudiation), present: ["digitalSignature"]),
        ])
    }

    func testCAFlagOnLeaf() throws {
        XCTAssertEqual(codes(try verify(pki.caFlagLeaf)), ["ca-flag-on-leaf"])
    }

    func testBadSignatureOnTamperedTBS() throws {
        var der = try pki.certificate(pki.authLeaf).derBytes
        // Change one byte of the subject's CN inside the TBSCertificate: "AUTH0001" becomes "AUTH0009".
        let cn = Array("AUTH0001".utf8)
        let index = try XCTUnwrap(
            (0...(der.count - cn.count)).last { Array(der[$0..<($0 + cn.count)]) == cn }
        )
        der[index + cn.count - 1] = UInt8(ascii: "9")
        let tampered = pki.directory.appendingPathComponent("tampered-\(UUID().uuidString).der")
        try Data(der).write(to: tampered)
        let tamperedPEM = tampered.appendingPathExtension("pem")
        try OpenSSLTool.run(["x509", "-inform", "DER", "-in", tampered.path, "-out", tamperedPEM.path])
        let result = try verify(tamperedPEM)
        XCTAssertEqual(codes(result), ["bad-signature"])
    }

    func testEveryFailureIsListed() throws {
        // A signing certificate, presented as authentication, against the wrong root, with a CRL for another issuer.
        let result = try verify(pki.signLeaf, profile: .authentication, roots: [pki.authRoot], crls: [pki.authCRL])
        XCTAssertEqual(Set(codes(result)), ["unknown-issuer", "wrong-profile", "crl-missing"])
        XCTAssertEqual(codes(result).filter { $0 == "wrong-profile" }.count, 2)
    }

    func testTruncatedAndGarbageInputBecomeMalformedVerdicts() throws {
        let verifier = CertificateVerifier(trustStore: authStore, profile: .authentication)
        let der = try pki.certificate(pki.authLeaf).derBytes
        for offset in [0, 1, 7, 64, der.count / 3, der.count - 1] {
            let result = verifier.verify(leafBytes: Array(der.prefix(offset)))
            XCTAssertEqual(codes(result), ["malformed-der"], "offset \(offset)")
            XCTAssertNil(result.leaf)
            XCTAssertFalse(result.isValid)
        }
        XCTAssertEqual(codes(verifier.verify(leafBytes: Array("garbage".utf8))), ["malformed-der"])
        XCTAssertTrue(verifier.verify(leafBytes: der).isValid)
    }
}

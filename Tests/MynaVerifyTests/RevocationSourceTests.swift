//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import TestSupport
import XCTest

@testable import MynaVerify

/// Every verdict says where revocation came from: the CRL OpenSSL checked the leaf against (which one, with its
/// update times), or that it was not checked.
final class RevocationSourceTests: XCTestCase {
    private var pki: TestPKI!
    private var verifier: CertificateVerifier!

    override func setUpWithError() throws {
        pki = try TestPKI.get()
        verifier = CertificateVerifier(
            trustStore: try TrustStore(anchors: [pki.certificate(pki.authRoot)]), profile: .authentication)
    }

    func testNoCRLMeansNotChecked() throws {
        let result = verifier.verify(leaf: try pki.certificate(pki.authLeaf))
        XCTAssertTrue(result.isValid)
        XCTAssertEqual(result.revocationSource, .notChecked)
        XCTAssertEqual(result.revocationSource.description, "not checked")
        XCTAssertEqual(result.revocationSource.code, "not-checked")
        XCTAssertEqual(result.verifiedCertificate?.revocationSource, .notChecked)
    }

    func testTheCRLUsedIsNamedWithItsUpdateTimes() throws {
        let authCRL = try pki.crl(pki.authCRL)
        let result = verifier.verify(leaf: try pki.certificate(pki.authLeaf), crls: [try pki.crl(pki.signCRL), authCRL])
        XCTAssertEqual(result.failures, [])
        XCTAssertEqual(
            result.revocationSource,
            .crl(index: 1, issuer: authCRL.issuer, thisUpdate: authCRL.thisUpdate, nextUpdate: authCRL.nextUpdate))
        let nextUpdate = try XCTUnwrap(authCRL.nextUpdate)
        XCTAssertEqual(
            result.revocationSource.description(crlName: { ["sign.crl", "auth.crl"][$0] }),
            "crl auth.crl (this update \(authCRL.thisUpdate.formatted(.iso8601)), next update "
                + "\(nextUpdate.formatted(.iso8601)))")
        XCTAssertTrue(result.revocationSource.description.hasPrefix("crl #1 (this update "))
        // The times are the CRL's own, as openssl prints them.
        let text = try OpenSSLTool.run(["crl", "-in", pki.authCRL.path, "-noout", "-lastupdate", "-nextupdate"])
            .standardOutput
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "MMM d HH:mm:ss yyyy 'GMT'"
        let fields = Dictionary(uniqueKeysWithValues: text.split(separator: "\n").map { line -> (String, String) in
            let parts = line.split(separator: "=", maxSplits: 1)
            return (String(parts[0]), String(parts[1]).replacingOccurrences(of: "  ", with: " "))
        })
        XCTAssertEqual(fields["lastUpdate"].flatMap(formatter.date(from:)), authCRL.thisUpdate)
        XCTAssertEqual(fields["nextUpdate"].flatMap(formatter.date(from:)), nextUpdate)
    }

    func testARevokedLeafNamesTheCRLThatRevokedIt() throws {
        let result = verifier.verify(leaf: try pki.certificate(pki.revokedLeaf), crls: [try pki.crl(pki.authCRL)])
        XCTAssertEqual(result.failures.map(\.code), ["revoked"])
        XCTAssertEqual(result.revocationSource.code, "crl")
    }

    /// `.require` without a CRL: not checked, and a failure.
    func testRequiredButNotCheckedFails() throws {
        let strict = CertificateVerifier(trustStore: verifier.trustStore, profile: .authentication, revocationPolicy: .require)
        let result = strict.verify(leaf: try pki.certificate(pki.authLeaf))
        XCTAssertEqual(result.revocationSource, .notChecked)
        XCTAssertEqual(result.failures.map(\.code), ["crl-missing"])
        XCTAssertFalse(result.isValid)

        // Another source (OCSP, plugged in by its checker) establishes revocation: the missing CRL no longer counts.
        let thisUpdate = Date()
        let checked = result.applyingRevocationCheck(
            source: .ocsp(url: "http://127.0.0.1:8080/", thisUpdate: thisUpdate, nextUpdate: nil), failures: [])
        XCTAssertTrue(checked.isValid)
        XCTAssertEqual(checked.revocationSource.description, "ocsp http://127.0.0.1:8080/")
        XCTAssertEqual(checked.verifiedCertificate?.revocationSource.code, "ocsp")
        let revoked = result.applyingRevocationCheck(
            source: .ocsp(url: "http://127.0.0.1:8080/", thisUpdate: thisUpdate, nextUpdate: nil),
            failures: [.revoked(serialNumber: "1000", revocationDate: nil, reason: .keyCompromise)])
        XCTAssertEqual(revoked.failures.map(\.code), ["revoked"])
        // Not checked by the other source either: the failure stays.
        XCTAssertEqual(result.applyingRevocationCheck(source: .notChecked, failures: []).failures.map(\.code), ["crl-missing"])
    }

    /// The test PKI's root carries J-LIS's name with its own key: the verdict says the anchor is not pinned.
    func testTheAnchorOfTheVerdictIsClassified() throws {
        let result = verifier.verify(leaf: try pki.certificate(pki.authLeaf))
        XCTAssertEqual(result.trustAnchor?.certificate, try pki.certificate(pki.authRoot))
        XCTAssertEqual(result.trustAnchor?.classification, .jlisUnpinned(hierarchy: .authentication, published: nil))
        XCTAssertEqual(result.verifiedCertificate?.trustAnchor, result.trustAnchor)
        let foreign = verifier.verify(leaf: try pki.certificate(pki.foreignLeaf))
        XCTAssertNil(foreign.trustAnchor, "no anchor reached")
    }
}

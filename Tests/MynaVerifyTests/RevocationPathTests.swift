//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
@testable import MynaVerify
import TestSupport
import XCTest

/// ``CertificateVerifier`` checks the leaf against its issuer's CRL itself (``RevocationList/revocationFailures``,
/// signature verdict remembered) instead of handing the list to OpenSSL's CRL check, which hashes the whole list on
/// every verification. The two paths must give the same verdict: same failures in the same order, same revocation
/// source, same chain. Each case runs both and compares; the cases the direct path exists for must take it.
final class RevocationPathTests: XCTestCase {
    private struct Case {
        var name: String
        var verifier: CertificateVerifier
        var leaf: Certificate
        var crls: [RevocationList]
        var time: Date
        /// Whether the direct path must judge this case (otherwise it may hand it to OpenSSL).
        var direct: Bool
    }

    private func check(_ cases: [Case]) {
        for item in cases {
            let viaOpenSSL = item.verifier.openSSLCheck(
                leaf: item.leaf, intermediates: [], at: item.time, crls: item.crls, checkRevocation: true)
            let direct = item.verifier.directRevocationCheck(
                leaf: item.leaf, intermediates: [], at: item.time, crls: item.crls)
            guard let direct else {
                XCTAssertFalse(item.direct, "\(item.name): the direct path declined")
                continue
            }
            XCTAssertEqual(direct.failures, viaOpenSSL.failures, item.name)
            XCTAssertEqual(direct.revocationSource, viaOpenSSL.revocationSource, item.name)
            XCTAssertEqual(direct.chain, viaOpenSSL.chain, item.name)
            XCTAssertEqual(direct.trustAnchor?.certificate, viaOpenSSL.trustAnchor?.certificate, item.name)
            // And the public verdict is the direct one.
            let verdict = item.verifier.verify(leaf: item.leaf, at: item.time, crls: item.crls)
            XCTAssertEqual(verdict.chainFailures, direct.failures, item.name)
        }
    }

    func testTheTestPKIVerdictsAreTheSameOnBothPaths() throws {
        let pki = try TestPKI.get()
        let store = try TrustStore(anchors: [pki.certificate(pki.authRoot), pki.certificate(pki.foreignRoot)])
        let verifier = CertificateVerifier(trustStore: store, profile: .authentication)
        let authCRL = try pki.crl(pki.authCRL)
        let foreignCRL = try pki.crl(pki.foreignCRL)
        let now = pki.crlTime.addingTimeInterval(60)
        let stale = pki.crlTime.addingTimeInterval(40 * 86_400)
        let early = pki.crlTime.addingTimeInterval(-86_400)
        func leaf(_ url: URL) throws -> Certificate { try pki.certificate(url) }
        check([
            Case(name: "good", verifier: verifier, leaf: try leaf(pki.authLeaf), crls: [authCRL], time: now,
                 direct: true),
            Case(name: "revoked", verifier: verifier, leaf: try leaf(pki.revokedLeaf), crls: [authCRL], time: now,
                 direct: true),
            Case(name: "revoked, other lists first", verifier: verifier, leaf: try leaf(pki.revokedLeaf),
                 crls: [foreignCRL, authCRL], time: now, direct: true),
            Case(name: "stale list", verifier: verifier, leaf: try leaf(pki.authLeaf), crls: [authCRL], time: stale,
                 direct: true),
            Case(name: "list not yet valid", verifier: verifier, leaf: try leaf(pki.authLeaf), crls: [authCRL],
                 time: early, direct: true),
            Case(name: "expired leaf", verifier: verifier, leaf: try leaf(pki.expiredLeaf), crls: [authCRL],
                 time: now, direct: true),
            Case(name: "revoked and stale", verifier: verifier, leaf: try leaf(pki.revokedLeaf), crls: [authCRL],
                 time: stale, direct: true),
            Case(name: "another issuer's list only", verifier: verifier, leaf: try leaf(pki.authLeaf),
                 crls: [foreignCRL], time: now, direct: false),
            Case(name: "foreign leaf, its own list", verifier: verifier, leaf: try leaf(pki.foreignLeaf),
                 crls: [foreignCRL, authCRL], time: now, direct: true),
        ])
    }

    func testGenerationsSharingOneNameAreTheSameOnBothPaths() throws {
        let pki = try GenerationPKI.get()
        let store = try TrustStore(anchors: [1, 2, 3].map { try pki.root($0) })
        let verifier = CertificateVerifier(trustStore: store, profile: .authentication)
        let now = Date()
        func crls(_ names: [String]) throws -> [RevocationList] { try names.map { try pki.crl($0) } }
        check([
            Case(name: "gen2, both lists", verifier: verifier, leaf: try pki.certificate("gen2-bare.pem"),
                 crls: try crls(["gen3.crl.pem", "gen2.crl.pem"]), time: now, direct: true),
            Case(name: "gen3 revoked, both lists", verifier: verifier, leaf: try pki.certificate("gen3-bare.pem"),
                 crls: try crls(["gen2.crl.pem", "gen3.crl.pem"]), time: now, direct: true),
            Case(name: "gen2, only gen3's list", verifier: verifier, leaf: try pki.certificate("gen2-bare.pem"),
                 crls: try crls(["gen3.crl.pem"]), time: now, direct: false),
        ])
    }
}

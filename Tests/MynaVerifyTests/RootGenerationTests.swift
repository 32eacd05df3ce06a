//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaVerify
import TestSupport
import XCTest

/// Chain building among roots that share one name (GenerationPKI): every generation verifies what it issued, the
/// expired one at a time when it was valid, and `openssl verify` is the judge wherever it can tell the generations
/// apart (key identifiers present).
final class RootGenerationTests: XCTestCase {
    private var pki: GenerationPKI!
    /// Taken after the PKI exists: its CRLs start at the moment they were made.
    private var now = Date()

    override func setUpWithError() throws {
        pki = try GenerationPKI.get()
        now = Date()
    }

    private func store(_ generations: [Int]) throws -> TrustStore {
        try TrustStore(anchors: generations.map { try pki.root($0) })
    }

    private func verify(
        _ leaf: String, store: TrustStore, at time: Date? = nil, crls: [String] = []
    ) throws -> VerificationResult {
        CertificateVerifier(trustStore: store, profile: .authentication)
            .verify(leaf: try pki.certificate("\(leaf).pem"), at: time ?? now, crls: try crls.map { try pki.crl($0) })
    }

    private static func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    // MARK: Every generation in the store

    func testEveryGenerationVerifiesWhatItIssuedWhateverTheStoreOrder() throws {
        for order in [[1, 2, 3], [3, 2, 1], [2, 3, 1]] {
            let store = try store(order)
            for generation in 2...3 {
                for kind in ["akid", "bare"] {
                    let result = try verify("gen\(generation)-\(kind)", store: store)
                    XCTAssertEqual(result.failures, [], "gen\(generation)-\(kind), store \(order)")
                    XCTAssertEqual(
                        result.trustAnchor?.certificate, try pki.root(generation),
                        "gen\(generation)-\(kind) must chain to generation \(generation), store \(order)")
                    XCTAssertEqual(result.chain.last, try pki.root(generation))
                }
                // With key identifiers OpenSSL tells the generations apart too.
                let roots = order.map { pki.url("gen\($0).pem") }
                XCTAssertTrue(try pki.opensslVerifies("gen\(generation)-akid.pem", roots: roots, at: now))
            }
        }
    }

    /// The case the selection exists for: without key identifiers, OpenSSL's own lookup takes the first root of the
    /// name that is valid now, which for one of generations 2 and 3 is the other one (`openssl verify` fails with
    /// a bad signature), while the store picks by signature.
    func testWithoutKeyIdentifiersOpenSSLAloneTakesTheWrongGeneration() throws {
        var opensslFailures: [String] = []
        for order in [[1, 2, 3], [3, 2, 1]] {
            let roots = order.map { pki.url("gen\($0).pem") }
            for generation in 2...3 where try !pki.opensslVerifies("gen\(generation)-bare.pem", roots: roots, at: now) {
                opensslFailures.append("gen\(generation)-bare with roots \(order)")
            }
            for generation in 2...3 {
                XCTAssertTrue(try verify("gen\(generation)-bare", store: store(order)).isValid)
            }
        }
        XCTAssertFalse(opensslFailures.isEmpty, "openssl verify picked the right generation every time: no case left")
    }

    // MARK: The expired generation

    func testTheExpiredGenerationVerifiesInThePastAndIsExpiredNow() throws {
        let store = try store([1, 2, 3])
        let generation1 = try pki.root(1)
        for kind in ["akid", "bare"] {
            // 2018: only generation 1 exists. 2020: generations 1 and 2 are both valid, one name, two keys.
            for time in [Self.date("2018-06-01T00:00:00Z"), Self.date("2020-06-01T00:00:00Z")] {
                let past = try verify("gen1-\(kind)", store: store, at: time)
                XCTAssertEqual(past.failures, [], "gen1-\(kind) at \(time)")
                XCTAssertEqual(past.trustAnchor?.certificate, generation1)
            }
            let today = try verify("gen1-\(kind)", store: store)
            XCTAssertTrue(
                today.failures.contains(
                    .expired(depth: 1, subject: generation1.subject.description, notAfter: generation1.notAfter)),
                "\(today.failures)")
            XCTAssertEqual(today.trustAnchor?.certificate, generation1, "still chained to its own generation")
        }
        XCTAssertTrue(try pki.opensslVerifies(
            "gen1-akid.pem", roots: [1, 2, 3].map { pki.url("gen\($0).pem") }, at: Self.date("2018-06-01T00:00:00Z")))
        XCTAssertFalse(try pki.opensslVerifies("gen1-akid.pem", roots: [1, 2, 3].map { pki.url("gen\($0).pem") }, at: now))

        // A leaf that outlives its root: valid while the root was, and now EXPIRED because of the root alone.
        let long = try verify("gen1-long", store: store, at: Self.date("2025-01-01T00:00:00Z"))
        XCTAssertEqual(long.failures, [])
        let expired = try verify("gen1-long", store: store)
        XCTAssertEqual(
            expired.failures, [.expired(depth: 1, subject: generation1.subject.description, notAfter: generation1.notAfter)])
        XCTAssertEqual(generation1.notAfter, Self.date("2025-10-19T14:59:59Z"))
    }

    // MARK: Revocation across generations

    /// Each generation's CRL carries the one name and no authority key identifier. Handed the CRLs of two
    /// generations, `openssl verify` checks the leaf against the first one and fails on its signature; the verifier
    /// uses the one its issuer signed, and says which.
    func testCRLsOfSeveralGenerations() throws {
        let store = try store([1, 2, 3])
        let good = try verify("gen2-bare", store: store, crls: ["gen3.crl.pem", "gen2.crl.pem"])
        XCTAssertEqual(good.failures, [])
        guard case .crl(let index, _, let thisUpdate, _) = good.revocationSource else {
            return XCTFail("revocation source \(good.revocationSource)")
        }
        XCTAssertEqual(index, 1)
        XCTAssertEqual(thisUpdate, try pki.crl("gen2.crl.pem").thisUpdate)
        XCTAssertFalse(try pki.opensslVerifies(
            "gen2-bare.pem", roots: [1, 2, 3].map { pki.url("gen\($0).pem") },
            crls: ["gen3.crl.pem", "gen2.crl.pem"], at: now))

        let revoked = try verify("gen3-bare", store: store, crls: ["gen2.crl.pem", "gen3.crl.pem"])
        XCTAssertEqual(revoked.failures.map(\.code), ["revoked"])
        if case .crl(let index, _, _, _) = revoked.revocationSource { XCTAssertEqual(index, 1) } else { XCTFail() }

        // Only another generation's CRL: nothing signed by the issuer to prefer, so the bad one is reported.
        let foreign = try verify("gen2-bare", store: store, crls: ["gen3.crl.pem"])
        XCTAssertEqual(foreign.failures.map(\.code), ["crl-invalid"])
        XCTAssertFalse(try pki.opensslVerifies(
            "gen2-bare.pem", roots: [1, 2, 3].map { pki.url("gen\($0).pem") }, crls: ["gen3.crl.pem"], at: now))
    }

    // MARK: With the real J-LIS roots

    /// The generated roots carry the real roots' name: in one store with the real authentication roots, a leaf with no
    /// key identifier still chains to the generated root that signed it, which is reported as unpinned.
    func testGeneratedRootAmongTheRealJLISRoots() throws {
        let real = try JLISReferenceRoots.certificates(["auth_ca_2015.pem", "auth_ca_2023.pem"])
        let generation3 = try pki.root(3)
        XCTAssertEqual(real.map(\.subject), [generation3.subject, generation3.subject], "one name for all")
        for anchors in [real + [generation3], [generation3] + real] {
            let store = try TrustStore(anchors: anchors)
            for kind in ["akid", "bare"] {
                let result = try verify("gen3-\(kind)", store: store)
                XCTAssertEqual(result.failures, [], kind)
                XCTAssertEqual(result.trustAnchor?.certificate, generation3)
                XCTAssertEqual(result.trustAnchor?.classification, .jlisUnpinned(hierarchy: .authentication, published: nil))
                XCTAssertFalse(result.isTestHierarchy)
            }
            XCTAssertEqual(
                store.trustAnchors.map(\.classification.code), anchors.map { $0 == generation3 ? "jlis-unpinned" : "jlis-production" })
        }
    }

    // MARK: The test hierarchy

    func testVerdictsUnderTheTestHierarchySayTheyAre() throws {
        let root = try pki.certificate("test.pem")
        let result = try verify("test-leaf", store: TrustStore(anchors: [root]))
        XCTAssertEqual(result.failures, [])
        XCTAssertTrue(result.isTestHierarchy)
        XCTAssertEqual(result.verifiedCertificate?.isTestHierarchy, true)
        XCTAssertEqual(result.trustAnchor?.classification, .jpkiTest(hierarchy: .authentication))
        XCTAssertEqual(
            RootClassification(try pki.certificate("test-leaf.pem")), .jpkiTest(hierarchy: .authentication),
            "a leaf of the test hierarchy is known by its issuer")
        XCTAssertTrue(try pki.opensslVerifies("test-leaf.pem", roots: [pki.url("test.pem")], at: now))
        // A production-shaped verdict never says so.
        XCTAssertFalse(try verify("gen3-akid", store: store([3])).isTestHierarchy)
    }
}

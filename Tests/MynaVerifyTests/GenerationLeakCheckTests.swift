//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaVerify
import TestSupport
import XCTest

/// The issuer selection and CRL narrowing among same-name roots take and release OpenSSL references of their own
/// (`X509_STORE_CTX_get1_certs`, `X509_up_ref`, a replacement CRL stack): run under valgrind's leak checker as in
/// LeakCheckTests, a workload that goes through every one of those paths must lose no more after 40 iterations than
/// after 3. The trust directory's reads and writes run in the loop too.
final class GenerationLeakCheckTests: XCTestCase {
    static let workloadVariable = "MYNAVERIFY_GENERATION_LEAK_WORKLOAD"
    static let directoryVariable = "MYNAVERIFY_GENERATION_LEAK_PKI"

    func testGenerationLeakWorkload() throws {
        let (iterations, directory) = try Valgrind.workloadParameters(
            iterations: Self.workloadVariable, directory: Self.directoryVariable,
            startedBy: "testNoLeaksAmongGenerationsUnderValgrind")
        let base = URL(fileURLWithPath: directory)
        func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: base.appendingPathComponent(name))) }
        let roots = try (1...3).map { try bytes("gen\($0).pem") }
        let leaves = try ["gen1-bare", "gen2-bare", "gen3-bare", "gen2-akid", "gen1-long"].map { try bytes("\($0).pem") }
        let crls = try ["gen3.crl.pem", "gen2.crl.pem"].map { try bytes($0) }
        let trust = TrustDirectory(path: base.appendingPathComponent("trust-\(getpid())").path)
        for iteration in 0..<iterations {
            let anchors = try roots.map { try Certificate(bytes: $0) }
            let store = try TrustStore(anchors: iteration % 2 == 0 ? anchors : anchors.reversed())
            let verifier = CertificateVerifier(trustStore: store, profile: .authentication)
            let lists = try crls.map { try RevocationList(bytes: $0) }
            for leaf in leaves {
                let certificate = try Certificate(bytes: leaf)
                _ = verifier.verify(leaf: certificate)
                _ = verifier.verify(leaf: certificate, crls: lists)
                _ = verifier.verify(leaf: certificate, at: Date(timeIntervalSince1970: 1_590_000_000), crls: lists)
            }
            XCTAssertTrue(verifier.verify(leaf: try Certificate(bytes: leaves[1]), crls: lists).isValid)
            _ = try trust.add([anchors[iteration % 3]], accepting: .acceptUnpinned)
            _ = try trust.entries()
            _ = try TrustStore(directory: trust)
            _ = TrustAnchorProfile.problems(of: anchors[iteration % 3])
            _ = RootClassification(anchors[iteration % 3])
            if iteration % 3 == 2 { try trust.remove(fingerprint: TrustAnchor(anchors[0]).fingerprint) }
        }
    }

    func testNoLeaksAmongGenerationsUnderValgrind() throws {
        try Valgrind.assertLossDoesNotGrow(
            test: "MynaVerifyTests.GenerationLeakCheckTests/testGenerationLeakWorkload",
            iterationsVariable: Self.workloadVariable,
            environment: [Self.directoryVariable: try GenerationPKI.get().directory.path], iterations: (3, 40),
            label: "generations")
    }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaVerify
import TestSupport
import XCTest

/// Checks that MynaVerify frees every OpenSSL object it creates, by running a verification workload under valgrind's
/// leak checker.
///
/// `testNoLeaksUnderValgrind` re-runs this test bundle's own executable under
/// `valgrind --leak-check=full` with only `testLeakWorkload` selected, twice: with a few iterations and with many.
/// A leak in the workload's path (certificate, CRL and key parsing, chain verification with the recording callback,
/// every failure kind, signature checks, error paths that drain OpenSSL's error queue) loses memory on every
/// iteration, so the "definitely lost" and "indirectly lost" totals of the long run would exceed the short run's.
/// Allocations made once by the runtimes (Swift metadata, OpenSSL's provider tables) are the same in both runs and
/// cancel out. The test is skipped when valgrind is not installed (and fails under `CI=true`, where it is).
///
/// To do the same by hand with AddressSanitizer's leak checker instead:
///
/// ```bash
/// swift build --build-tests -Xswiftc -sanitize=address
/// MYNAVERIFY_LEAK_WORKLOAD=2000 MYNAVERIFY_LEAK_PKI=<a directory made by TestPKI> .build/debug/MynaKitPackageTests.xctest MynaVerifyTests.LeakCheckTests/testLeakWorkload
/// ```
final class LeakCheckTests: XCTestCase {
    static let workloadVariable = "MYNAVERIFY_LEAK_WORKLOAD"
    static let directoryVariable = "MYNAVERIFY_LEAK_PKI"

    /// The workload; runs only when the environment asks for it (the valgrind test sets the variable).
    func testLeakWorkload() throws {
        // The parent made the PKI (spawning openssl does not work under valgrind) and says where it is.
        let (iterations, directory) = try Valgrind.workloadParameters(
            iterations: Self.workloadVariable, directory: Self.directoryVariable, startedBy: "testNoLeaksUnderValgrind")
        func bytes(_ name: String) throws -> [UInt8] {
            [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent(name)))
        }
        let leafBytes = try bytes("auth-leaf.pem")
        let rootBytes = try bytes("auth-root.pem")
        let crlBytes = try bytes("auth-root.crl.pem")
        let foreignCRLBytes = try bytes("foreign-root.crl.pem")
        let others = try ["revoked-leaf.pem", "expired-leaf.pem", "self-signed-leaf.pem", "foreign-leaf.pem",
                          "sign-leaf.pem"].map { try bytes($0) }
        let data = try bytes("data.bin")
        let signature = try bytes("data.sha256.sig")
        for iteration in 0..<iterations {
            let store = try TrustStore(anchors: Certificate.parseMany(bytes: rootBytes))
            let crls = [try RevocationList(bytes: crlBytes), try RevocationList(bytes: foreignCRLBytes)]
            let verifier = CertificateVerifier(trustStore: store, profile: .authentication)
            let leaf = try Certificate(bytes: leafBytes)
            let good = verifier.verify(leaf: leaf, crls: [crls[0]])
            XCTAssertTrue(good.isValid)
            _ = verifier.verify(leaf: leaf, crls: [crls[1]])
            let other = try Certificate(bytes: others[iteration % others.count])
            _ = verifier.verify(leaf: other, intermediates: [leaf], at: Date(), crls: crls)
            _ = verifier.verify(leafBytes: Array(leafBytes.prefix(200)))
            _ = try? JPKIIdentity(certificate: other)
            XCTAssertTrue(try SignatureVerifier.isValidSignature(signature, for: data, hash: .sha256, publicKeyOf: leaf))
            XCTAssertFalse(try SignatureVerifier.isValidSignature(signature.reversed(), for: data, hash: .sha256,
                                                                  publicKeyOf: leaf))
            _ = try? PublicKey(bytes: [0x30, 0x03, 0x02, 0x01, 0x01])
            _ = try ChallengeResponse.makeChallenge()
            if let verified = good.verifiedCertificate {
                _ = try ChallengeResponse.verify(challenge: data, signature: signature, hash: .sha256, certificate: verified)
            }
        }
    }

    func testNoLeaksUnderValgrind() throws {
        try Valgrind.assertLossDoesNotGrow(
            test: "MynaVerifyTests.LeakCheckTests/testLeakWorkload", iterationsVariable: Self.workloadVariable,
            environment: [Self.directoryVariable: try TestPKI.get().directory.path], iterations: (3, 40),
            label: "verification")
    }
}

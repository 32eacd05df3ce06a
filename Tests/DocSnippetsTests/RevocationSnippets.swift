//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// The code between "// snippet: NAME" and "// end snippet" appears verbatim in a ```swift block of Docs/*.md;
// DocSnippetsTests fails when the two differ, so the documentation's code always compiles.

import Foundation
import MynaVerify

// snippet: revocation-cache
/// One cache for the life of the process; every request asks it for the current CRL. The file is parsed again only
/// after it changed (installed by rename, or rewritten).
let revocationLists = RevocationListCache()

func verifyWithCurrentCRL(leaf: Certificate, caFromCard: Certificate, verifier: CertificateVerifier) throws -> Bool {
    let crl = try revocationLists.revocationList(atPath: "/var/lib/mynakit/crl/auth.crl")
    let result = verifier.verify(leaf: leaf, intermediates: [caFromCard], crls: [crl])
    return result.isValid
}
// end snippet

// snippet: revocation-many-leaves
/// For many certificates against a large CRL: build the chain without the CRL, then check the leaf against the list.
/// The list's signature is verified once per issuer key, so each check is a name comparison and a hash probe.
func isRevocationClean(leaf: Certificate, chain: VerificationResult, crl: RevocationList, at time: Date) -> Bool {
    guard chain.isValid, chain.chain.count > 1 else { return false }
    return crl.revocationFailures(of: leaf, issuer: chain.chain[1], at: time).isEmpty
}
// end snippet

// snippet: revocation-ocsp
/// Asks the OCSP responder about a certificate whose chain was verified, and accepts only a checked "good".
func isGoodByOCSP(leaf: Certificate, issuer: Certificate, responderURL: String) async -> Bool {
    let client = OCSPClient(options: .init(hashAlgorithm: .sha1, nonce: .required, timeout: .seconds(5)))
    let result = await client.check(leaf, issuer: issuer, responderURL: responderURL)
    switch result.status {
    case .good?:
        return true
    case .revoked(let time, let reason)?:
        print("revoked at \(time.map { "\($0)" } ?? "an unknown time"), reason \(reason.map { "\($0)" } ?? "none")")
    case .unknown?:
        print("the responder does not know this certificate")
    case nil:
        print("no usable answer: \(result.failures.map(\.code).joined(separator: ", "))")
    }
    return false
}
// end snippet

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

extension VerificationResult {
    /// This verdict with the leaf's revocation status taken from an OCSP answer about it (``OCSPClient``).
    ///
    /// A good answer that passed every check makes OCSP the revocation source (so it satisfies
    /// ``CertificateVerifier/RevocationPolicy/require``); `revoked` adds ``VerificationFailure/revoked(serialNumber:revocationDate:reason:)``;
    /// `unknown` and an unusable answer (responder down, slow, wrong nonce, stale, badly signed, …) add their own
    /// failure, so that no answer is ever read as "not revoked". Ask only about a leaf whose chain verified, with the
    /// issuer from that chain.
    public func applying(_ ocsp: OCSPResult) -> VerificationResult {
        let url: String
        switch ocsp.source {
        case .responder(let responderURL): url = responderURL
        case .response(let name): url = name
        }
        if let failure = ocsp.failures.first {
            return applyingRevocationCheck(source: revocationSource, failures: [.ocspUnusable(url: url, failure: failure)])
        }
        let source = RevocationSource.ocsp(url: url, thisUpdate: ocsp.thisUpdate, nextUpdate: ocsp.nextUpdate)
        switch ocsp.status {
        case .good:
            return applyingRevocationCheck(source: source, failures: [])
        case .revoked(let time, let reason):
            return applyingRevocationCheck(
                source: source,
                failures: [.revoked(serialNumber: ocsp.serialNumber, revocationDate: time, reason: reason)])
        case .unknown:
            return applyingRevocationCheck(source: revocationSource, failures: [.ocspUnknown(url: url)])
        case nil:
            return applyingRevocationCheck(
                source: revocationSource,
                failures: [.ocspUnusable(url: url, failure: .internalError("an OCSP result without a status"))])
        }
    }
}

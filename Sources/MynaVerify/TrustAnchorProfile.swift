//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// What a certificate must be to serve as a JPKI trust anchor: a self-signed CA certificate that may sign
/// certificates, with an RSA key of at least 2048 bits, as every J-LIS root is.
///
/// The trust store asks it before adding a root that is not pinned (``TrustDirectory/admission(of:)``); pinned J-LIS
/// roots meet it by construction (and the tests check that they do).
public enum TrustAnchorProfile {
    /// One way a certificate falls short of the profile.
    public enum Problem: Sendable, Hashable, CustomStringConvertible {
        /// Its issuer is not its subject: it is not a root.
        case notSelfIssued(issuer: String)
        /// Its signature does not verify with its own key.
        case selfSignatureInvalid
        /// basicConstraints does not say CA:TRUE.
        case notCA
        /// keyUsage is present without keyCertSign.
        case mayNotSignCertificates
        /// The key is not RSA, or RSA shorter than 2048 bits.
        case weakOrUnsupportedKey(algorithm: String, bits: Int)

        public var description: String {
            switch self {
            case .notSelfIssued(let issuer): return "not a root: issued by \(issuer)"
            case .selfSignatureInvalid: return "its signature does not verify with its own key"
            case .notCA: return "not a CA certificate (basicConstraints CA:TRUE missing)"
            case .mayNotSignCertificates: return "keyUsage does not allow keyCertSign"
            case .weakOrUnsupportedKey(let algorithm, let bits):
                return "key \(algorithm) \(bits) bits (RSA >= 2048 needed)"
            }
        }
    }

    /// Every way `certificate` falls short of the profile; empty when it may serve as an anchor.
    public static func problems(of certificate: Certificate) -> [Problem] {
        var problems: [Problem] = []
        if certificate.issuer != certificate.subject {
            problems.append(.notSelfIssued(issuer: certificate.issuer.description))
        } else if !certificate.handle.isSignatureValid(withKeyOf: certificate.handle) {
            problems.append(.selfSignatureInvalid)
        }
        if certificate.basicConstraints?.isCA != true { problems.append(.notCA) }
        if let usages = certificate.keyUsage, !usages.contains(.keyCertSign) {
            problems.append(.mayNotSignCertificates)
        }
        let key = certificate.publicKey
        if !key.isRSA || key.bits < 2048 {
            problems.append(.weakOrUnsupportedKey(algorithm: key.algorithm, bits: key.bits))
        }
        return problems
    }
}

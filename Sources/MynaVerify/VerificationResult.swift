//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import FoundationEssentials

/// The verdict of ``CertificateVerifier``: valid, or every reason why not.
public struct VerificationResult: Sendable {
    /// The verified certificate, or `nil` when the input did not parse.
    public let leaf: Certificate?
    /// The profile the certificate was checked against.
    public let profile: CertificateVerifier.Profile
    /// The time validity was judged at.
    public let time: Date
    /// The chain OpenSSL built, leaf first; it ends at a trust anchor when one was found, and is partial otherwise.
    public let chain: [Certificate]
    /// Every failure found, in the order found (OpenSSL's chain checks first, then the profile checks). Empty when
    /// the certificate is valid.
    public let failures: [VerificationFailure]

    /// Whether the certificate passed every check.
    public var isValid: Bool { failures.isEmpty && leaf != nil }

    /// The failures about the chain, validity and revocation, without the JPKI profile failures: the failures
    /// `openssl verify` would also report.
    public var chainFailures: [VerificationFailure] { failures.filter { !$0.isProfileFailure } }

    /// A token proving that the certificate passed verification, for APIs that must only ever see verified
    /// certificates (``ChallengeResponse``); `nil` unless ``isValid``.
    public var verifiedCertificate: VerifiedCertificate? {
        guard isValid, let leaf else { return nil }
        return VerifiedCertificate(certificate: leaf, chain: chain, profile: profile, verificationTime: time)
    }
}

/// A certificate that passed ``CertificateVerifier/verify(leaf:intermediates:at:crls:)``.
///
/// Only ``VerificationResult/verifiedCertificate`` creates one, so a function taking a `VerifiedCertificate` cannot be
/// handed an unverified certificate by accident.
public struct VerifiedCertificate: Sendable, Hashable {
    /// The certificate.
    public let certificate: Certificate
    /// Its chain, leaf first, ending at the trust anchor.
    public let chain: [Certificate]
    /// The profile it matched.
    public let profile: CertificateVerifier.Profile
    /// The time it was valid at.
    public let verificationTime: Date

    init(certificate: Certificate, chain: [Certificate], profile: CertificateVerifier.Profile, verificationTime: Date) {
        self.certificate = certificate
        self.chain = chain
        self.profile = profile
        self.verificationTime = verificationTime
    }
}

/// A requirement of a JPKI profile (see ``CertificateVerifier/Profile``).
public enum ProfileRequirement: Sendable, Hashable, CustomStringConvertible {
    /// A certificate policy equal to or under `arc`.
    case policy(arc: String)
    /// A keyUsage bit.
    case keyUsage(KeyUsage)

    public var description: String {
        switch self {
        case .policy(let arc): return "a certificate policy under \(arc)"
        case .keyUsage(let usage): return "keyUsage \(usage.rawValue)"
        }
    }
}

/// One reason a certificate failed verification.
///
/// `depth` counts from the leaf (0) towards the anchor, as OpenSSL does.
public enum VerificationFailure: Sendable, Hashable, CustomStringConvertible {
    /// The certificate at `depth` expired before the verification time.
    case expired(depth: Int, subject: String, notAfter: Date)
    /// The certificate at `depth` is not valid yet at the verification time.
    case notYetValid(depth: Int, subject: String, notBefore: Date)
    /// No trust anchor issued the certificate at `depth`: the issuer is unknown, or it is a root that is not a trust
    /// anchor (including a foreign root with the same name as a trusted one; anchors are matched by key and
    /// signature, never by name).
    case unknownIssuer(depth: Int, issuer: String)
    /// The leaf is self-signed.
    case selfSignedLeaf
    /// The leaf is revoked by its issuer's CRL.
    case revoked(serialNumber: String, revocationDate: Date?, reason: RevokedCertificate.Reason?)
    /// The issuer's CRL is past its nextUpdate at the verification time.
    case staleCRL(issuer: String, nextUpdate: Date?)
    /// The issuer's CRL was issued after the verification time.
    case crlNotYetValid(issuer: String, thisUpdate: Date?)
    /// Revocation was checked but no CRL from the leaf's issuer was given.
    case crlMissing(issuer: String)
    /// The CRL cannot be trusted: its signature does not verify with the issuer's key, or its issuer may not sign
    /// CRLs.
    case crlInvalid(issuer: String, reason: String)
    /// The leaf lacks what its profile requires; `present` lists what it has (policy OIDs or key usages).
    case wrongProfile(expected: CertificateVerifier.Profile, missing: ProfileRequirement, present: [String])
    /// The signature of the certificate at `depth` does not verify with its issuer's key.
    case badSignature(depth: Int, subject: String)
    /// The input is not a well-formed certificate, or a certificate field OpenSSL must check does not decode.
    case malformedDER(String)
    /// The leaf claims to be a CA (basicConstraints CA:TRUE).
    case caFlagOnLeaf
    /// The certificate at `depth` is used as an issuer but may not issue certificates.
    case invalidCA(depth: Int, subject: String, reason: String)
    /// Another OpenSSL verification error, with its `X509_V_ERR_*` code.
    case other(depth: Int, code: Int, reason: String)
    /// OpenSSL could not run the verification at all (for example, out of memory).
    case internalError(String)

    /// A stable identifier of the kind of failure, for JSON output and scripts: `expired`, `not-yet-valid`,
    /// `unknown-issuer`, `self-signed-leaf`, `revoked`, `stale-crl`, `crl-not-yet-valid`, `crl-missing`,
    /// `crl-invalid`, `wrong-profile`, `bad-signature`, `malformed-der`, `ca-flag-on-leaf`, `invalid-ca`, `other`,
    /// `internal-error`.
    public var code: String {
        switch self {
        case .expired: return "expired"
        case .notYetValid: return "not-yet-valid"
        case .unknownIssuer: return "unknown-issuer"
        case .selfSignedLeaf: return "self-signed-leaf"
        case .revoked: return "revoked"
        case .staleCRL: return "stale-crl"
        case .crlNotYetValid: return "crl-not-yet-valid"
        case .crlMissing: return "crl-missing"
        case .crlInvalid: return "crl-invalid"
        case .wrongProfile: return "wrong-profile"
        case .badSignature: return "bad-signature"
        case .malformedDER: return "malformed-der"
        case .caFlagOnLeaf: return "ca-flag-on-leaf"
        case .invalidCA: return "invalid-ca"
        case .other: return "other"
        case .internalError: return "internal-error"
        }
    }

    /// Whether this is a JPKI profile failure rather than a chain, validity or revocation failure.
    public var isProfileFailure: Bool {
        switch self {
        case .wrongProfile, .caFlagOnLeaf: return true
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .expired(let depth, let subject, let notAfter):
            return "certificate at depth \(depth) (\(subject)) expired at \(Self.format(notAfter))"
        case .notYetValid(let depth, let subject, let notBefore):
            return "certificate at depth \(depth) (\(subject)) is not valid before \(Self.format(notBefore))"
        case .unknownIssuer(let depth, let issuer):
            return "certificate at depth \(depth): issuer \(issuer) is not a trust anchor and was not found"
        case .selfSignedLeaf:
            return "the certificate is self-signed"
        case .revoked(let serial, let date, let reason):
            var text = "certificate \(serial) is revoked"
            if let date { text += " since \(Self.format(date))" }
            if let reason { text += " (\(reason))" }
            return text
        case .staleCRL(let issuer, let nextUpdate):
            return "the CRL of \(issuer) is stale" + (nextUpdate.map { " (nextUpdate \(Self.format($0)))" } ?? "")
        case .crlNotYetValid(let issuer, let thisUpdate):
            return "the CRL of \(issuer) is not valid yet"
                + (thisUpdate.map { " (thisUpdate \(Self.format($0)))" } ?? "")
        case .crlMissing(let issuer):
            return "no CRL from \(issuer) was given"
        case .crlInvalid(let issuer, let reason):
            return "the CRL of \(issuer) cannot be used: \(reason)"
        case .wrongProfile(let profile, let missing, let present):
            let list = present.isEmpty ? "none" : present.joined(separator: ", ")
            return "not a JPKI \(profile.rawValue) certificate: \(missing) is missing (present: \(list))"
        case .badSignature(let depth, let subject):
            return "the signature of the certificate at depth \(depth) (\(subject)) does not verify"
        case .malformedDER(let reason):
            return "malformed certificate: \(reason)"
        case .caFlagOnLeaf:
            return "the certificate is a CA certificate (basicConstraints CA:TRUE), not an end-entity certificate"
        case .invalidCA(let depth, let subject, let reason):
            return "certificate at depth \(depth) (\(subject)) cannot act as a CA: \(reason)"
        case .other(let depth, let code, let reason):
            return "certificate at depth \(depth): \(reason) (X509_V_ERR \(code))"
        case .internalError(let reason):
            return "verification could not run: \(reason)"
        }
    }

    private static func format(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}

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
    /// The trust anchor the chain ends at, with what it is (a pinned J-LIS root, a JPKI test root, …); `nil` when the
    /// chain reaches no anchor.
    public let trustAnchor: TrustAnchor?
    /// Where the leaf's revocation status came from, or ``RevocationSource/notChecked``.
    public let revocationSource: RevocationSource

    init(
        leaf: Certificate?,
        profile: CertificateVerifier.Profile,
        time: Date,
        chain: [Certificate],
        failures: [VerificationFailure],
        trustAnchor: TrustAnchor? = nil,
        revocationSource: RevocationSource = .notChecked
    ) {
        self.leaf = leaf
        self.profile = profile
        self.time = time
        self.chain = chain
        self.failures = failures
        self.trustAnchor = trustAnchor
        self.revocationSource = revocationSource
    }

    /// Whether the certificate passed every check.
    public var isValid: Bool { failures.isEmpty && leaf != nil }

    /// The failures about the chain, validity and revocation, without the JPKI profile failures: the failures
    /// `openssl verify` would also report.
    public var chainFailures: [VerificationFailure] { failures.filter { !$0.isProfileFailure } }

    /// Whether the chain ends at a root of the JPKI test hierarchy (`O=JPKI-TEST`): a test card, never a production
    /// one, whatever else the verdict says. Applications show it (`mynakit` prints TEST HIERARCHY).
    public var isTestHierarchy: Bool { trustAnchor?.classification.isTestHierarchy ?? false }

    /// This verdict with revocation established by another source (OCSP): the source replaces
    /// ``revocationSource``, a failure only saying that no CRL was there (``VerificationFailure/crlMissing(issuer:)``)
    /// is dropped since revocation is now checked, and `failures` (what the other source found) are added.
    func applyingRevocationCheck(
        source: RevocationSource, failures added: [VerificationFailure]
    ) -> VerificationResult {
        var failures = self.failures
        if source != .notChecked {
            failures.removeAll { if case .crlMissing = $0 { return true } else { return false } }
        }
        for failure in added where !failures.contains(failure) { failures.append(failure) }
        return VerificationResult(
            leaf: leaf, profile: profile, time: time, chain: chain, failures: failures, trustAnchor: trustAnchor,
            revocationSource: source)
    }

    /// A token proving that the certificate passed verification, for APIs that must only ever see verified
    /// certificates (``ChallengeResponse``); `nil` unless ``isValid``.
    public var verifiedCertificate: VerifiedCertificate? {
        guard isValid, let leaf else { return nil }
        return VerifiedCertificate(
            certificate: leaf, chain: chain, profile: profile, verificationTime: time, trustAnchor: trustAnchor,
            revocationSource: revocationSource)
    }
}

/// Where the revocation status of a verified certificate came from. A verdict always says it, so that a certificate
/// that was not checked for revocation is never mistaken for one that was.
public enum RevocationSource: Sendable, Hashable, CustomStringConvertible {
    /// The leaf was checked against a CRL: the one at `index` in the `crls` given to
    /// ``CertificateVerifier/verify(leaf:intermediates:at:crls:)``, with its issuer and update times.
    case crl(index: Int, issuer: DistinguishedName, thisUpdate: Date, nextUpdate: Date?)
    /// The leaf's status came from an OCSP responder at `url`, in a response valid from `thisUpdate` to `nextUpdate`.
    case ocsp(url: String, thisUpdate: Date?, nextUpdate: Date?)
    /// Revocation was not checked.
    case notChecked

    /// `crl`, `ocsp` or `not-checked`, for JSON output and scripts.
    public var code: String {
        switch self {
        case .crl: return "crl"
        case .ocsp: return "ocsp"
        case .notChecked: return "not-checked"
        }
    }

    /// `crl #0 (this update …, next update …)`, `ocsp URL` or `not checked`.
    public var description: String { description(crlName: { "#\($0)" }) }

    /// The description with each CRL named by `crlName(index)` (the CLI gives its file): `crl FILE (this update …,
    /// next update …)`.
    public func description(crlName: (Int) -> String) -> String {
        switch self {
        case .crl(let index, _, let thisUpdate, let nextUpdate):
            let next = nextUpdate.map { $0.formatted(.iso8601) } ?? "none"
            return "crl \(crlName(index)) (this update \(thisUpdate.formatted(.iso8601)), next update \(next))"
        case .ocsp(let url, _, _):
            return "ocsp \(url)"
        case .notChecked:
            return "not checked"
        }
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
    /// The anchor its chain ends at.
    public let trustAnchor: TrustAnchor?
    /// Where its revocation status came from.
    public let revocationSource: RevocationSource

    /// Whether it was issued under the JPKI test hierarchy (see ``VerificationResult/isTestHierarchy``).
    public var isTestHierarchy: Bool { trustAnchor?.classification.isTestHierarchy ?? false }

    init(
        certificate: Certificate, chain: [Certificate], profile: CertificateVerifier.Profile, verificationTime: Date,
        trustAnchor: TrustAnchor?, revocationSource: RevocationSource
    ) {
        self.certificate = certificate
        self.chain = chain
        self.profile = profile
        self.verificationTime = verificationTime
        self.trustAnchor = trustAnchor
        self.revocationSource = revocationSource
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
    /// The OCSP responder answered `unknown`: it knows nothing of the certificate.
    case ocspUnknown(url: String)
    /// No usable OCSP answer: the responder was down, slow or wrong, or its answer failed a check; `failure` says
    /// which (its own `ocsp-…` code).
    case ocspUnusable(url: String, failure: OCSPFailure)

    /// A stable identifier of the kind of failure, for JSON output and scripts: `expired`, `not-yet-valid`,
    /// `unknown-issuer`, `self-signed-leaf`, `revoked`, `stale-crl`, `crl-not-yet-valid`, `crl-missing`,
    /// `crl-invalid`, `wrong-profile`, `bad-signature`, `malformed-der`, `ca-flag-on-leaf`, `invalid-ca`, `other`,
    /// `internal-error`, `ocsp-unknown`, and the `ocsp-…` codes of ``OCSPFailure``.
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
        case .ocspUnknown: return "ocsp-unknown"
        case .ocspUnusable(_, let failure): return failure.code
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
        case .ocspUnknown(let url):
            return "the OCSP responder \(url) does not know the certificate (status unknown)"
        case .ocspUnusable(let url, let failure):
            return "no usable OCSP answer from \(url): \(failure)"
        case .internalError(let reason):
            return "verification could not run: \(reason)"
        }
    }

    private static func format(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}

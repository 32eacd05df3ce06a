//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import FoundationEssentials
import OpenSSLSupport

/// Verifies My Number card certificates: the chain to a trust anchor, validity at a given time, revocation, and the
/// JPKI profile the certificate is expected to have.
///
/// Verification never stops at the first problem: OpenSSL's `X509_verify_cert` runs with a callback that records
/// every error and lets it continue, and the profile checks run regardless, so ``VerificationResult/failures`` lists
/// everything that is wrong.
///
/// The verdict also says which anchor the chain ends at (``VerificationResult/trustAnchor``: a pinned J-LIS root, the
/// JPKI test hierarchy, …) and where revocation was checked, if anywhere (``VerificationResult/revocationSource``).
///
/// ```swift
/// let store = try TrustStore()   // the roots of /etc/mynakit/trust (or MYNAKIT_TRUST_DIR)
/// let verifier = CertificateVerifier(trustStore: store, profile: .authentication)
/// let result = verifier.verify(leaf: certificate, intermediates: [caFromCard], crls: [crl])
/// guard let verified = result.verifiedCertificate else { print(result.failures); return }
/// ```
///
/// A verifier is a value; it is `Sendable` and can be used from many tasks at once.
public struct CertificateVerifier: Sendable {
    /// The kind of JPKI certificate expected.
    public enum Profile: String, Sendable, Hashable, CaseIterable, Codable {
        /// The user-authentication certificate (利用者証明用電子証明書): a certificate policy under
        /// `1.2.392.200149.8.5.1.3` and the keyUsage digitalSignature.
        case authentication
        /// The signing certificate (署名用電子証明書): a certificate policy under `1.2.392.200149.8.5.1.1` and the
        /// keyUsage nonRepudiation.
        case signing

        /// The certificate-policy arc a certificate of this profile must have a policy under.
        public var policyArc: String {
            switch self {
            case .authentication: return JPKICertificateOID.authenticationPolicyArc
            case .signing: return JPKICertificateOID.signingPolicyArc
            }
        }

        /// The keyUsage a certificate of this profile must allow.
        public var requiredKeyUsage: KeyUsage {
            switch self {
            case .authentication: return .digitalSignature
            case .signing: return .nonRepudiation
            }
        }
    }

    /// When revocation is checked.
    public enum RevocationPolicy: Sendable, Hashable {
        /// Check the leaf against CRLs when the caller passes any; a missing CRL for the leaf's issuer is then a
        /// failure. With no CRLs passed, revocation is not checked.
        case checkWhenCRLsGiven
        /// Always check the leaf: with no CRL for its issuer, verification fails with
        /// ``VerificationFailure/crlMissing(issuer:)``.
        case require
    }

    /// The anchors chains must end in.
    public let trustStore: TrustStore
    /// The profile the leaf must match.
    public let profile: Profile
    /// When revocation is checked.
    public let revocationPolicy: RevocationPolicy

    /// Creates a verifier.
    ///
    /// - Parameters:
    ///   - trustStore: the anchors; intermediates passed to ``verify(leaf:intermediates:at:crls:)`` are never
    ///     added to it.
    ///   - profile: the profile every leaf must match.
    ///   - revocationPolicy: when to check revocation; by default only when CRLs are given.
    public init(trustStore: TrustStore, profile: Profile, revocationPolicy: RevocationPolicy = .checkWhenCRLsGiven) {
        self.trustStore = trustStore
        self.profile = profile
        self.revocationPolicy = revocationPolicy
    }

    /// Verifies `leaf`.
    ///
    /// - Parameters:
    ///   - leaf: the certificate to verify.
    ///   - intermediates: certificates that may help build the chain, such as the CA certificate read from the card.
    ///     They are untrusted chain-building material only and never act as anchors.
    ///   - time: the time at which validity and CRL freshness are judged; now by default.
    ///   - crls: revocation lists; the leaf is checked against the one from its issuer, whose signature and
    ///     freshness are checked too.
    /// - Returns: the verdict, listing every failure.
    public func verify(
        leaf: Certificate,
        intermediates: [Certificate] = [],
        at time: Date = Date(),
        crls: [RevocationList] = []
    ) -> VerificationResult {
        var failures: [VerificationFailure] = []
        func add(_ failure: VerificationFailure) {
            if !failures.contains(failure) { failures.append(failure) }
        }

        let checkRevocation = !crls.isEmpty || revocationPolicy == .require
        let chainCheck =
            checkRevocation
            ? directRevocationCheck(leaf: leaf, intermediates: intermediates, at: time, crls: crls)
            : nil
        let checked =
            chainCheck
            ?? openSSLCheck(
                leaf: leaf, intermediates: intermediates, at: time, crls: crls, checkRevocation: checkRevocation)
        for failure in checked.failures { add(failure) }

        // Checks of our own, on top of OpenSSL's.
        if leaf.isSelfSigned { add(.selfSignedLeaf) }
        if leaf.basicConstraints?.isCA == true { add(.caFlagOnLeaf) }
        for mismatch in profileMismatches(of: leaf) { add(mismatch) }

        return VerificationResult(
            leaf: leaf, profile: profile, time: time, chain: checked.chain, failures: failures,
            trustAnchor: checked.trustAnchor, revocationSource: checked.revocationSource)
    }

    /// What the chain and revocation checks found, before the checks of our own.
    struct ChainCheck {
        var chain: [Certificate]
        var failures: [VerificationFailure] = []
        var trustAnchor: TrustAnchor?
        var revocationSource = RevocationSource.notChecked
    }

    /// The chain built and checked by OpenSSL (`X509_verify_cert`), with OpenSSL's own CRL check of the leaf when
    /// `checkRevocation` is set.
    func openSSLCheck(
        leaf: Certificate,
        intermediates: [Certificate],
        at time: Date,
        crls: [RevocationList],
        checkRevocation: Bool
    ) -> ChainCheck {
        var check = ChainCheck(chain: [leaf])
        do {
            let outcome = try trustStore.handle.verifyChain(
                leaf: leaf.handle,
                untrusted: intermediates.map(\.handle),
                crls: crls.map(\.handle),
                checkRevocation: checkRevocation,
                at: time
            )
            check.chain = outcome.chain.map { certificate(for: $0, leaf: leaf, intermediates: intermediates) }
            if check.chain.isEmpty { check.chain = [leaf] }
            check.trustAnchor = outcome.chain.last.flatMap(trustStore.trustAnchor(for:))
            if let index = outcome.leafCRLIndex {
                let crl = crls[index]
                check.revocationSource = .crl(
                    index: index, issuer: crl.issuer, thisUpdate: crl.thisUpdate, nextUpdate: crl.nextUpdate)
            }
            check.failures = outcome.errors.map { failure(for: $0, chain: check.chain, crls: crls) }
        } catch {
            check.failures = [.internalError(String(describing: error))]
        }
        return check
    }

    /// Parses `leafBytes` (DER or PEM) and verifies the certificate; unparseable bytes are a verdict, not an error.
    ///
    /// - Returns: the verdict; for bytes that are not a certificate, a result whose only failure is
    ///   ``VerificationFailure/malformedDER(_:)`` and whose ``VerificationResult/leaf`` is `nil`.
    public func verify(
        leafBytes: [UInt8],
        intermediates: [Certificate] = [],
        at time: Date = Date(),
        crls: [RevocationList] = []
    ) -> VerificationResult {
        do {
            return verify(leaf: try Certificate(bytes: leafBytes), intermediates: intermediates, at: time, crls: crls)
        } catch let error as MynaVerifyError {
            return VerificationResult(leaf: nil, profile: profile, time: time, chain: [], failures: [
                .malformedDER(error.reason)
            ])
        } catch {
            return VerificationResult(leaf: nil, profile: profile, time: time, chain: [], failures: [
                .malformedDER(String(describing: error))
            ])
        }
    }

    /// The profile failures of `certificate`: missing policy arc, missing key usage.
    func profileMismatches(of certificate: Certificate) -> [VerificationFailure] {
        var mismatches: [VerificationFailure] = []
        let arc = profile.policyArc
        let policies = certificate.certificatePolicies
        if !policies.contains(where: { $0 == arc || $0.hasPrefix(arc + ".") }) {
            mismatches.append(.wrongProfile(expected: profile, missing: .policy(arc: arc), present: policies))
        }
        let usages = certificate.keyUsage
        if let usages, !usages.contains(profile.requiredKeyUsage) {
            let present = KeyUsage.allCases.filter { usages.contains($0) }.map(\.rawValue)
            mismatches.append(
                .wrongProfile(expected: profile, missing: .keyUsage(profile.requiredKeyUsage), present: present)
            )
        } else if usages == nil {
            mismatches.append(
                .wrongProfile(expected: profile, missing: .keyUsage(profile.requiredKeyUsage), present: [])
            )
        }
        return mismatches
    }

    private func certificate(for handle: X509Handle, leaf: Certificate, intermediates: [Certificate]) -> Certificate {
        if handle.isSameObject(as: leaf.handle) { return leaf }
        if let known = intermediates.first(where: { $0.handle.isSameObject(as: handle) }) { return known }
        if let anchor = trustStore.anchor(for: handle) { return anchor }
        return (try? Certificate(handle: handle)) ?? leaf
    }

    private func failure(
        for error: ChainError,
        chain: [Certificate],
        crls: [RevocationList]
    ) -> VerificationFailure {
        let certificate = chain.indices.contains(error.depth) ? chain[error.depth] : chain[0]
        let crl = error.crlIndex.map { crls[$0] }
        let crlIssuer = crl?.issuer.description ?? certificate.issuer.description
        switch error.kind {
        case .unknownIssuer:
            return .unknownIssuer(depth: error.depth, issuer: certificate.issuer.description)
        case .selfSignedLeaf:
            return .selfSignedLeaf
        case .badSignature:
            return .badSignature(depth: error.depth, subject: certificate.subject.description)
        case .notYetValid:
            return .notYetValid(
                depth: error.depth,
                subject: certificate.subject.description,
                notBefore: certificate.notBefore
            )
        case .expired:
            return .expired(
                depth: error.depth,
                subject: certificate.subject.description,
                notAfter: certificate.notAfter
            )
        case .malformed:
            return .malformedDER("\(certificate.subject): \(error.reason)")
        case .invalidCA:
            return .invalidCA(
                depth: error.depth,
                subject: certificate.subject.description,
                reason: error.reason
            )
        case .revoked:
            let entry = (crl.map { [$0] } ?? crls).lazy.compactMap { $0.revocation(of: certificate) }.first
            return .revoked(
                serialNumber: certificate.serialNumber,
                revocationDate: entry?.revocationDate,
                reason: entry?.reason
            )
        case .crlMissing:
            return .crlMissing(issuer: certificate.issuer.description)
        case .crlExpired:
            return .staleCRL(issuer: crlIssuer, nextUpdate: crl?.nextUpdate)
        case .crlNotYetValid:
            return .crlNotYetValid(issuer: crlIssuer, thisUpdate: crl?.thisUpdate)
        case .crlInvalid:
            return .crlInvalid(issuer: crlIssuer, reason: error.reason)
        case .other:
            return .other(depth: error.depth, code: Int(error.code), reason: error.reason)
        }
    }
}

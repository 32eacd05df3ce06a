//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// Whether card data really comes from a genuine card: the applet's card-verifiable certificate (EF 0004) must verify
/// with a CA key from the table, and every signature over the data must verify with the key that certificate
/// certifies, never with a key the data carries itself. Digests the signed data vouches for must match the data.
///
/// ```swift
/// let evidence = CardSurfaceApplication.authenticityEvidence(surface: surface, certificate: certificate)  // MynaCard
/// let report = try CardDataAuthenticity().verify(evidence)
/// guard report.isAuthentic else { reject(report.failures) }
/// ```
public struct CardDataAuthenticity: Sendable {
    public let caKeys: CardCAKeyTable

    /// - Parameter caKeys: the anchors; the built-in table unless given.
    public init(caKeys: CardCAKeyTable) {
        self.caKeys = caKeys
    }

    /// With the built-in CA keys.
    public init() throws {
        self.caKeys = try CardCAKeyTable()
    }

    /// Checks `evidence`. Verdicts are values, not errors: a forged certificate, a bad signature, a changed byte and an
    /// unknown CA key all end in a report.
    public func verify(_ evidence: CardDataEvidence) -> AuthenticityReport {
        var report = AuthenticityReport(application: evidence.application, unsignedParts: evidence.unsignedParts)
        let certificate: CardVerifiableCertificate
        do {
            certificate = try CardVerifiableCertificate(bytes: evidence.certificate)
        } catch {
            report.fail("the card-verifiable certificate (EF 0004) is unusable: \((error as? MynaVerifyError)?.reason ?? "\(error)")")
            return report
        }
        report.caKeyID = certificate.issuerKeyID
        report.certifiedKeyID = certificate.subjectKeyID
        guard let caKey = caKeys.key(for: certificate.issuerKeyID) else {
            report.verdict = .unknownCAKey
            report.failures.append("CA key \(certificate.issuerKeyID) is in no table; nothing was checked")
            return report
        }
        report.hierarchy = caKey.hierarchy
        do {
            let anchor = try PublicKey(rsaModulus: caKey.modulus, exponent: caKey.exponent)
            guard try certificate.verifies(with: anchor) else {
                report.fail("the card-verifiable certificate (EF 0004) is not signed by CA key \(caKey.keyID)")
                return report
            }
            report.checked.append("card-verifiable certificate (EF 0004) under CA key \(caKey.keyID)")
            for signed in evidence.signatures {
                if try certificate.publicKey.opens(signed.signature, to: payload(of: signed.digest)) {
                    report.checked.append("signature over \(signed.name)")
                } else {
                    report.fail("the signature over \(signed.name) does not verify with the certified key")
                }
            }
            for claim in evidence.digestClaims {
                guard let data = claim.data else {
                    report.notChecked.append("\(claim.name): not read with the key used")
                    continue
                }
                if try HashAlgorithm.sha256.digest(data) == claim.claimed {
                    report.checked.append("digest of \(claim.name)")
                } else {
                    report.fail("\(claim.name) does not match the digest the signed data holds for it")
                }
            }
        } catch {
            report.fail("the check could not run: \((error as? MynaVerifyError)?.reason ?? "\(error)")")
        }
        if report.failures.isEmpty, !evidence.signatures.isEmpty { report.verdict = .authentic }
        if evidence.signatures.isEmpty { report.fail("the evidence holds no signature") }
        return report
    }

    /// What the signature must open to.
    private func payload(of digest: SignedCardData.Digest) throws -> [UInt8] {
        switch digest {
        case .sha256(let bytes):
            return HashAlgorithm.sha256.digestInfoPrefix + (try HashAlgorithm.sha256.digest(bytes))
        case .sha256OfGroups(let groups):
            var payload = CardSurfaceApplet.surfaceDigestInfoPrefix
            for group in groups { payload += try HashAlgorithm.sha256.digest(group) }
            return payload
        }
    }
}

/// The verdict on one applet's data, with what was checked and what was not.
public struct AuthenticityReport: Hashable, Sendable {
    public enum Verdict: String, Hashable, Sendable {
        /// Every signature verified through the certificate up to a CA key of the table.
        case authentic
        /// A check failed (``AuthenticityReport/failures`` says which).
        case notAuthentic = "not-authentic"
        /// The certificate names a CA key the table does not hold: nothing could be checked.
        case unknownCAKey = "unknown-ca-key"
    }

    /// `card-surface` or `card-info`.
    public var application: String
    public var verdict: Verdict = .notAuthentic
    /// The CA key the certificate names (its issuer), when the certificate parsed.
    public var caKeyID: CardKeyID?
    /// The hierarchy of that CA key in the table, when it is there. A key marked production always has a production ID.
    public var hierarchy: CardCAHierarchy?
    /// The key the certificate certifies (the municipality's or the applet's signing key).
    public var certifiedKeyID: CardKeyID?
    /// The checks that passed.
    public var checked: [String] = []
    /// The checks that failed; empty when authentic.
    public var failures: [String] = []
    /// Digests the key used did not let us check (card-info data opened by 照合番号A or B alone).
    public var notChecked: [String] = []
    /// What the card does not sign at all (the surface's expiry date and security-code image).
    public var unsignedParts: [String]

    public var isAuthentic: Bool { verdict == .authentic }

    init(application: String, unsignedParts: [String]) {
        self.application = application
        self.unsignedParts = unsignedParts
    }

    mutating func fail(_ reason: String) {
        verdict = .notAuthentic
        failures.append(reason)
    }
}

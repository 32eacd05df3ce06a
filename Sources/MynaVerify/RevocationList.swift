//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import FoundationEssentials
import OpenSSLSupport

/// A certificate revocation list (X.509 CRL, RFC 5280 section 5).
///
/// Made for large lists: parsing keeps the entries inside OpenSSL (nothing is copied out per entry) and indexes them
/// by a hash of their serial numbers in one pass, so ``contains(_:)``, ``revocation(ofSerialNumber:)`` and
/// ``revocation(of:)`` are hash probes, whatever the size of the list, and find what `X509_CRL_get0_by_serial` finds. A parsed list is immutable and `Sendable`:
/// any number of threads may look up in it at once. To reuse a parsed list across requests in a long-lived
/// process, and re-read it only when its file changes, use a ``RevocationListCache``.
///
/// Parsing does not check the CRL's signature: ``isSigned(by:)`` does (once per issuer key), and ``CertificateVerifier``
/// checks it against the issuing certificate of the chain it builds (a CRL whose signature fails is reported as
/// ``VerificationFailure/crlInvalid(issuer:reason:)``).
public struct RevocationList: Sendable, Hashable, CustomStringConvertible {
    let handle: CRLHandle
    private let header: RevocationListHeader

    /// Parses a DER-encoded CRL.
    ///
    /// - Throws: ``MynaVerifyError`` with code ``MynaVerifyError/Code/emptyInput`` or
    ///   ``MynaVerifyError/Code/malformedDER``, with OpenSSL's error queue.
    public init(derEncoded: [UInt8]) throws {
        guard !derEncoded.isEmpty else { throw MynaVerifyError.emptyInput("CRL") }
        handle = try CRLHandle(der: derEncoded)
        header = try handle.header()
    }

    /// Parses a CRL that is either DER or PEM (`-----BEGIN X509 CRL-----`), as read from a file.
    ///
    /// - Throws: ``MynaVerifyError`` (``MynaVerifyError/Code/emptyInput``, ``MynaVerifyError/Code/malformedDER``,
    ///   ``MynaVerifyError/Code/malformedPEM``).
    public init(bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { throw MynaVerifyError.emptyInput("CRL") }
        if PEM.looksLikeDER(bytes) {
            try self.init(derEncoded: bytes)
        } else {
            try self.init(derEncoded: PEM.ders(in: bytes, labels: ["X509 CRL"], what: "CRL")[0])
        }
    }

    /// Reads and parses a CRL file (DER or PEM).
    ///
    /// - Throws: ``MynaVerifyError`` with ``MynaVerifyError/Code/unreadableFile`` or a parse error.
    public init(contentsOfFile path: String) throws {
        try self.init(bytes: LocalFiles.read(path))
    }

    /// The issuer distinguished name.
    public var issuer: DistinguishedName { header.issuer }
    /// When this CRL was issued.
    public var thisUpdate: Date { header.thisUpdate }
    /// When the next CRL will be issued; after this date the CRL is stale. `nil` when the CRL does not say.
    public var nextUpdate: Date? { header.nextUpdate }
    /// How many certificates the CRL lists.
    public var count: Int { header.count }
    /// The revoked certificates in ascending serial-number order, decoded on every call: linear in the size of the
    /// list, for listing it. Look certificates up with ``revocation(of:)`` or ``contains(_:)`` instead.
    public var revokedCertificates: [RevokedCertificate] { handle.entries() }
    /// The serial numbers of the revoked certificates, in the form of ``Certificate/serialNumber`` (as
    /// ``revokedCertificates``: decoded on every call).
    public var revokedSerialNumbers: [String] { revokedCertificates.map(\.serialNumber) }
    /// The CRL's DER encoding, written back by OpenSSL: the signed part exactly as parsed.
    public var derBytes: [UInt8] { handle.derEncoding() ?? [] }
    /// The CRL as PEM text.
    public var pem: String { PEM.encode(derBytes, label: "X509 CRL") }

    /// Whether the CRL's signature verifies with `issuer`'s public key.
    ///
    /// This checks the signature only; it does not compare names or check the issuer's chain. Verifying hashes the
    /// whole list (30 to 40 ms for a million entries), so the verdict is remembered per issuer key: only the first call
    /// for a key pays.
    public func isSigned(by issuer: Certificate) -> Bool {
        handle.isSigned(by: issuer.handle, publicKey: issuer.publicKey.derBytes)
    }

    /// Checks `certificate` against this list as the complete CRL of `issuer` (RFC 5280 section 6.3), the way
    /// OpenSSL's CRL check does for a chain's leaf, but with the signature verified once per list and issuer key
    /// (``isSigned(by:)``) instead of on every verification. For a long-lived process checking many certificates
    /// against a large list, this is the check to run after the chain is built: a name comparison, the list's
    /// scope, a remembered signature verdict, the freshness window and one hash probe. ``CertificateVerifier`` runs
    /// this check itself whenever the list is one it judges.
    ///
    /// Scope: a partitioned list (issuingDistributionPoint) covers the certificate only when one of its
    /// cRLDistributionPoints names the list's distribution point; a list for CA or attribute certificates only does
    /// not cover a leaf. Delta and indirect lists, lists for some reasons only, and lists with a critical extension
    /// this check does not know are refused with ``VerificationFailure/crlInvalid(issuer:reason:)``: give those to
    /// ``CertificateVerifier``.
    ///
    /// - Parameters:
    ///   - certificate: the certificate to check (a chain's leaf).
    ///   - issuer: the certificate that issued it, from a verified chain.
    ///   - time: the time freshness is judged at.
    /// - Returns: the failures, as ``CertificateVerifier`` reports them:
    ///   ``VerificationFailure/crlMissing(issuer:)`` (a list of another partition),
    ///   ``VerificationFailure/crlInvalid(issuer:reason:)`` (another issuer's list, a signature that does not verify,
    ///   an issuer without cRLSign, a kind of list it does not judge),
    ///   ``VerificationFailure/crlNotYetValid(issuer:thisUpdate:)``,
    ///   ``VerificationFailure/staleCRL(issuer:nextUpdate:)`` and
    ///   ``VerificationFailure/revoked(serialNumber:revocationDate:reason:)``; empty when the list is usable and does
    ///   not list the certificate.
    public func revocationFailures(
        of certificate: Certificate,
        issuer: Certificate,
        at time: Date
    ) -> [VerificationFailure] {
        switch leafCheck(of: certificate, issuer: issuer, at: time) {
        case .judged(let failures):
            return failures
        case .unsupported(let kind):
            return [.crlInvalid(issuer: self.issuer.description, reason: "\(kind): only CertificateVerifier judges such a list")]
        }
    }

    /// What ``revocationFailures(of:issuer:at:)`` finds, or that the list is of a kind only OpenSSL's CRL check
    /// judges (``CertificateVerifier`` then hands the whole verification to it).
    enum LeafCheck {
        case judged([VerificationFailure])
        case unsupported(String)
    }

    func leafCheck(of certificate: Certificate, issuer: Certificate, at time: Date) -> LeafCheck {
        let name = self.issuer.description
        guard handle.hasIssuer(of: certificate.handle), self.issuer == issuer.subject else {
            let reason = "the list is not from the certificate's issuer \(issuer.subject)"
            return .judged([.crlInvalid(issuer: name, reason: reason)])
        }
        switch handle.scope(for: certificate.handle) {
        case .covers:
            break
        case .doesNotCover:
            // Another partition of the issuer's lists: as OpenSSL's check says, no CRL for this certificate.
            return .judged([.crlMissing(issuer: certificate.issuer.description)])
        case .unsupported(let kind):
            return .unsupported(kind)
        }
        if let usage = issuer.keyUsage, !usage.contains(.cRLSign) {
            return .judged([.crlInvalid(issuer: name, reason: "the issuer's keyUsage does not allow cRLSign")])
        }
        guard isSigned(by: issuer) else {
            return .judged([.crlInvalid(issuer: name, reason: "the signature does not verify with the issuer's key")])
        }
        var failures: [VerificationFailure] = []
        if thisUpdate > time { failures.append(.crlNotYetValid(issuer: name, thisUpdate: thisUpdate)) }
        if isStale(at: time) { failures.append(.staleCRL(issuer: name, nextUpdate: nextUpdate)) }
        if let entry = revocation(of: certificate) {
            failures.append(
                .revoked(
                    serialNumber: certificate.serialNumber, revocationDate: entry.revocationDate, reason: entry.reason))
        }
        return .judged(failures)
    }

    /// Whether the CRL is stale at `date`: its nextUpdate has passed.
    public func isStale(at date: Date) -> Bool {
        guard let nextUpdate else { return false }
        return nextUpdate < date
    }

    /// The entry revoking `certificate`, if this CRL is for the certificate's issuer and lists its serial number.
    ///
    /// One name comparison and one hash probe. Only the CRL's content is consulted; its signature is not checked
    /// here.
    public func revocation(of certificate: Certificate) -> RevokedCertificate? {
        handle.entry(revoking: certificate.handle)
    }

    /// The entry listing `serialNumber`, or `nil`. A hash probe; the issuer is not compared (the caller knows
    /// that the serial number is one of this CRL's issuer's).
    public func revocation(ofSerialNumber serialNumber: SerialNumber) -> RevokedCertificate? {
        handle.entry(for: serialNumber)
    }

    /// Whether the CRL lists `serialNumber` as revoked: a hash probe that allocates nothing, the fastest lookup.
    /// An entry with the reason removeFromCRL (delta CRLs) does not count as revoked.
    public func contains(_ serialNumber: SerialNumber) -> Bool {
        handle.contains(serialNumber)
    }

    public var description: String {
        "RevocationList(issuer: \(issuer), revoked: \(count))"
    }

    /// Two lists are equal when their encodings are: the SHA-1 OpenSSL computes while parsing is compared first, and
    /// only equal digests lead to comparing the encodings.
    public static func == (lhs: RevocationList, rhs: RevocationList) -> Bool {
        lhs.handle === rhs.handle || (lhs.header.sha1 == rhs.header.sha1 && lhs.derBytes == rhs.derBytes)
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(header.sha1) }
}

/// One entry of a ``RevocationList``.
public struct RevokedCertificate: Sendable, Hashable {
    /// The CRLReason codes of RFC 5280 section 5.3.1.
    public enum Reason: Int, Sendable, Hashable, CaseIterable {
        case unspecified = 0
        case keyCompromise = 1
        case caCompromise = 2
        case affiliationChanged = 3
        case superseded = 4
        case cessationOfOperation = 5
        case certificateHold = 6
        case removeFromCRL = 8
        case privilegeWithdrawn = 9
        case aaCompromise = 10
    }

    /// The serial number as upper-case hexadecimal, in the form of ``Certificate/serialNumber``.
    public var serialNumber: String
    /// When the certificate was revoked; `nil` when the entry's time does not decode.
    public var revocationDate: Date?
    /// The reason code, when the entry carries one.
    public var reason: Reason?

    public init(serialNumber: String, revocationDate: Date?, reason: Reason?) {
        self.serialNumber = serialNumber
        self.revocationDate = revocationDate
        self.reason = reason
    }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import FoundationEssentials
import OpenSSLSupport

/// A certificate revocation list (X.509 CRL, RFC 5280 section 5).
///
/// Parsing does not check the CRL's signature: ``isSigned(by:)`` does, and ``CertificateVerifier`` checks it
/// against the issuing certificate of the chain it builds (a CRL whose signature fails is reported as
/// ``VerificationFailure/crlInvalid(issuer:reason:)``).
public struct RevocationList: Sendable, Hashable, CustomStringConvertible {
    let handle: CRLHandle
    /// The CRL's DER encoding, exactly as parsed.
    public let derBytes: [UInt8]
    private let fields: RevocationListFields

    /// Parses a DER-encoded CRL.
    ///
    /// - Throws: ``MynaVerifyError`` with code ``MynaVerifyError/Code/emptyInput`` or
    ///   ``MynaVerifyError/Code/malformedDER``, with OpenSSL's error queue.
    public init(derEncoded: [UInt8]) throws {
        guard !derEncoded.isEmpty else { throw MynaVerifyError.emptyInput("CRL") }
        handle = try CRLHandle(der: derEncoded)
        derBytes = derEncoded
        fields = try handle.fields()
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
    public var issuer: DistinguishedName { fields.issuer }
    /// When this CRL was issued.
    public var thisUpdate: Date { fields.thisUpdate }
    /// When the next CRL will be issued; after this date the CRL is stale. `nil` when the CRL does not say.
    public var nextUpdate: Date? { fields.nextUpdate }
    /// The revoked certificates, in CRL order.
    public var revokedCertificates: [RevokedCertificate] { fields.revokedCertificates }
    /// The serial numbers of the revoked certificates, in the form of ``Certificate/serialNumber``.
    public var revokedSerialNumbers: [String] { fields.revokedCertificates.map(\.serialNumber) }
    /// The CRL as PEM text.
    public var pem: String { PEM.encode(derBytes, label: "X509 CRL") }

    /// Whether the CRL's signature verifies with `issuer`'s public key.
    ///
    /// This checks the signature only; it does not compare names or check the issuer's chain.
    public func isSigned(by issuer: Certificate) -> Bool {
        handle.isSigned(by: issuer.handle)
    }

    /// Whether the CRL is stale at `date`: its nextUpdate has passed.
    public func isStale(at date: Date) -> Bool {
        guard let nextUpdate else { return false }
        return nextUpdate < date
    }

    /// The entry revoking `certificate`, if this CRL is for the certificate's issuer and lists its serial number.
    ///
    /// Only the CRL's content is consulted; its signature is not checked here.
    public func revocation(of certificate: Certificate) -> RevokedCertificate? {
        guard handle.hasIssuer(of: certificate.handle), let serial = handle.revokedSerial(of: certificate.handle)
        else { return nil }
        return revokedCertificates.first { $0.serialNumber == serial }
    }

    public var description: String {
        "RevocationList(issuer: \(issuer), revoked: \(revokedCertificates.count))"
    }

    public static func == (lhs: RevocationList, rhs: RevocationList) -> Bool { lhs.derBytes == rhs.derBytes }
    public func hash(into hasher: inout Hasher) { hasher.combine(derBytes) }
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
    /// When the certificate was revoked.
    public var revocationDate: Date
    /// The reason code, when the entry carries one.
    public var reason: Reason?

    public init(serialNumber: String, revocationDate: Date, reason: Reason?) {
        self.serialNumber = serialNumber
        self.revocationDate = revocationDate
        self.reason = reason
    }
}

struct RevocationListFields: Sendable {
    var issuer: DistinguishedName
    var thisUpdate: Date
    var nextUpdate: Date?
    var revokedCertificates: [RevokedCertificate]
}

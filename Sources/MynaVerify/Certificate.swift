//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import FoundationEssentials
import OpenSSLSupport

/// An X.509 certificate, parsed once by OpenSSL and exposed as Swift values.
///
/// A `Certificate` is immutable and `Sendable`; copies share one OpenSSL `X509` object. Two certificates are equal
/// when their DER encodings are equal.
///
/// ```swift
/// let certificate = try Certificate(bytes: Array(try Data(contentsOf: url)))
/// print(certificate.subject, certificate.serialNumber, certificate.certificatePolicies)
/// ```
public struct Certificate: Sendable, Hashable, CustomStringConvertible {
    let handle: X509Handle
    private let fields: CertificateFields

    /// Parses a DER-encoded certificate.
    ///
    /// The whole input must be one certificate: trailing bytes are rejected.
    ///
    /// - Parameter derEncoded: the DER bytes.
    /// - Throws: ``MynaVerifyError`` with code ``MynaVerifyError/Code/emptyInput`` or
    ///   ``MynaVerifyError/Code/malformedDER`` (truncated or otherwise undecodable DER, an undecodable extension that
    ///   this library reads), carrying OpenSSL's error queue.
    public init(derEncoded: [UInt8]) throws {
        guard !derEncoded.isEmpty else { throw MynaVerifyError.emptyInput("certificate") }
        let handle = try X509Handle.parse(certificateDER: derEncoded)
        try self.init(handle: handle, der: derEncoded)
    }

    /// Parses the first `CERTIFICATE` block of PEM text.
    ///
    /// - Parameter pemEncoded: PEM text; text around the block is ignored.
    /// - Throws: ``MynaVerifyError`` with code ``MynaVerifyError/Code/malformedPEM`` when there is no valid
    ///   certificate block, or ``MynaVerifyError/Code/malformedDER`` when the block's content does not decode.
    public init(pemEncoded: String) throws {
        let ders = try PEM.ders(in: Array(pemEncoded.utf8), labels: PEM.certificateLabels, what: "certificate")
        try self.init(derEncoded: ders[0])
    }

    /// Parses a certificate that is either DER or PEM, as read from a file.
    ///
    /// Input starting with a DER SEQUENCE tag is parsed as DER, anything else as PEM text.
    ///
    /// - Throws: ``MynaVerifyError`` (``MynaVerifyError/Code/emptyInput``, ``MynaVerifyError/Code/malformedDER`` or
    ///   ``MynaVerifyError/Code/malformedPEM``).
    public init(bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { throw MynaVerifyError.emptyInput("certificate") }
        if PEM.looksLikeDER(bytes) {
            try self.init(derEncoded: bytes)
        } else {
            let ders = try PEM.ders(in: bytes, labels: PEM.certificateLabels, what: "certificate")
            try self.init(derEncoded: ders[0])
        }
    }

    /// Parses every `CERTIFICATE` block of a PEM bundle, in order.
    ///
    /// - Parameter pem: PEM text holding one or more certificates.
    /// - Returns: the certificates, at least one.
    /// - Throws: ``MynaVerifyError`` when the text holds no certificate block or any block fails to parse.
    public static func parseMany(pem: String) throws -> [Certificate] {
        try PEM.ders(in: Array(pem.utf8), labels: PEM.certificateLabels, what: "certificate bundle")
            .map { try Certificate(derEncoded: $0) }
    }

    /// Parses a file's content: a PEM bundle (one or more certificates) or a single DER certificate.
    ///
    /// - Throws: ``MynaVerifyError`` as ``init(bytes:)`` and ``parseMany(pem:)`` do.
    public static func parseMany(bytes: [UInt8]) throws -> [Certificate] {
        guard !bytes.isEmpty else { throw MynaVerifyError.emptyInput("certificate bundle") }
        if PEM.looksLikeDER(bytes) { return [try Certificate(derEncoded: bytes)] }
        return try PEM.ders(in: bytes, labels: PEM.certificateLabels, what: "certificate bundle")
            .map { try Certificate(derEncoded: $0) }
    }

    /// Wraps an OpenSSL certificate this value will own (one reference).
    init(handle: X509Handle, der: [UInt8]? = nil) throws {
        self.handle = handle
        self.fields = try handle.fields(knownDER: der)
    }

    /// The certificate's DER encoding, exactly as parsed.
    public var derBytes: [UInt8] { fields.der }
    /// The certificate as PEM text (`-----BEGIN CERTIFICATE-----`, 64-character lines).
    public var pem: String { PEM.encode(fields.der, label: "CERTIFICATE") }
    /// The subject distinguished name.
    public var subject: DistinguishedName { fields.subject }
    /// The issuer distinguished name.
    public var issuer: DistinguishedName { fields.issuer }
    /// The serial number as upper-case hexadecimal, without leading zeros (`"1A2B"`; negative numbers start with
    /// `-`).
    public var serialNumber: String { fields.serialNumber }
    /// The start of the validity period.
    public var notBefore: Date { fields.notBefore }
    /// The end of the validity period.
    public var notAfter: Date { fields.notAfter }
    /// The key usages, or `nil` when the certificate has no keyUsage extension (which permits every usage).
    public var keyUsage: Set<KeyUsage>? { fields.keyUsage }
    /// The extendedKeyUsage purposes as dotted OIDs, empty when the extension is absent.
    public var extendedKeyUsage: [String] { fields.extendedKeyUsage }
    /// The certificatePolicies policy identifiers as dotted OIDs, in certificate order.
    public var certificatePolicies: [String] { fields.certificatePolicies }
    /// The basicConstraints extension, or `nil` when absent.
    public var basicConstraints: BasicConstraints? { fields.basicConstraints }
    /// The subjectAltName entries, in certificate order, empty when the extension is absent.
    public var subjectAlternativeNames: [GeneralName] { fields.subjectAlternativeNames }
    /// The subject public key.
    public var publicKey: PublicKey { fields.publicKey }
    /// SHA-256 over ``derBytes``.
    public var sha256Fingerprint: [UInt8] { fields.sha256Fingerprint }
    /// The signature algorithm's name as OpenSSL spells it, for example `sha256WithRSAEncryption`.
    public var signatureAlgorithm: String { fields.signatureAlgorithm }
    /// Whether the certificate is self-issued and its signature verifies with its own key.
    public var isSelfSigned: Bool { fields.isSelfSigned }

    public var description: String {
        "Certificate(subject: \(subject), issuer: \(issuer), serial: \(serialNumber))"
    }

    public static func == (lhs: Certificate, rhs: Certificate) -> Bool { lhs.fields.der == rhs.fields.der }
    public func hash(into hasher: inout Hasher) { hasher.combine(fields.der) }
}

/// Everything MynaVerify reads out of a certificate, decoded once at parse time.
struct CertificateFields: Sendable {
    var der: [UInt8]
    var subject: DistinguishedName
    var issuer: DistinguishedName
    var serialNumber: String
    var notBefore: Date
    var notAfter: Date
    var keyUsage: Set<KeyUsage>?
    var extendedKeyUsage: [String]
    var certificatePolicies: [String]
    var basicConstraints: BasicConstraints?
    var subjectAlternativeNames: [GeneralName]
    var publicKey: PublicKey
    var sha256Fingerprint: [UInt8]
    var signatureAlgorithm: String
    var isSelfSigned: Bool
}

/// An X.501 distinguished name: relative distinguished names (RDNs) in encoding order, each a set of attributes.
public struct DistinguishedName: Sendable, Hashable, CustomStringConvertible {
    /// One attribute of a name, such as `C=JP`.
    public struct Attribute: Sendable, Hashable {
        /// The attribute type as a dotted OID, for example `2.5.4.6`.
        public var oid: String
        /// OpenSSL's short name for the type (`C`, `O`, `OU`, `CN`), or the dotted OID when it has none.
        public var shortName: String
        /// The value converted to UTF-8.
        public var value: String

        public init(oid: String, shortName: String, value: String) {
            self.oid = oid
            self.shortName = shortName
            self.value = value
        }
    }

    /// The RDNs in encoding order (most significant first); each usually holds one attribute.
    public var rdns: [[Attribute]]

    public init(rdns: [[Attribute]]) { self.rdns = rdns }

    /// All attributes in encoding order.
    public var attributes: [Attribute] { rdns.flatMap { $0 } }

    /// The values of the attributes with short name or OID `type`, such as `"CN"` or `"2.5.4.11"`.
    public func values(of type: String) -> [String] {
        attributes.filter { $0.shortName == type || $0.oid == type }.map(\.value)
    }

    /// The name in encoding order as `C=JP, O=JPKI, OU=...`; `,`, `+` and `\` in values are escaped with `\`.
    public var description: String {
        rdns.map { rdn in
            rdn.map { "\($0.shortName)=\(Self.escape($0.value))" }.joined(separator: " + ")
        }.joined(separator: ", ")
    }

    private static func escape(_ value: String) -> String {
        var escaped = ""
        for character in value {
            if character == "," || character == "+" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}

/// A usage of the keyUsage extension (RFC 5280 section 4.2.1.3).
public enum KeyUsage: String, Sendable, Hashable, CaseIterable, Codable {
    case digitalSignature
    case nonRepudiation
    case keyEncipherment
    case dataEncipherment
    case keyAgreement
    case keyCertSign
    case cRLSign
    case encipherOnly
    case decipherOnly
}

/// The basicConstraints extension.
public struct BasicConstraints: Sendable, Hashable {
    /// Whether the subject is a certification authority.
    public var isCA: Bool
    /// The pathLenConstraint, when present.
    public var pathLengthConstraint: Int?

    public init(isCA: Bool, pathLengthConstraint: Int?) {
        self.isCA = isCA
        self.pathLengthConstraint = pathLengthConstraint
    }
}

/// One subjectAltName entry.
public enum GeneralName: Sendable, Hashable {
    /// An `otherName`: a type OID and a value.
    ///
    /// `value` is the decoded string when the value is a string type (UTF8String, PrintableString, IA5String,
    /// VisibleString, BMPString, T61String), `nil` otherwise; `valueDER` is the value's DER encoding without the
    /// `[0] EXPLICIT` wrapper of the otherName syntax.
    case otherName(oid: String, value: String?, valueDER: [UInt8])
    case email(String)
    case dnsName(String)
    case uri(String)
    /// An IPv4 (4 bytes) or IPv6 (16 bytes) address.
    case ipAddress([UInt8])
    case directoryName(DistinguishedName)
    case registeredID(String)
    /// An entry of a kind not decoded here (x400Address, ediPartyName), with its GeneralName tag number.
    case unsupported(tag: Int)
}

/// A subject public key (SubjectPublicKeyInfo).
///
/// Only RSA keys can verify signatures with ``SignatureVerifier``; other keys are described but rejected there.
public struct PublicKey: Sendable, Hashable {
    let handle: EVPKeyHandle
    /// The DER-encoded SubjectPublicKeyInfo.
    public let derBytes: [UInt8]
    /// The key algorithm as OpenSSL names it: `RSA`, `EC`, ...
    public let algorithm: String
    /// The key size in bits; for RSA, the modulus length.
    public let bits: Int

    /// Whether this is an RSA key.
    public var isRSA: Bool { algorithm == "RSA" }

    /// Parses a DER SubjectPublicKeyInfo or a PEM `PUBLIC KEY` block.
    ///
    /// - Parameter bytes: DER or PEM bytes.
    /// - Throws: ``MynaVerifyError`` with code ``MynaVerifyError/Code/unsupportedKey`` when the bytes are not a
    ///   decodable public key, ``MynaVerifyError/Code/malformedPEM`` for unusable PEM, or
    ///   ``MynaVerifyError/Code/emptyInput``.
    public init(bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { throw MynaVerifyError.emptyInput("public key") }
        let der =
            PEM.looksLikeDER(bytes)
            ? bytes : try PEM.ders(in: bytes, labels: ["PUBLIC KEY"], what: "public key")[0]
        let handle: EVPKeyHandle
        do throws(DERDecodingError) {
            handle = try EVPKeyHandle(subjectPublicKeyInfo: der)
        } catch {
            throw MynaVerifyError.openSSL(.unsupportedKey, "public key: not a DER SubjectPublicKeyInfo")
        }
        try self.init(handle: handle)
    }

    init(handle: EVPKeyHandle) throws {
        guard let der = handle.subjectPublicKeyInfo() else {
            throw MynaVerifyError.openSSL(.unsupportedKey, "public key: cannot be encoded")
        }
        self.init(handle: handle, derBytes: der)
    }

    /// A key whose SubjectPublicKeyInfo encoding is already known (a certificate's).
    init(handle: EVPKeyHandle, derBytes: [UInt8]) {
        self.handle = handle
        self.derBytes = derBytes
        self.algorithm = handle.algorithmName ?? "unknown"
        self.bits = handle.bits
    }

    public static func == (lhs: PublicKey, rhs: PublicKey) -> Bool { lhs.derBytes == rhs.derBytes }
    public func hash(into hasher: inout Hasher) { hasher.combine(derBytes) }
}

extension PEM {
    static let certificateLabels: Set<String> = ["CERTIFICATE", "X509 CERTIFICATE"]
}

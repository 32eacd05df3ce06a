//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import FoundationEssentials

/// A CMS (RFC 5652) signature in two steps around a signer that holds the key elsewhere, such as the card:
/// first the signed attributes and the digest the signer signs (``digestToSign``), then, with the signature and the
/// signer's certificate, the SignedData (``signedData(signature:certificate:additionalCertificates:content:)``).
///
/// ```swift
/// let request = try CMSSignatureRequest(contentDigest: digest, hash: .sha256)
/// let signature = try card.jpki.sign(digest: request.digestToSign, algorithm: .sha256, key: .signing, pin: pin)
/// let certificate = try Certificate(derEncoded: card.jpki.readCertificate(.signing))
/// let p7s = try request.signedData(signature: signature, certificate: certificate)
/// ```
///
/// The encoding is the one `openssl cms -sign -binary -nosmimecap` writes for the same inputs, byte for byte: version
/// 1, the digest algorithm without parameters, `id-data` content, the certificates as a DER-sorted SET, one
/// SignerInfo identified by issuer and serial number, the signed attributes sorted as DER requires, and
/// `rsaEncryption` as the signature algorithm (what a PKCS#1 v1.5 signature over a DigestInfo is).
public struct CMSSignatureRequest: Sendable {
    /// Which signed attributes the signature carries.
    public enum Attributes: String, Sendable, Hashable, CaseIterable {
        /// content-type, signing-time and message-digest (PKCS #9): plain CMS and `adbe.pkcs7.detached` PDF
        /// signatures.
        case pkcs9
        /// content-type, message-digest and ESS signing-certificate-v2, without signing-time: CAdES baseline, as PAdES
        /// (`ETSI.CAdES.detached`) wants it; the time goes into the PDF signature dictionary's `/M`.
        case cades
    }

    /// The hash of the content and of the signed attributes.
    public let hash: HashAlgorithm
    /// The digest of the content (the file, or a PDF's signed byte ranges).
    public let contentDigest: [UInt8]
    /// The time in the signing-time attribute (``Attributes/pkcs9``), whole seconds.
    public let signingTime: Date?
    /// Which attributes are signed.
    public let attributes: Attributes
    /// The DER `SET OF Attribute` the signer signs (tag `31`; inside the SignerInfo it is written with tag `A0`).
    public let signedAttributes: [UInt8]
    /// The hash of ``signedAttributes``: what the card signs (it builds the DigestInfo around it).
    public let digestToSign: [UInt8]

    /// Prepares the signed attributes over `contentDigest`.
    ///
    /// - Parameters:
    ///   - contentDigest: the content's digest with `hash`.
    ///   - hash: SHA-256, SHA-384 or SHA-512 (``HashAlgorithm/documentAlgorithms``).
    ///   - attributes: the attribute set; ``Attributes/cades`` needs `signingCertificate`.
    ///   - signingTime: the signing time (``Attributes/pkcs9``); fractions of a second are dropped.
    ///   - signingCertificate: the signer's certificate, hashed into signing-certificate-v2 (``Attributes/cades``).
    /// - Throws: ``MynaVerifyError`` with ``MynaVerifyError/Code/invalidDigestLength`` or
    ///   ``MynaVerifyError/Code/unsupportedDocument`` (SHA-1, a CAdES request without the certificate).
    public init(
        contentDigest: [UInt8],
        hash: HashAlgorithm,
        attributes: Attributes = .pkcs9,
        signingTime: Date? = Date(),
        signingCertificate: Certificate? = nil
    ) throws {
        guard HashAlgorithm.documentAlgorithms.contains(hash) else {
            throw MynaVerifyError(code: .unsupportedDocument, reason: "document signatures use SHA-2, not \(hash)")
        }
        guard contentDigest.count == hash.digestLength else {
            throw MynaVerifyError(
                code: .invalidDigestLength,
                reason: "a \(hash) digest has \(hash.digestLength) bytes, not \(contentDigest.count)")
        }
        self.hash = hash
        self.contentDigest = contentDigest
        self.attributes = attributes
        var list = [
            Self.attribute(CMSObjectIdentifier.contentType, DER.objectIdentifier(CMSObjectIdentifier.data)),
            Self.attribute(CMSObjectIdentifier.messageDigest, DER.octetString(contentDigest)),
        ]
        switch attributes {
        case .pkcs9:
            let time = signingTime.map { Date(timeIntervalSince1970: $0.timeIntervalSince1970.rounded(.down)) }
            self.signingTime = time
            if let time { list.append(Self.attribute(CMSObjectIdentifier.signingTime, CMSTime.encode(time))) }
        case .cades:
            guard let signingCertificate else {
                throw MynaVerifyError(
                    code: .unsupportedDocument,
                    reason: "a CAdES signature names the signer's certificate in its signed attributes: give the "
                        + "certificate before signing")
            }
            self.signingTime = nil
            list.append(
                Self.attribute(
                    CMSObjectIdentifier.signingCertificateV2,
                    try Self.signingCertificateV2(signingCertificate, hash: hash)))
        }
        signedAttributes = DER.setOf(list)
        digestToSign = try hash.digest(signedAttributes)
    }

    /// The SignedData, as a DER ContentInfo (a `.p7s` file, or a PDF signature's `/Contents`).
    ///
    /// The signature is checked against the certificate's key first: a certificate that does not belong to the key
    /// that signed never ends up in a SignedData.
    ///
    /// - Parameters:
    ///   - signature: the signer's RSASSA-PKCS1-v1_5 signature over ``digestToSign``.
    ///   - certificate: the signer's certificate; it identifies the signer (issuer and serial number) and is included.
    ///   - additionalCertificates: included as well, such as the card's CA certificate.
    ///   - content: the content for an attached signature (`encapContentInfo` holds it); `nil` for a detached one.
    /// - Throws: ``MynaVerifyError/Code/signatureMismatch`` when the signature does not verify with the
    ///   certificate's key, ``MynaVerifyError/Code/malformedDER`` for a certificate whose DER cannot be read.
    public func signedData(
        signature: [UInt8],
        certificate: Certificate,
        additionalCertificates: [Certificate] = [],
        content: [UInt8]? = nil
    ) throws -> [UInt8] {
        guard try SignatureVerifier.isValidSignature(signature, forDigest: digestToSign, hash: hash, publicKeyOf: certificate)
        else {
            throw MynaVerifyError(
                code: .signatureMismatch,
                reason: "the signature does not verify with the key of \(certificate.subject) (serial "
                    + "\(certificate.serialNumber)): another card or another certificate")
        }
        if let content {
            guard try hash.digest(content) == contentDigest else {
                throw MynaVerifyError(
                    code: .messageDigestMismatch, reason: "the content to attach is not the content that was hashed")
            }
        }
        let signer = try CertificateDER(certificate.derBytes)
        let algorithm = hash.cmsAlgorithmIdentifier
        let signerInfo = DER.sequence(
            DER.integer(1),
            DER.sequence(signer.issuer, signer.serialNumber),
            algorithm,
            // [0] IMPLICIT: the same length and content as the SET that was signed, under another tag.
            [DER.Tag.context(0)] + signedAttributes.dropFirst(),
            DER.sequence(DER.objectIdentifier(CMSObjectIdentifier.rsaEncryption), [DER.Tag.null, 0]),
            DER.octetString(signature)
        )
        var encapsulated = DER.objectIdentifier(CMSObjectIdentifier.data)
        if let content { encapsulated += DER.element(DER.Tag.context(0), DER.octetString(content)) }
        var unique: [[UInt8]] = []
        for der in [certificate.derBytes] + additionalCertificates.map(\.derBytes) where !unique.contains(der) {
            unique.append(der)
        }
        let signed = DER.sequence(
            DER.integer(1),
            DER.setOf([algorithm]),
            DER.element(DER.Tag.sequence, encapsulated),
            DER.setOf(unique, tag: DER.Tag.context(0)),
            DER.setOf([signerInfo])
        )
        return DER.sequence(
            DER.objectIdentifier(CMSObjectIdentifier.signedData), DER.element(DER.Tag.context(0), signed))
    }

    /// `Attribute ::= SEQUENCE { attrType OID, attrValues SET OF value }` with one value.
    static func attribute(_ oid: String, _ value: [UInt8]) -> [UInt8] {
        DER.sequence(DER.objectIdentifier(oid), DER.setOf([value]))
    }

    /// `SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }` with the one certificate:
    /// `ESSCertIDv2 ::= SEQUENCE { hashAlgorithm DEFAULT sha256, certHash, issuerSerial }` (RFC 5035 section 4).
    static func signingCertificateV2(_ certificate: Certificate, hash: HashAlgorithm) throws -> [UInt8] {
        let fields = try CertificateDER(certificate.derBytes)
        // DEFAULT values are left out in DER: SHA-256 is the default hash.
        let algorithm = hash == .sha256 ? [] : hash.cmsAlgorithmIdentifier
        let generalNames = DER.sequence(DER.element(DER.Tag.context(4), fields.issuer))
        let certID = DER.sequence(
            algorithm, DER.octetString(try hash.digest(certificate.derBytes)),
            DER.sequence(generalNames, fields.serialNumber))
        return DER.sequence(DER.sequence(certID))
    }
}

/// The issuer and serial number of a certificate, as their DER encodings (what IssuerAndSerialNumber copies).
struct CertificateDER {
    var issuer: [UInt8]
    var serialNumber: [UInt8]

    /// Reads `Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, serialNumber, signature,
    /// issuer, … } … }`.
    init(_ der: [UInt8]) throws {
        var outer = DER.Reader(der[...])
        guard let certificate = outer.read(DER.Tag.sequence) else { throw Self.malformed }
        var fields = DER.Reader(certificate.content)
        guard let tbs = fields.read(DER.Tag.sequence) else { throw Self.malformed }
        var tbsFields = DER.Reader(tbs.content)
        _ = tbsFields.read(DER.Tag.context(0))
        guard let serial = tbsFields.read(DER.Tag.integer), tbsFields.read(DER.Tag.sequence) != nil,
            let issuer = tbsFields.read(DER.Tag.sequence)
        else { throw Self.malformed }
        self.issuer = Array(issuer.encoding)
        self.serialNumber = Array(serial.encoding)
    }

    private static var malformed: MynaVerifyError {
        MynaVerifyError(code: .malformedDER, reason: "certificate: the issuer and serial number cannot be read")
    }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// The object identifiers of CMS (RFC 5652), PKCS #9 and ESS (RFC 5035) that document signatures use. The hash
/// algorithms' identifiers are not here: they come from ``HashAlgorithm/digestInfoPrefix`` (MynaSpec), the one place
/// they are written down.
public enum CMSObjectIdentifier {
    /// `id-data`: the encapsulated content is plain data (a file, a PDF's byte ranges).
    public static let data = "1.2.840.113549.1.7.1"
    /// `id-signedData`: the ContentInfo holds a SignedData.
    public static let signedData = "1.2.840.113549.1.7.2"
    /// `rsaEncryption`: the signature algorithm of a PKCS#1 v1.5 signature, as OpenSSL writes it in SignerInfo.
    public static let rsaEncryption = "1.2.840.113549.1.1.1"
    /// PKCS #9 content-type attribute.
    public static let contentType = "1.2.840.113549.1.9.3"
    /// PKCS #9 message-digest attribute.
    public static let messageDigest = "1.2.840.113549.1.9.4"
    /// PKCS #9 signing-time attribute.
    public static let signingTime = "1.2.840.113549.1.9.5"
    /// ESS signing-certificate-v2 attribute (RFC 5035), required by CAdES and PAdES baseline signatures.
    public static let signingCertificateV2 = "1.2.840.113549.1.9.16.2.47"
}

extension HashAlgorithm {
    /// The algorithm's OBJECT IDENTIFIER encoding, taken from the DigestInfo prefix the card signs
    /// (`SEQUENCE { SEQUENCE { OID, NULL }, OCTET STRING }`).
    var objectIdentifierDER: [UInt8] {
        // The prefix stops before the digest, so its outer SEQUENCE (tag and one length octet) is incomplete: read
        // from the AlgorithmIdentifier inside it.
        var inside = DER.Reader(digestInfoPrefix[2...])
        guard let algorithm = inside.read(DER.Tag.sequence) else {
            preconditionFailure("DigestInfo prefix of \(self) has no AlgorithmIdentifier")
        }
        var fields = DER.Reader(algorithm.content)
        guard let oid = fields.read(DER.Tag.objectIdentifier) else {
            preconditionFailure("DigestInfo prefix of \(self) has no OID")
        }
        return Array(oid.encoding)
    }

    /// The AlgorithmIdentifier of CMS's digestAlgorithm fields: the OID with the parameters absent, as RFC 5754
    /// section 2 asks for the SHA-2 family and as OpenSSL writes it.
    var cmsAlgorithmIdentifier: [UInt8] { DER.sequence(objectIdentifierDER) }

    /// The hash algorithms document signatures accept: SHA-1 is refused (RFC 8017's SHA-1 DigestInfo still works for
    /// `sign`, but no new document signature should rest on it).
    public static let documentAlgorithms: [HashAlgorithm] = [.sha256, .sha384, .sha512]
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import FoundationEssentials

/// The signed attributes a verifier reads, parsed from the DER of each attribute that OpenSSL hands out.
struct SignedAttributes {
    /// The content-type attribute's OBJECT IDENTIFIER encoding.
    var contentType: [UInt8]
    /// The message-digest attribute's octets.
    var messageDigest: [UInt8]
    var signingTime: Date?
    var signingCertificateV2: ESSCertificateID?

    /// - Throws: ``MynaVerifyError/Code/malformedCMS`` when an attribute does not decode, content-type or
    ///   message-digest is missing, or an attribute the verifier reads appears twice or with several values.
    init(_ attributes: [[UInt8]]) throws {
        var values: [[UInt8]: DER.Element] = [:]
        for der in attributes {
            var reader = DER.Reader(der[...])
            guard let attribute = reader.read(DER.Tag.sequence), reader.isAtEnd else { throw Self.malformed("an attribute") }
            var fields = DER.Reader(attribute.content)
            guard let type = fields.read(DER.Tag.objectIdentifier), let set = fields.read(DER.Tag.set), fields.isAtEnd
            else { throw Self.malformed("an attribute") }
            let oid = Array(type.encoding)
            var members = DER.Reader(set.content)
            guard let value = members.read(), members.isAtEnd else {
                throw Self.malformed("an attribute with other than one value")
            }
            guard values[oid] == nil else { throw Self.malformed("an attribute that appears twice") }
            values[oid] = value
        }
        guard let contentType = values[DER.objectIdentifier(CMSObjectIdentifier.contentType)],
            contentType.tag == DER.Tag.objectIdentifier
        else { throw Self.malformed("the content-type attribute") }
        guard let digest = values[DER.objectIdentifier(CMSObjectIdentifier.messageDigest)],
            digest.tag == DER.Tag.octetString
        else { throw Self.malformed("the message-digest attribute") }
        self.contentType = Array(contentType.encoding)
        self.messageDigest = Array(digest.content)
        if let time = values[DER.objectIdentifier(CMSObjectIdentifier.signingTime)] {
            guard let date = CMSTime.decode(time) else { throw Self.malformed("the signing-time attribute") }
            signingTime = date
        }
        if let ess = values[DER.objectIdentifier(CMSObjectIdentifier.signingCertificateV2)] {
            guard let id = ESSCertificateID(ess) else { throw Self.malformed("the signing-certificate-v2 attribute") }
            signingCertificateV2 = id
        }
    }

    private static func malformed(_ what: String) -> MynaVerifyError {
        MynaVerifyError(code: .malformedCMS, reason: "CMS: \(what) does not decode")
    }
}

/// The first ESSCertIDv2 of a signing-certificate-v2 attribute (RFC 5035): which certificate the signer meant.
struct ESSCertificateID {
    var hash: HashAlgorithm
    var certificateHash: [UInt8]

    init?(_ value: DER.Element) {
        guard value.tag == DER.Tag.sequence else { return nil }
        var outer = DER.Reader(value.content)
        guard let certs = outer.read(DER.Tag.sequence) else { return nil }
        var list = DER.Reader(certs.content)
        guard let first = list.read(DER.Tag.sequence) else { return nil }
        var fields = DER.Reader(first.content)
        var algorithm = HashAlgorithm.sha256
        if let identifier = fields.read(DER.Tag.sequence) {
            var parts = DER.Reader(identifier.content)
            guard let oid = parts.read(DER.Tag.objectIdentifier),
                let named = HashAlgorithm.allCases.first(where: { $0.objectIdentifierDER == Array(oid.encoding) })
            else { return nil }
            algorithm = named
        }
        guard let hash = fields.read(DER.Tag.octetString), hash.content.count == algorithm.digestLength else {
            return nil
        }
        self.hash = algorithm
        self.certificateHash = Array(hash.content)
    }

    /// Whether this identifies `certificate` (by the hash of its DER).
    func names(certificate: Certificate) -> Bool {
        (try? hash.digest(certificate.derBytes)) == certificateHash
    }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import FoundationEssentials
import OpenSSLSupport

/// Why a document signature is not valid. Certificate problems come as ``certificateRejected(_:)`` with the
/// certificate verifier's own failures.
public enum DocumentFailure: Sendable, Hashable, CustomStringConvertible {
    /// The content's digest is not the signed message-digest attribute: the content was changed, or it is other
    /// content.
    case messageDigestMismatch
    /// The signature over the signed attributes does not verify with the signer certificate's key.
    case badSignature
    /// No certificate in the signature matches the SignerInfo's issuer and serial number.
    case signerCertificateMissing
    /// The content-type attribute is not the SignedData's eContentType.
    case contentTypeMismatch
    /// The ESS signing-certificate-v2 attribute names another certificate than the one that signed.
    case signingCertificateMismatch
    /// The signer's certificate did not pass ``CertificateVerifier`` (JPKI signing profile).
    case certificateRejected([VerificationFailure])
    /// The structure cannot be verified: malformed, unsupported, missing attributes.
    case malformed(String)
    /// A PDF signature's byte range does not describe the file: it does not start at 0, its hole is not exactly the
    /// `/Contents` string, or it runs past the end.
    case invalidByteRange(String)

    /// A stable name for scripts and `--json`.
    public var code: String {
        switch self {
        case .messageDigestMismatch: "message-digest-mismatch"
        case .badSignature: "bad-signature"
        case .signerCertificateMissing: "signer-certificate-missing"
        case .contentTypeMismatch: "content-type-mismatch"
        case .signingCertificateMismatch: "signing-certificate-mismatch"
        case .certificateRejected: "certificate-rejected"
        case .malformed: "malformed-signature"
        case .invalidByteRange: "invalid-byte-range"
        }
    }

    public var description: String {
        switch self {
        case .messageDigestMismatch:
            "the content does not match the signed message digest: it was changed after signing, or it is other content"
        case .badSignature:
            "the signature does not verify with the signer certificate's key: the signed attributes or the signature "
                + "were changed, or the certificate was replaced"
        case .signerCertificateMissing:
            "the signature does not include the certificate of its signer"
        case .contentTypeMismatch:
            "the signed content-type attribute differs from the encapsulated content type"
        case .signingCertificateMismatch:
            "the signed signing-certificate-v2 attribute names another certificate than the signer's"
        case .certificateRejected(let failures):
            "the signer's certificate is not trusted: " + failures.map(\.description).joined(separator: "; ")
        case .malformed(let reason):
            reason
        case .invalidByteRange(let reason):
            "the signed byte range is not valid: \(reason)"
        }
    }
}

/// The verdict on one CMS signature: the signature, the message digest, and the signer's certificate.
public struct CMSVerification: Sendable {
    /// Everything that is wrong; empty when the signature is valid.
    public var failures: [DocumentFailure]
    /// The hash the signer used.
    public var hash: HashAlgorithm?
    /// The signing-time attribute. It is what the signer's computer said, not a trusted timestamp.
    public var signingTime: Date?
    /// Whether the content was carried outside the signature.
    public var isDetached: Bool
    /// The attached content (`nil` for a detached signature).
    public var content: [UInt8]?
    /// The signer's certificate, when the signature names one it includes.
    public var signer: Certificate?
    /// The certificate verifier's verdict on ``signer``.
    public var certificateVerification: VerificationResult?
    /// The cardholder in a JPKI signing certificate that passed verification.
    public var identity: JPKIIdentity?

    /// Whether the signature is valid and made with a certificate that passed verification.
    public var isValid: Bool { failures.isEmpty }
}

/// Checks CMS SignedData with OpenSSL's parser and signature check and MynaVerify's certificate verifier.
enum CMSVerifier {
    /// Verifies the one SignerInfo of `der`.
    ///
    /// - Parameters:
    ///   - der: the ContentInfo.
    ///   - detachedDigest: the digest of the detached content with the hash the signer used; not called for an
    ///     attached signature, which carries its content.
    ///   - verifier: checks the signer's certificate (its intermediates are the signature's other certificates).
    ///   - time: when the certificate is judged.
    ///   - crls: revocation lists for the certificate verifier.
    ///   - zeroPadded: whether zero bytes may follow the ContentInfo (a PDF's `/Contents`).
    static func verify(
        _ der: [UInt8],
        zeroPadded: Bool = false,
        detachedDigest: ((HashAlgorithm) throws -> [UInt8])?,
        verifier: CertificateVerifier,
        at time: Date,
        crls: [RevocationList]
    ) throws -> CMSVerification {
        let cms = try CMSContentInfoHandle(der: der, zeroPadded: zeroPadded)
        guard cms.contentType == DER.objectIdentifier(CMSObjectIdentifier.signedData) else {
            throw MynaVerifyError(code: .malformedCMS, reason: "CMS: the ContentInfo is not a SignedData")
        }
        guard cms.signerCount == 1, let signer = cms.signer(at: 0) else {
            throw MynaVerifyError(
                code: .unsupportedDocument,
                reason: "CMS: \(cms.signerCount) signers; a document signature has exactly one")
        }
        let content = cms.encapsulatedContent
        var result = CMSVerification(failures: [], isDetached: content == nil, content: content)
        guard let hash = HashAlgorithm.allCases.first(where: { $0.objectIdentifierDER == signer.digestAlgorithm }),
            HashAlgorithm.documentAlgorithms.contains(hash)
        else {
            throw MynaVerifyError(code: .unsupportedDocument, reason: "CMS: the digest algorithm is not SHA-2")
        }
        result.hash = hash
        let attributes = try SignedAttributes(signer.signedAttributes)
        result.signingTime = attributes.signingTime

        // The content: the attached octets or the caller's digest of the detached content.
        let digest: [UInt8]
        if let content {
            digest = try hash.digest(content)
            // Content given beside an attached signature must be the attached content.
            if let detachedDigest, try detachedDigest(hash) != attributes.messageDigest {
                result.failures.append(.messageDigestMismatch)
            }
        } else if let detachedDigest {
            digest = try detachedDigest(hash)
        } else {
            throw MynaVerifyError(
                code: .unsupportedDocument, reason: "the signature is detached: give the content it was made over")
        }
        if attributes.messageDigest != digest { result.failures.append(.messageDigestMismatch) }
        if attributes.contentType != cms.encapsulatedContentType { result.failures.append(.contentTypeMismatch) }

        // The signer: the included certificate the SignerInfo names.
        let included = try cms.certificates().map { try (der: $0, handle: x509Handle($0)) }
        guard let signerEntry = included.first(where: { cms.signer(at: 0, isIdentifiedBy: $0.handle) }) else {
            result.failures.append(.signerCertificateMissing)
            return result
        }
        let certificate = try Certificate(derEncoded: signerEntry.der)
        result.signer = certificate
        if !cms.verifySignature(at: 0, with: signerEntry.handle) { result.failures.append(.badSignature) }
        if let essCertificate = attributes.signingCertificateV2,
            !essCertificate.names(certificate: certificate)
        {
            result.failures.append(.signingCertificateMismatch)
        }

        // The certificate: chain, validity, revocation and the JPKI signing profile, never trusted for being included.
        let intermediates = try included.filter { $0.der != signerEntry.der }.map { try Certificate(derEncoded: $0.der) }
        let verification = verifier.verify(leaf: certificate, intermediates: intermediates, at: time, crls: crls)
        result.certificateVerification = verification
        if !verification.isValid {
            result.failures.append(.certificateRejected(verification.failures))
        } else {
            result.identity = try? JPKIIdentity.ifPresent(in: certificate)
        }
        return result
    }
}

/// Parses a certificate DER for OpenSSL's CMS calls, as a MynaVerify error when it does not decode.
private func x509Handle(_ der: [UInt8]) throws -> X509Handle {
    do throws(DERDecodingError) {
        return try X509Handle(der: der)
    } catch {
        throw MynaVerifyError(
            code: .malformedCMS, reason: "CMS: an included certificate does not decode",
            openSSLErrors: OpenSSLErrorQueue.drain())
    }
}

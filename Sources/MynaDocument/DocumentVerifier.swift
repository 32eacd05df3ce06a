//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import FoundationEssentials

/// Verifies document signatures made with a JPKI signing certificate: CMS SignedData files (`.p7s`, detached or
/// attached) and PDF signatures.
///
/// A signature is valid when its signature verifies over the signed attributes with the signer certificate's key,
/// the signed message digest is the content's, and the signer's certificate passes ``CertificateVerifier`` with the
/// JPKI signing profile (chain to the trust store, validity, revocation as configured). Certificates inside the
/// signature are only chain-building material; a certificate is never trusted for being included.
///
/// ```swift
/// let verifier = DocumentVerifier(trustStore: try TrustStore(contentsOf: ["/etc/mynakit/sign-root.pem"]))
/// let result = try verifier.verifyCMS(p7s, content: application)
/// if result.isValid, let identity = result.identity { print(identity.name, result.signingTime as Any) }
/// for signature in try verifier.verifyPDF(pdf) { print(signature.fieldName, signature.isValid) }
/// ```
public struct DocumentVerifier: Sendable {
    /// The verifier the signer's certificate goes through (JPKI signing profile).
    public let certificateVerifier: CertificateVerifier
    /// Revocation lists for the signer's certificate.
    public let crls: [RevocationList]
    /// The time the certificate is judged at.
    public let time: Date

    /// - Parameters:
    ///   - trustStore: the anchors: the J-LIS signing root (署名用認証局).
    ///   - crls: revocation lists; with ``CertificateVerifier/RevocationPolicy/require`` they must cover the issuer.
    ///   - revocationPolicy: when revocation is checked.
    ///   - time: when the certificate is judged; now by default. (The signing-time attribute is the signer's own
    ///     claim, so it is reported, not used.)
    public init(
        trustStore: TrustStore, crls: [RevocationList] = [],
        revocationPolicy: CertificateVerifier.RevocationPolicy = .checkWhenCRLsGiven, at time: Date = Date()
    ) {
        certificateVerifier = CertificateVerifier(trustStore: trustStore, profile: .signing, revocationPolicy: revocationPolicy)
        self.crls = crls
        self.time = time
    }

    /// Verifies a CMS signature; `content` is the signed file for a detached signature, `nil` for an attached one.
    ///
    /// - Throws: ``MynaVerifyError`` when the bytes are not a CMS SignedData with one signer and signed attributes
    ///   (``MynaVerifyError/Code/malformedCMS``, ``MynaVerifyError/Code/unsupportedDocument``), or a detached
    ///   signature comes without content.
    public func verifyCMS(_ signedData: [UInt8], content: [UInt8]?) throws -> CMSVerification {
        try CMSVerifier.verify(
            signedData, detachedDigest: content.map { content in { try $0.digest(content) } },
            verifier: certificateVerifier, at: time, crls: crls)
    }

    /// Verifies a detached CMS signature over a file that is hashed as it is read (``StreamingDigest``).
    public func verifyCMS(_ signedData: [UInt8], contentOfFileAt path: String) throws -> CMSVerification {
        try CMSVerifier.verify(
            signedData, detachedDigest: { try StreamingDigest.digest(ofFileAt: path, hash: $0).digest },
            verifier: certificateVerifier, at: time, crls: crls)
    }

    /// Verifies every signature of a PDF, in the order of the form's fields.
    ///
    /// - Returns: one verdict per signature field; empty when the PDF is not signed.
    /// - Throws: ``MynaVerifyError/Code/malformedPDF`` when the file cannot be read as a PDF.
    public func verifyPDF(_ pdf: [UInt8]) throws -> [PDFSignatureVerification] {
        try PDFSignatureVerifier.verify(pdf, verifier: certificateVerifier, at: time, crls: crls)
    }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import FoundationEssentials

/// Signs documents with a key held elsewhere: the card's signing key (署名用電子証明書), through a closure that
/// gets the digest to sign and answers the signature with the signer's certificate.
///
/// ```swift
/// let signer = DocumentSigner(hash: .sha256)
/// let prepared = try PDFSignaturePreparation(pdf: pdf, options: PDFSignatureOptions(reason: "申請"))
/// let signedPDF = try signer.signPDF(prepared) { digest in
///     let value = try card.jpki.sign(digest: digest, algorithm: .sha256, key: .signing, pin: password)
///     // The password was verified for the signature: the certificate is read without asking again.
///     let certificate = try Certificate(derEncoded: card.jpki.readCertificate(.signing))
///     return DocumentSigner.Signature(value: value, certificate: certificate)
/// }
/// ```
///
/// Whatever the closure returns is checked: the signature must verify with the certificate's key before it goes
/// into a SignedData (``CMSSignatureRequest/signedData(signature:certificate:additionalCertificates:content:)``).
public struct DocumentSigner: Sendable {
    /// A signature from the signer and the certificates that go with it.
    public struct Signature: Sendable {
        /// The RSASSA-PKCS1-v1_5 signature over the digest handed to the closure.
        public var value: [UInt8]
        /// The signer's certificate.
        public var certificate: Certificate
        /// Certificates to include as well, such as the card's CA certificate.
        public var additionalCertificates: [Certificate]

        public init(value: [UInt8], certificate: Certificate, additionalCertificates: [Certificate] = []) {
            self.value = value
            self.certificate = certificate
            self.additionalCertificates = additionalCertificates
        }
    }

    /// The hash of the content and of the signed attributes: SHA-256, SHA-384 or SHA-512.
    public let hash: HashAlgorithm

    public init(hash: HashAlgorithm = .sha256) {
        self.hash = hash
    }

    /// A CMS SignedData over content with `contentDigest` (``StreamingDigest`` hashes large files as they are read).
    ///
    /// - Parameters:
    ///   - contentDigest: the content's digest with ``hash``.
    ///   - attachedContent: the content itself for an attached signature; `nil` for a detached `.p7s`.
    ///   - signingTime: the signing-time attribute.
    ///   - sign: makes the signature over the digest it is given (the card: `jpki.sign(digest:…)`).
    public func signCMS(
        contentDigest: [UInt8], attachedContent: [UInt8]? = nil, signingTime: Date = Date(),
        sign: ([UInt8]) throws -> Signature
    ) throws -> [UInt8] {
        let request = try CMSSignatureRequest(contentDigest: contentDigest, hash: hash, signingTime: signingTime)
        let signature = try sign(request.digestToSign)
        return try request.signedData(
            signature: signature.value, certificate: signature.certificate,
            additionalCertificates: signature.additionalCertificates, content: attachedContent)
    }

    /// The signed PDF: `prepared` with the SignedData over its byte ranges in the `/Contents` hole.
    ///
    /// - Parameters:
    ///   - prepared: the PDF with its signature field and the hole.
    ///   - signingCertificate: the signer's certificate before signing, which `ETSI.CAdES.detached` hashes into
    ///     its signed attributes; not needed for `adbe.pkcs7.detached`.
    ///   - sign: makes the signature over the digest it is given.
    public func signPDF(
        _ prepared: PDFSignaturePreparation, signingCertificate: Certificate? = nil,
        sign: ([UInt8]) throws -> Signature
    ) throws -> [UInt8] {
        let request = try CMSSignatureRequest(
            contentDigest: try prepared.contentDigest(hash), hash: hash, attributes: prepared.options.subFilter.attributes,
            signingTime: prepared.options.signingTime, signingCertificate: signingCertificate)
        let signature = try sign(request.digestToSign)
        if let signingCertificate, signingCertificate != signature.certificate {
            throw MynaVerifyError(
                code: .signatureMismatch,
                reason: "the certificate named in the signed attributes is not the one the signer returned")
        }
        return try prepared.signed(
            with: try request.signedData(
                signature: signature.value, certificate: signature.certificate,
                additionalCertificates: signature.additionalCertificates))
    }
}

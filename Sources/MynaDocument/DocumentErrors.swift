//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// The kinds of ``MynaVerifyError`` that document signing and verification add. MynaDocument builds on MynaVerify and
/// reports through its error type (an extensible set of codes), so applications and the CLI handle one error type for
/// everything about signatures.
extension MynaVerifyError.Code {
    /// A CMS structure that OpenSSL cannot decode, or that is not a SignedData with signed attributes.
    public static let malformedCMS = MynaVerifyError.Code(rawValue: "malformed-cms")
    /// A PDF that cannot be read: no cross-reference section, objects that are not where the file says, a
    /// signature dictionary without `/ByteRange` or `/Contents`.
    public static let malformedPDF = MynaVerifyError.Code(rawValue: "malformed-pdf")
    /// A document this library does not sign or verify: an encrypted PDF, SHA-1, a CAdES request without the
    /// certificate, a signature without signed attributes.
    public static let unsupportedDocument = MynaVerifyError.Code(rawValue: "unsupported-document")
    /// A signature that does not verify with the certificate offered for it (when assembling a SignedData).
    public static let signatureMismatch = MynaVerifyError.Code(rawValue: "signature-mismatch")
    /// Content whose digest is not the one that was signed.
    public static let messageDigestMismatch = MynaVerifyError.Code(rawValue: "message-digest-mismatch")
    /// A SignedData that does not fit in the space a prepared PDF reserved for it.
    public static let signatureTooLarge = MynaVerifyError.Code(rawValue: "signature-too-large")
}

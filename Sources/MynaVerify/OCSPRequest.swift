//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import OpenSSLSupport

/// An OCSP request (RFC 6960 section 4.1) about one certificate: its CertID (hashes of the issuer's name and key,
/// and the serial number) and, by default, a fresh random nonce that the response must echo, so that an old response
/// cannot be replayed.
///
/// ``OCSPClient`` builds one per check; build one yourself to send it by other means, then hand the response to
/// ``OCSPClient/evaluate(response:for:issuer:request:source:at:)``.
public struct OCSPRequest: Sendable {
    /// The certificate asked about.
    public let certificate: Certificate
    /// Its issuer, whose name and key the CertID hashes.
    public let issuer: Certificate
    /// The hash of the CertID.
    public let hashAlgorithm: HashAlgorithm
    /// The nonce sent, or `nil` when the request carries none.
    public let nonce: [UInt8]?
    /// The request's DER encoding, as POSTed with `Content-Type: application/ocsp-request`.
    public let derBytes: [UInt8]
    let handle: OCSPRequestHandle

    /// The length of the nonces this library sends: 16 bytes, the length RFC 8954 asks responders to accept.
    public static let nonceLength = 16

    /// Builds a request.
    ///
    /// - Parameters:
    ///   - certificate: the certificate to ask about.
    ///   - issuer: the certificate of its issuer. It must be the issuer: its name and key go into the CertID, and
    ///     only a response signed by it or by a responder it delegated to is accepted.
    ///   - hashAlgorithm: the CertID hash. SHA-1 is what RFC 5019 responders must understand and what most deployed
    ///     responders expect; SHA-256 and the others are sent as asked.
    ///   - includeNonce: whether to send a nonce (16 random bytes).
    /// - Throws: ``MynaVerifyError`` (``MynaVerifyError/Code/randomGeneratorFailure``,
    ///   ``MynaVerifyError/Code/openSSLFailure``).
    public init(
        certificate: Certificate,
        issuer: Certificate,
        hashAlgorithm: HashAlgorithm = .sha1,
        includeNonce: Bool = true
    ) throws {
        var nonce: [UInt8]?
        if includeNonce {
            guard let random = OpenSSLRandom.bytes(count: Self.nonceLength) else {
                throw MynaVerifyError(code: .randomGeneratorFailure, reason: "no random bytes for the OCSP nonce")
            }
            nonce = random
        }
        let certID = try OCSPCertIDHandle(certificate: certificate.handle, issuer: issuer.handle, hash: hashAlgorithm)
        let handle = try OCSPRequestHandle(certID: certID, nonce: nonce)
        self.certificate = certificate
        self.issuer = issuer
        self.hashAlgorithm = hashAlgorithm
        self.nonce = nonce
        self.derBytes = try handle.derEncoding()
        self.handle = handle
    }
}

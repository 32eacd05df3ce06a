//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import OpenSSLSupport

/// The card-verifiable certificate in EF 0004 of the card-surface and card-info applets: the key that signs the
/// applet's data, certified by a CA key named by its key ID (``CardVerifiableCertificateFormat``).
///
/// Parsing proves nothing: the certificate came from the card. Only ``verifies(with:)`` against a CA key from a
/// table the caller trusts (``CardCAKeyTable``) makes its key usable.
public struct CardVerifiableCertificate: Hashable, Sendable {
    /// 証明者鍵ID: the CA key that signed the certificate.
    public let issuerKeyID: CardKeyID
    /// 被証明者鍵ID: the key the certificate certifies.
    public let subjectKeyID: CardKeyID
    /// The certified RSA key.
    public let publicKey: PublicKey
    /// The 297 signed bytes.
    public let body: [UInt8]
    public let signature: [UInt8]

    /// Parses EF 0004 (with or without the `7F 21` wrapper; `FF` filler after it is ignored).
    ///
    /// - Throws: ``MynaVerifyError`` `.malformedDER` when the bytes do not have the certificate's fixed layout.
    public init(bytes: [UInt8]) throws {
        guard let (body, signature) = CardVerifiableCertificateFormat.decode(bytes) else {
            throw MynaVerifyError(
                code: .malformedDER,
                reason: "the card-verifiable certificate (\(bytes.count) bytes) does not have the 7F 21 { 5F 4E, 5F 37 } "
                    + "layout")
        }
        guard let issuer = CardKeyID(bytes: body[0..<16]), let subject = CardKeyID(bytes: body[16..<32]) else {
            throw MynaVerifyError(code: .malformedDER, reason: "the card-verifiable certificate's key IDs are malformed")
        }
        guard let key = CardVerifiableCertificateFormat.decodePublicKey(body[32...]) else {
            throw MynaVerifyError(code: .unsupportedKey, reason: "the certified key is not in the card's RSA layout")
        }
        self.issuerKeyID = issuer
        self.subjectKeyID = subject
        self.publicKey = try PublicKey(rsaModulus: key.modulus, exponent: key.exponent)
        self.body = body
        self.signature = signature
    }

    /// Whether the certificate's signature (PKCS#1 v1.5, SHA-256 over the body) verifies with `caKey`.
    public func verifies(with caKey: PublicKey) throws -> Bool {
        try caKey.opens(signature, to: HashAlgorithm.sha256.digestInfoPrefix + HashAlgorithm.sha256.digest(body))
    }
}

extension PublicKey {
    /// An RSA public key from its modulus and exponent (big-endian, as the card and the CA key table store them).
    ///
    /// The key is built as a DER SubjectPublicKeyInfo (RFC 8017 appendix A.1.1, RFC 5280 section 4.1.2.7) and parsed by
    /// OpenSSL like any other.
    ///
    /// - Throws: ``MynaVerifyError`` `.unsupportedKey` for an empty modulus or exponent, or a key OpenSSL refuses.
    public init(rsaModulus modulus: [UInt8], exponent: [UInt8]) throws {
        guard !modulus.isEmpty, !exponent.isEmpty, modulus.contains(where: { $0 != 0 }) else {
            throw MynaVerifyError(code: .unsupportedKey, reason: "an RSA key needs a modulus and an exponent")
        }
        let rsaPublicKey = DERWriter.sequence(DERWriter.unsignedInteger(modulus) + DERWriter.unsignedInteger(exponent))
        // rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters.
        let algorithm: [UInt8] = [
            0x30, 0x0D, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01, 0x05, 0x00,
        ]
        let spki = DERWriter.sequence(algorithm + DERWriter.element(0x03, [0x00] + rsaPublicKey))
        try self.init(bytes: spki)
    }

    /// Whether `signature` opens, with this RSA key and PKCS#1 v1.5 padding, to exactly `payload`.
    func opens(_ signature: [UInt8], to payload: [UInt8]) throws -> Bool {
        guard handle.isRSA else {
            throw MynaVerifyError(code: .unsupportedKey, reason: "PKCS#1 v1.5 needs an RSA key, not \(algorithm)")
        }
        return try handle.verifiesPKCS1(signature: signature, recoveringTo: payload)
    }
}

/// The few DER encodings a SubjectPublicKeyInfo needs.
/// The few DER encodings the package writes by hand (a SubjectPublicKeyInfo here, CMS in MynaDocument).
package enum DERWriter {
    static func element(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        [tag] + length(content.count) + content
    }

    static func sequence(_ content: [UInt8]) -> [UInt8] { element(0x30, content) }

    /// A non-negative INTEGER: leading zero bytes dropped, one added when the top bit is set.
    static func unsignedInteger(_ magnitude: [UInt8]) -> [UInt8] {
        var bytes = Array(magnitude.drop { $0 == 0 })
        if bytes.isEmpty { bytes = [0] }
        if bytes[0] & 0x80 != 0 { bytes.insert(0, at: 0) }
        return element(0x02, bytes)
    }

    /// The length octets of `count`: short form below 128, long form with the fewest octets otherwise.
    package static func length(_ count: Int) -> [UInt8] {
        precondition(count >= 0)
        if count < 0x80 { return [UInt8(count)] }
        var octets: [UInt8] = []
        var rest = count
        while rest > 0 {
            octets.insert(UInt8(rest & 0xFF), at: 0)
            rest >>= 8
        }
        return [0x80 | UInt8(octets.count)] + octets
    }
}

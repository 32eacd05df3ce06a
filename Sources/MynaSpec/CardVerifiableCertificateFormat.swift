//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// The card-verifiable certificate in EF 0004 of the card-surface and card-info applets, and the way the card writes
/// RSA public keys: the fixed layout soltia48/myna-card and jsapdu agree on.
///
/// ```
/// 7F 21 82 02 33
///    5F 4E 82 01 29  body: issuer key ID (16) ‖ subject key ID (16) ‖ public key (265)
///    5F 37 82 01 00  signature (256): PKCS#1 v1.5, SHA-256 over the 297 body bytes, by the issuer's key
/// ```
///
/// GET DATA answers without the `7F 21` wrapper; both forms are accepted.
public enum CardVerifiableCertificateFormat {
    public static let templateTag: [UInt8] = [0x7F, 0x21]
    public static let bodyTag: [UInt8] = [0x5F, 0x4E]
    public static let signatureTag: [UInt8] = [0x5F, 0x37]
    /// Issuer key ID, subject key ID, public key.
    public static let bodyLength = 16 + 16 + publicKeyLength
    public static let signatureLength = 256
    /// `90 03 e e e 91 82 01 00 n…`: a 3-byte exponent and a 2048-bit modulus.
    public static let publicKeyLength = 265
    /// The whole EF with its wrapper: 568 bytes.
    public static let length = 5 + 5 + bodyLength + 5 + signatureLength

    /// The card's encoding of an RSA-2048 public key: `90 03 <exponent> 91 82 01 00 <modulus>`.
    ///
    /// - Returns: `nil` unless `modulus` is 256 bytes with its top bit set and `exponent` 3 bytes.
    public static func encodePublicKey(modulus: [UInt8], exponent: [UInt8]) -> [UInt8]? {
        guard modulus.count == 256, modulus[0] & 0x80 != 0, exponent.count == 3 else { return nil }
        return [0x90, 0x03] + exponent + [0x91, 0x82, 0x01, 0x00] + modulus
    }

    /// The modulus and exponent of a key in the card's encoding, or `nil` when `bytes` is not exactly that layout.
    public static func decodePublicKey(_ bytes: some Collection<UInt8>) -> (modulus: [UInt8], exponent: [UInt8])? {
        let key = Array(bytes)
        guard key.count == publicKeyLength, key[0] == 0x90, key[1] == 0x03, key[5] == 0x91, key[6] == 0x82,
            key[7] == 0x01, key[8] == 0x00
        else { return nil }
        return (Array(key[9...]), Array(key[2..<5]))
    }

    /// The wrapped certificate: `7F 21 82 02 33 5F 4E 82 01 29 body 5F 37 82 01 00 signature`.
    ///
    /// - Precondition: `body` is ``bodyLength`` and `signature` ``signatureLength`` bytes.
    public static func encode(body: [UInt8], signature: [UInt8]) -> [UInt8] {
        precondition(body.count == bodyLength && signature.count == signatureLength)
        let inner = bodyTag + [0x82, 0x01, 0x29] + body + signatureTag + [0x82, 0x01, 0x00] + signature
        return templateTag + [0x82, UInt8(inner.count >> 8), UInt8(inner.count & 0xFF)] + inner
    }

    /// The body and signature of a certificate in this exact layout (wrapped or not; `FF` filler after it is
    /// ignored), or `nil`.
    public static func decode(_ bytes: [UInt8]) -> (body: [UInt8], signature: [UInt8])? {
        var rest = bytes[...]
        if rest.starts(with: templateTag) {
            guard rest.count >= 5, Array(rest.dropFirst(2).prefix(3)) == [0x82, 0x02, 0x33] else { return nil }
            rest = rest.dropFirst(5)
        }
        guard rest.starts(with: bodyTag + [0x82, 0x01, 0x29]), rest.count >= 5 + bodyLength + 5 + signatureLength
        else { return nil }
        let body = Array(rest.dropFirst(5).prefix(bodyLength))
        let tail = rest.dropFirst(5 + bodyLength)
        guard tail.starts(with: signatureTag + [0x82, 0x01, 0x00]) else { return nil }
        let signature = Array(tail.dropFirst(5).prefix(signatureLength))
        let after = tail.dropFirst(5 + signatureLength)
        guard after.allSatisfy({ $0 == 0xFF }) else { return nil }
        return (body, signature)
    }
}

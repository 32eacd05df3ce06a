//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import OpenSSLSupport

extension HashAlgorithm {
    /// The digest of `data`.
    ///
    /// - Throws: ``MynaVerifyError`` with ``MynaVerifyError/Code/openSSLFailure`` if OpenSSL cannot hash.
    public func digest(_ data: [UInt8]) throws -> [UInt8] {
        try evpDigest(data)
    }
}

/// Verifies RSASSA-PKCS1-v1_5 signatures, as the My Number card makes them.
///
/// The card signs a DigestInfo; these methods rebuild the DigestInfo from the hash algorithm and check the signature
/// with OpenSSL. They answer `false` for any signature that is well-formed input but does not verify (a wrong value,
/// a wrong length, a different key, different data) and throw only when the key or digest cannot be used at all.
///
/// ```swift
/// let ok = try SignatureVerifier.isValidSignature(signature, for: data, hash: .sha256, publicKeyOf: certificate)
/// ```
public enum SignatureVerifier {
    /// Checks `signature` over `data`, hashing `data` with `hash`.
    ///
    /// - Parameters:
    ///   - signature: the signature bytes (for RSA-2048, 256 bytes).
    ///   - data: the signed data.
    ///   - hash: the hash algorithm the signer used.
    ///   - publicKey: the signer's public key; must be RSA.
    /// - Returns: whether the signature verifies.
    /// - Throws: ``MynaVerifyError`` with ``MynaVerifyError/Code/unsupportedKey`` for a key that is not RSA.
    public static func isValidSignature(
        _ signature: [UInt8],
        for data: [UInt8],
        hash: HashAlgorithm,
        publicKey: PublicKey
    ) throws -> Bool {
        try isValidSignature(signature, forDigest: hash.digest(data), hash: hash, publicKey: publicKey)
    }

    /// Checks `signature` over a digest computed by the caller.
    ///
    /// - Parameters:
    ///   - signature: the signature bytes.
    ///   - digest: the digest of the signed data; its length must match `hash`.
    ///   - hash: the hash algorithm that produced `digest`.
    ///   - publicKey: the signer's public key; must be RSA.
    /// - Returns: whether the signature verifies.
    /// - Throws: ``MynaVerifyError`` with ``MynaVerifyError/Code/invalidDigestLength`` when `digest` has the wrong
    ///   length, ``MynaVerifyError/Code/unsupportedKey`` for a key that is not RSA.
    public static func isValidSignature(
        _ signature: [UInt8],
        forDigest digest: [UInt8],
        hash: HashAlgorithm,
        publicKey: PublicKey
    ) throws -> Bool {
        guard digest.count == hash.digestLength else {
            throw MynaVerifyError(
                code: .invalidDigestLength,
                reason: "a \(hash) digest has \(hash.digestLength) bytes, not \(digest.count)"
            )
        }
        guard publicKey.handle.isRSA else {
            throw MynaVerifyError(
                code: .unsupportedKey,
                reason: "PKCS#1 v1.5 verification needs an RSA key, not \(publicKey.algorithm)"
            )
        }
        return try publicKey.handle.verifiesPKCS1(signature: signature, digest: digest, hash: hash)
    }

    /// Checks `signature` over `data` with the public key of `certificate`.
    ///
    /// This checks the signature only. Whether the certificate itself is trustworthy is ``CertificateVerifier``'s
    /// question; ``ChallengeResponse`` combines both.
    ///
    /// - Throws: ``MynaVerifyError`` as ``isValidSignature(_:for:hash:publicKey:)``.
    public static func isValidSignature(
        _ signature: [UInt8],
        for data: [UInt8],
        hash: HashAlgorithm,
        publicKeyOf certificate: Certificate
    ) throws -> Bool {
        try isValidSignature(signature, for: data, hash: hash, publicKey: certificate.publicKey)
    }

    /// Checks `signature` over a caller-computed `digest` with the public key of `certificate`.
    ///
    /// - Throws: ``MynaVerifyError`` as ``isValidSignature(_:forDigest:hash:publicKey:)``.
    public static func isValidSignature(
        _ signature: [UInt8],
        forDigest digest: [UInt8],
        hash: HashAlgorithm,
        publicKeyOf certificate: Certificate
    ) throws -> Bool {
        try isValidSignature(signature, forDigest: digest, hash: hash, publicKey: certificate.publicKey)
    }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import OpenSSLSupport

/// The terminal side of card authentication: make a fresh random challenge, have the card sign it with its
/// authentication key, and check the signature with the verified authentication certificate.
///
/// ```swift
/// let challenge = try ChallengeResponse.makeChallenge()
/// let signature = try await card.sign(challenge)            // MynaCard
/// let result = verifier.verify(leaf: certificate, crls: crls)
/// guard let verified = result.verifiedCertificate,
///       try ChallengeResponse.verify(challenge: challenge, signature: signature, hash: .sha256, certificate: verified)
/// else { deny() }
/// ```
public enum ChallengeResponse {
    /// A fresh random challenge from OpenSSL's CSPRNG (`RAND_bytes`).
    ///
    /// - Parameter byteCount: the challenge length; 32 bytes by default.
    /// - Returns: `byteCount` random bytes.
    /// - Throws: ``MynaVerifyError`` with ``MynaVerifyError/Code/randomGeneratorFailure`` when OpenSSL's generator is
    ///   not seeded or fails; never returns predictable bytes instead.
    public static func makeChallenge(byteCount: Int = 32) throws -> [UInt8] {
        precondition(byteCount > 0, "a challenge needs at least one byte")
        guard let challenge = OpenSSLRandom.bytes(count: byteCount) else {
            throw MynaVerifyError.openSSL(.randomGeneratorFailure, "RAND_bytes(\(byteCount)) failed")
        }
        return challenge
    }

    /// Checks the card's signature over `challenge` with a certificate that passed verification.
    ///
    /// Taking a ``VerifiedCertificate`` (which only ``VerificationResult/verifiedCertificate`` makes) means an
    /// unverified certificate cannot be passed by accident.
    ///
    /// - Parameters:
    ///   - challenge: the challenge the terminal sent.
    ///   - signature: the card's RSASSA-PKCS1-v1_5 signature.
    ///   - hash: the hash the card signed the challenge with.
    ///   - certificate: the verified certificate of the card's key.
    /// - Returns: whether the signature verifies.
    /// - Throws: ``MynaVerifyError`` with ``MynaVerifyError/Code/unsupportedKey`` if the certificate's key is not RSA.
    public static func verify(
        challenge: [UInt8],
        signature: [UInt8],
        hash: HashAlgorithm,
        certificate: VerifiedCertificate
    ) throws -> Bool {
        try SignatureVerifier.isValidSignature(
            signature,
            for: challenge,
            hash: hash,
            publicKeyOf: certificate.certificate
        )
    }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import MynaCard
import MynaVerify

/// The card's answer to a service challenge: its certificate and its PKCS#1 v1.5 signature over the hash of the
/// challenge bytes, exactly what `mynakit sign --challenge HEX` makes.
///
/// The terminal relays; it decides nothing. The service verifies the certificate and the signature against its own
/// trust anchors, so a terminal cannot make a card it does not hold, or a certificate it edited, pass.
public struct CardAnswer: Sendable, Hashable {
    /// The challenge answered.
    public var challengeId: String
    /// The card's certificate (DER) of the key that signed.
    public var certificate: [UInt8]
    /// The signature.
    public var signature: [UInt8]
    /// The hash the challenge was signed with.
    public var hash: HashAlgorithm
    /// Which key: `auth` (the user-authentication key) or `sign` (the signing key).
    public var kind: VerificationKind

    public init(
        challengeId: String, certificate: [UInt8], signature: [UInt8], hash: HashAlgorithm,
        kind: VerificationKind = .auth
    ) {
        self.challengeId = challengeId
        self.certificate = certificate
        self.signature = signature
        self.hash = hash
        self.kind = kind
    }

    /// Has `card` answer `challenge`: hashes the challenge, has the card sign the hash with the key, and reads the
    /// key's certificate (for `sign`, after the signature, under the same VERIFY of the signing password). Call it
    /// inside one PC/SC transaction.
    ///
    /// - Parameters:
    ///   - pin: the authentication PIN for `auth`, the signing password for `sign`; wiped after use.
    ///   - allowLastTry: whether a VERIFY may spend the PIN's last try (see `MynaCard`'s PIN guard).
    ///   - hash: the hash the card signs; SHA-256 by default.
    /// - Throws: `MynaCardError` from the card, `MynaVerifyError` if OpenSSL cannot hash.
    public init(
        challenge: IssuedChallenge, card: MyNumberCard, pin: PIN, allowLastTry: Bool = false,
        hash: HashAlgorithm = .sha256, kind: VerificationKind = .auth
    ) throws {
        let digest = try hash.digest(challenge.bytes)
        let certificate: [UInt8]
        let signature: [UInt8]
        switch kind {
        case .auth:
            certificate = try card.jpki.readCertificate(.authentication)
            signature = try card.jpki.sign(
                digest: digest, algorithm: hash, key: .authentication, pin: pin, allowLastTry: allowLastTry)
        case .sign:
            // One VERIFY of the signing password (the PIN is wiped after it): sign first, then read the signing
            // certificate while the card still holds the verified state in this transaction.
            signature = try card.jpki.sign(
                digest: digest, algorithm: hash, key: .signing, pin: pin, allowLastTry: allowLastTry)
            certificate = try card.jpki.readCertificate(.signing)
        }
        self.init(challengeId: challenge.id, certificate: certificate, signature: signature, hash: hash, kind: kind)
    }

    /// The request the service takes.
    public var request: VerificationRequest {
        VerificationRequest(
            challengeId: challengeId, certificate: certificate, signature: signature, hash: hash, kind: kind)
    }
}

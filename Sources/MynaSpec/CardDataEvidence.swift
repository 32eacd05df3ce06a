//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// One signature over card data and exactly what it covers, as read from the card: the vocabulary between the reader
/// (`MynaCard` fills it from the EFs) and the verifier (`MynaVerify` hashes and checks it). No hashing happens here.
public struct SignedCardData: Hashable, Sendable {
    /// How the signed bytes become what the RSA signature recovers to.
    public enum Digest: Hashable, Sendable {
        /// A SHA-256 DigestInfo over `bytes` (card-info EF 0003, surface EFs 0001 and 0005).
        case sha256(of: [UInt8])
        /// ``CardSurfaceApplet/surfaceDigestInfoPrefix`` followed by the SHA-256 of each group, in order (surface
        /// EF 0002: three groups).
        case sha256OfGroups([[UInt8]])
    }

    /// What is signed, in words (`card surface (EF 0002)`).
    public var name: String
    public var digest: Digest
    /// The 256-byte RSA signature as stored.
    public var signature: [UInt8]

    public init(name: String, digest: Digest, signature: [UInt8]) {
        self.name = name
        self.digest = digest
        self.signature = signature
    }
}

/// A digest stored in signed data that must equal the SHA-256 of other data (card-info EF 0003 vouches for EFs 0001
/// and 0002 this way).
public struct DigestClaim: Hashable, Sendable {
    /// What the digest covers, in words (`My Number (EF 0001)`).
    public var name: String
    /// The 32-byte digest as stored.
    public var claimed: [UInt8]
    /// The data as read; `nil` when the key used did not open it (it is then reported as not checked).
    public var data: [UInt8]?

    public init(name: String, claimed: [UInt8], data: [UInt8]?) {
        self.name = name
        self.claimed = claimed
        self.data = data
    }
}

/// Everything one applet offers to prove its data genuine: its card-verifiable certificate (EF 0004), the signatures
/// made with the key the certificate certifies, the digests those signatures vouch for, and the parts nothing signs.
public struct CardDataEvidence: Hashable, Sendable {
    /// `card-surface` or `card-info`.
    public var application: String
    /// EF 0004 as read.
    public var certificate: [UInt8]
    public var signatures: [SignedCardData]
    public var digestClaims: [DigestClaim]
    /// Parts of what was read that no signature covers, in words.
    public var unsignedParts: [String]

    public init(
        application: String, certificate: [UInt8], signatures: [SignedCardData], digestClaims: [DigestClaim] = [],
        unsignedParts: [String] = []
    ) {
        self.application = application
        self.certificate = certificate
        self.signatures = signatures
        self.digestClaims = digestClaims
        self.unsignedParts = unsignedParts
    }
}

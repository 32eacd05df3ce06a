//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// The hash algorithms of JPKI signatures: the one vocabulary the card side (`MynaCard` builds the DigestInfo the
/// card signs), the verifier (`MynaVerify` hashes and checks) and the CLI (`--hash`) share.
///
/// The card is hash-agnostic: it pads and signs whatever DigestInfo it gets (RFC 8017 section 9.2). The caller hashes.
public enum HashAlgorithm: String, Hashable, Sendable, CaseIterable, Codable {
    case sha1
    case sha256
    case sha384
    case sha512

    /// The digest length in bytes.
    public var digestLength: Int {
        switch self {
        case .sha1: 20
        case .sha256: 32
        case .sha384: 48
        case .sha512: 64
        }
    }

    /// `SEQUENCE { AlgorithmIdentifier { OID, NULL }, OCTET STRING (length) }` up to the digest.
    public var digestInfoPrefix: [UInt8] {
        switch self {
        case .sha1:
            [0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2B, 0x0E, 0x03, 0x02, 0x1A, 0x05, 0x00, 0x04, 0x14]
        case .sha256:
            [0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00,
             0x04, 0x20]
        case .sha384:
            [0x30, 0x41, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00,
             0x04, 0x30]
        case .sha512:
            [0x30, 0x51, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00,
             0x04, 0x40]
        }
    }

    /// The DigestInfo for `digest`, or `nil` when `digest` is not ``digestLength`` bytes long.
    public func digestInfo(for digest: [UInt8]) -> [UInt8]? {
        digest.count == digestLength ? digestInfoPrefix + digest : nil
    }
}

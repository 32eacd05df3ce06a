//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// The PINs of the My Number card: where each lives, its format and its number of tries.
public enum PINKind: String, Hashable, Sendable, CaseIterable, Codable {
    /// 利用者証明用電子証明書 PIN: 4 digits, 3 tries (JPKI EF 0018).
    case authentication = "auth"
    /// 署名用電子証明書 password: 6-16 of A-Z and 0-9, 5 tries (JPKI EF 001B).
    case signing = "sign"
    /// 券面事項入力補助用 PIN: 4 digits, 3 tries (card-info EF 0011).
    case cardInfo = "card-info"

    /// The number of tries a fresh card has; a correct VERIFY restores it.
    public var maximumTries: Int { self == .signing ? 5 : 3 }

    /// The AID of the applet holding the PIN EF.
    public var appletAID: [UInt8] { self == .cardInfo ? CardInfoApplet.aid : JPKIApplet.aid }

    /// The PIN EF, the target of VERIFY.
    public var pinFileID: UInt16 {
        switch self {
        case .authentication: JPKIApplet.EF.authenticationPIN
        case .signing: JPKIApplet.EF.signingPIN
        case .cardInfo: CardInfoApplet.EF.pin
        }
    }

    /// VERIFY's P2 for every PIN of the card: specific reference data (bit 8) number 0, which the card resolves to
    /// the PIN EF selected just before (``pinFileID``).
    public static let verifyReference: UInt8 = 0x80

    /// Whether `bytes` (ASCII, no padding, already upper-cased) is a PIN of this kind: 4 digits, or for the signing
    /// password 6 to 16 of A-Z and 0-9.
    public func isValidFormat(_ bytes: some Collection<UInt8>) -> Bool {
        switch self {
        case .authentication, .cardInfo:
            bytes.count == 4 && bytes.allSatisfy { (0x30...0x39).contains($0) }
        case .signing:
            (6...16).contains(bytes.count)
                && bytes.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) }
        }
    }

    /// The format rule in words, for error messages.
    public var formatRule: String {
        self == .signing ? "6 to 16 characters, letters A-Z and digits only" : "exactly 4 digits"
    }

    /// What the PIN is called on screen.
    public var displayName: String {
        switch self {
        case .authentication: "authentication PIN (4 digits)"
        case .signing: "signing password (6-16 letters A-Z and digits)"
        case .cardInfo: "card-info PIN (4 digits)"
        }
    }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// Who may read a transparent EF.
enum AccessCondition: Sendable, Equatable {
    /// Anybody.
    case always
    /// After the PIN in the PIN EF with this FID (in the same DF) was verified since the DF was selected.
    case pinVerified(UInt16)
}

/// A PIN (reference data) with its retry counter. The counter survives resets and power cycles; the verified flag
/// is security state and lives in the card's volatile state instead.
struct PINFile: Sendable {
    /// The reference value, compared byte for byte with VERIFY's data (ASCII, no padding).
    var value: [UInt8]
    /// The counter's maximum, restored by a successful VERIFY.
    var maximumTries: Int
    /// Tries left; 0 = blocked.
    var triesLeft: Int
}

/// Which private key a key EF holds.
enum KeyRole: Sendable, Equatable {
    case authentication
    case signing
}

/// An elementary file.
struct ElementaryFile: Sendable {
    enum Content: Sendable {
        /// A transparent EF read with READ BINARY.
        case binary([UInt8], read: AccessCondition)
        /// A PIN EF, the target of VERIFY.
        case pin(PINFile)
        /// A private-key EF, the target of COMPUTE DIGITAL SIGNATURE; usable after the PIN in `pin` was verified.
        case key(KeyRole, pin: UInt16)
    }

    /// The 2-byte file identifier.
    var fid: UInt16
    /// The short EF identifier (1-30) that READ BINARY may use in P1, if any.
    var shortIdentifier: UInt8?
    var content: Content
}

/// A dedicated file (an applet) selected by its AID, holding EFs.
struct DedicatedFile: Sendable {
    var aid: [UInt8]
    var files: [ElementaryFile]

    func index(ofFID fid: UInt16) -> Int? {
        files.firstIndex { $0.fid == fid }
    }

    func index(ofShortIdentifier sfi: UInt8) -> Int? {
        files.firstIndex { $0.shortIdentifier == sfi }
    }
}

/// The AIDs of the virtual card's applets.
public enum MyNumberCardAID {
    /// JPKI AP (公的個人認証AP): `D3 92 F0 00 26 01 00 00 00 01`.
    public static let jpki: [UInt8] = [0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01]
    /// Card-info input support AP (券面事項入力補助AP): `D3 92 10 00 31 00 01 01 04 08`.
    public static let cardInfo: [UInt8] = [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08]
}

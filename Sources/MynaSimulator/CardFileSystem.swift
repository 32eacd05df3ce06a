//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// The card's ISO 7816-4 file system as data: applets (DFs) holding elementary files, each with the access condition
// or counter the commands check. What goes into it for a My Number card is in MyNumberCardFileSystem.swift.

/// Who may read a transparent EF.
enum AccessCondition: Sendable, Equatable {
    /// Anybody.
    case always
    /// After the PIN in the PIN EF with this FID (in the same DF) was verified since the DF was selected.
    case pinVerified(UInt16)
    /// After any one of these PIN or key EFs (in the same DF) was verified since the DF was selected (the card-info
    /// My Number: its PIN or 照合番号A).
    case anyVerified([UInt16])
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

    /// A file whose short EF identifier is its FID when the FID is 0001-001E, as on the My Number card; other files
    /// have none.
    init(fid: UInt16, content: Content) {
        self.fid = fid
        self.shortIdentifier = (1...0x1E).contains(fid) ? UInt8(fid) : nil
        self.content = content
    }
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

/// The applets of a card. Applets and files are addressed by their index, which never changes once built.
struct CardFileSystem: Sendable {
    var applets: [DedicatedFile]

    /// The index of the applet whose AID is `aid`.
    func applet(withAID aid: [UInt8]) -> Int? {
        applets.firstIndex { $0.aid == aid }
    }

    /// The applet and file index of the EF `fid` in the applet `aid`.
    func location(ofEF fid: UInt16, inApplet aid: [UInt8]) -> (applet: Int, file: Int)? {
        guard let applet = applet(withAID: aid), let file = applets[applet].index(ofFID: fid) else { return nil }
        return (applet, file)
    }

    /// The content of file `file` in applet `applet`.
    subscript(applet: Int, file: Int) -> ElementaryFile.Content {
        get { applets[applet].files[file].content }
        set { applets[applet].files[file].content = newValue }
    }
}

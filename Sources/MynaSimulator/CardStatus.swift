//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// The status words the virtual card answers with, named as ISO 7816-4 (section 5.1.3) describes them.
///
/// This is the card's own list: the host reads the same two bytes with `SmartCard`'s `StatusWord`, but the simulator
/// is a separate implementation of the card and does not borrow the client's vocabulary. The two "parameters P1-P2"
/// words are kept apart by what they mean here: ``unsupportedP1P2`` (`6A 86`) for a P1/P2 the instruction does not
/// have, ``offsetOutsideEF`` (`6B 00`) for a READ BINARY offset at or after the end of the EF.
enum CardStatus: UInt16, Sendable {
    /// `90 00`: normal processing.
    case success = 0x9000
    /// `62 82`: end of file reached before reading Ne bytes; the bytes up to the end come with it.
    case endOfFile = 0x6282
    /// `67 00`: length fields inconsistent with the APDU, a missing Le, data too long, or an extended APDU the
    /// profile does not accept.
    case wrongLength = 0x6700
    /// `69 81`: command incompatible with the file structure (READ BINARY on a PIN or key EF).
    case incompatibleFileStructure = 0x6981
    /// `69 82`: security status not satisfied (the PIN that opens the EF or key was not verified).
    case securityStatusNotSatisfied = 0x6982
    /// `69 83`: authentication method blocked (a PIN with no tries left).
    case authenticationMethodBlocked = 0x6983
    /// `69 85`: conditions of use not satisfied (GET RESPONSE with nothing pending).
    case conditionsNotSatisfied = 0x6985
    /// `69 86`: command not allowed, no current EF.
    case noCurrentEF = 0x6986
    /// `6A 82`: file or application not found.
    case fileNotFound = 0x6A82
    /// `6A 86`, ISO's "incorrect parameters P1-P2": P1 or P2 is not a value this instruction has (a SELECT with
    /// P2 = `08`, a short EF identifier in P1 without the extended profile, GET RESPONSE with P1-P2 other than 0).
    case unsupportedP1P2 = 0x6A86
    /// `6A 88`: referenced data not found (VERIFY naming a PIN EF that does not exist).
    case referencedDataNotFound = 0x6A88
    /// `6B 00`, ISO's "wrong parameters P1-P2": the READ BINARY offset is at or after the end of the EF.
    case offsetOutsideEF = 0x6B00
    /// `6D 00`: instruction not supported in this class.
    case instructionNotSupported = 0x6D00
    /// `6E 00`: class not supported.
    case classNotSupported = 0x6E00
    /// `6F 00`: no precise diagnosis (an internal failure, for example of the signing key).
    case technicalProblem = 0x6F00
}

/// A command handler's answer, before the card applies the response faults and GET RESPONSE chaining
/// (``VirtualMyNumberCard``'s `deliver`).
struct Reply: Sendable {
    /// The response data.
    var data: [UInt8]
    /// SW1 SW2 as one number.
    var status: UInt16

    /// A reply with a fixed status word.
    init(_ status: CardStatus, data: [UInt8] = []) {
        self.data = data
        self.status = status.rawValue
    }

    private init(status: UInt16) {
        self.data = []
        self.status = status
    }

    /// `63 Cx`: a VERIFY failed, or asked for the counter; `x` tries are left.
    static func triesLeft(_ count: Int) -> Reply {
        Reply(status: 0x63C0 | UInt16(count & 0x0F))
    }

    /// `6C xx`: Le was wrong; `xx` bytes are available (`00` for 256 or more).
    static func wrongLe(available count: Int) -> Reply {
        Reply(status: 0x6C00 | lengthByte(count))
    }

    /// `61 xx`: `xx` bytes wait for GET RESPONSE (`00` for 256 or more).
    static func bytesAvailable(_ count: Int) -> Reply {
        Reply(status: 0x6100 | lengthByte(count))
    }

    /// The response APDU: data, then SW1 SW2.
    var bytes: [UInt8] {
        data + [UInt8(status >> 8), UInt8(status & 0xFF)]
    }

    /// The SW2 of `61 xx` and `6C xx`: a count in one byte, where `00` stands for 256 (and, here, anything more).
    private static func lengthByte(_ count: Int) -> UInt16 {
        UInt16(min(count, 256) & 0xFF)
    }
}

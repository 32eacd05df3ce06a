//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// The instructions the virtual card carries out, each in the class it is defined in: the interindustry class `00`
/// for the ISO 7816-4 commands, the proprietary class `80` for JPKI's COMPUTE DIGITAL SIGNATURE.
enum CardInstruction: Sendable, Equatable {
    /// SELECT (`00 A4`): an applet by AID, an EF by file identifier, or the MF.
    case select
    /// READ BINARY (`00 B0`): bytes of a transparent EF, by offset or short EF identifier.
    case readBinary
    /// VERIFY (`00 20`): a PIN, or with no data the counter of one.
    case verify
    /// GET RESPONSE (`00 C0`): the data a `61 xx` announced.
    case getResponse
    /// COMPUTE DIGITAL SIGNATURE (`80 2A`): JPKI's PKCS#1 v1.5 signature with the current key EF.
    case computeDigitalSignature

    /// The instruction for a header's CLA and INS, or `nil` when the card has no such instruction in that class.
    init?(cla: UInt8, ins: UInt8) {
        switch (cla, ins) {
        case (0x00, 0xA4): self = .select
        case (0x00, 0xB0): self = .readBinary
        case (0x00, 0x20): self = .verify
        case (0x00, 0xC0): self = .getResponse
        case (0x80, 0x2A): self = .computeDigitalSignature
        default: return nil
        }
    }

    /// Whether the card knows the class at all (it answers `6E 00` otherwise, `6D 00` for an unknown INS in it).
    static func isSupportedClass(_ cla: UInt8) -> Bool {
        cla == 0x00 || cla == 0x80
    }
}

/// A command APDU as the card parsed it (ISO 7816-3 cases 1, 2S, 3S, 4S, 2E, 3E, 4E).
struct CardCommand: Sendable, Equatable {
    var cla: UInt8
    var ins: UInt8
    var p1: UInt8
    var p2: UInt8
    /// The command data field (empty for cases 1 and 2).
    var data: [UInt8]
    /// Ne: the maximum number of response bytes expected; `0` when the Le field is absent (cases 1 and 3).
    /// A short Le of `00` is 256 and an extended Le of `00 00` is 65536.
    var ne: Int
    /// Whether Lc/Le used the extended (three- or two-byte) form.
    var isExtended: Bool

    var p1p2: UInt16 { UInt16(p1) << 8 | UInt16(p2) }

    /// Parses the length fields of a raw command.
    ///
    /// - Returns: the command, or `nil` when the length fields are inconsistent with the APDU's size (the card then
    ///   answers `67 00`). Callers check the header first; `bytes` has at least 4 bytes.
    static func parse(_ bytes: [UInt8]) -> CardCommand? {
        guard bytes.count >= 4 else { return nil }
        var command = CardCommand(
            cla: bytes[0], ins: bytes[1], p1: bytes[2], p2: bytes[3], data: [], ne: 0, isExtended: false
        )
        let body = bytes[4...]
        let count = body.count
        if count == 0 {
            return command  // case 1
        }
        let first = Int(body[body.startIndex])
        if count == 1 {
            command.ne = first == 0 ? 256 : first  // case 2S
            return command
        }
        if first != 0 {
            // Short Lc.
            let dataStart = body.startIndex + 1
            if count == 1 + first {
                command.data = Array(body[dataStart..<dataStart + first])  // case 3S
                return command
            }
            if count == 2 + first {
                command.data = Array(body[dataStart..<dataStart + first])  // case 4S
                let le = Int(body[dataStart + first])
                command.ne = le == 0 ? 256 : le
                return command
            }
            return nil
        }
        // first == 0 and more bytes follow: extended form.
        command.isExtended = true
        guard count >= 3 else { return nil }
        let high = Int(body[body.startIndex + 1])
        let low = Int(body[body.startIndex + 2])
        let value = high << 8 | low
        if count == 3 {
            command.ne = value == 0 ? 65536 : value  // case 2E
            return command
        }
        guard value != 0 else { return nil }
        let dataStart = body.startIndex + 3
        if count == 3 + value {
            command.data = Array(body[dataStart..<dataStart + value])  // case 3E
            return command
        }
        if count == 5 + value {
            command.data = Array(body[dataStart..<dataStart + value])  // case 4E
            let leIndex = dataStart + value
            let le = Int(body[leIndex]) << 8 | Int(body[leIndex + 1])
            command.ne = le == 0 ? 65536 : le
            return command
        }
        return nil
    }
}

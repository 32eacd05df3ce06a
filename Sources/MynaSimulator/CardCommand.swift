//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// Status words the virtual card answers with (card side; the host side has its own types in `SmartCard`).
enum CardStatus: UInt16, Sendable {
    case success = 0x9000
    /// End of file reached before reading Ne bytes.
    case endOfFile = 0x6282
    case wrongLength = 0x6700
    /// Command incompatible with file structure (READ BINARY on a PIN or key EF).
    case incompatibleFileStructure = 0x6981
    case securityStatusNotSatisfied = 0x6982
    case authenticationMethodBlocked = 0x6983
    /// Conditions of use not satisfied (GET RESPONSE with nothing pending).
    case conditionsNotSatisfied = 0x6985
    /// Command not allowed: no current EF.
    case noCurrentEF = 0x6986
    case fileNotFound = 0x6A82
    case incorrectP1P2 = 0x6A86
    /// Referenced data not found (VERIFY naming a PIN EF that does not exist).
    case referencedDataNotFound = 0x6A88
    /// Wrong parameters P1-P2: offset outside the EF.
    case offsetOutsideEF = 0x6B00
    case insNotSupported = 0x6D00
    case claNotSupported = 0x6E00
    /// No precise diagnosis (an internal failure, for example of the signing key).
    case technicalProblem = 0x6F00

    var bytes: [UInt8] { [UInt8(rawValue >> 8), UInt8(rawValue & 0xFF)] }
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

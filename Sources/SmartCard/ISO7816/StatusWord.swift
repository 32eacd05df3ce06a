//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// The two trailing bytes of every response APDU (ISO 7816-4 section 5.1.3).
public struct StatusWord: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt16

    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(sw1: UInt8, sw2: UInt8) { self.rawValue = UInt16(sw1) << 8 | UInt16(sw2) }

    public var sw1: UInt8 { UInt8(rawValue >> 8) }
    public var sw2: UInt8 { UInt8(truncatingIfNeeded: rawValue) }

    /// `90 00`: the command was executed.
    public static let success = StatusWord(rawValue: 0x9000)
    /// `62 81`: part of the returned data may be corrupted.
    public static let partOfDataCorrupted = StatusWord(rawValue: 0x6281)
    /// `62 82`: the end of the file was reached before Ne bytes were read.
    public static let endOfFileReached = StatusWord(rawValue: 0x6282)
    /// `62 83`: the selected file is deactivated.
    public static let selectedFileDeactivated = StatusWord(rawValue: 0x6283)
    /// `67 00`: wrong length (Lc or Le).
    public static let wrongLength = StatusWord(rawValue: 0x6700)
    /// `69 81`: the command does not fit the file's structure.
    public static let commandIncompatibleWithFileStructure = StatusWord(rawValue: 0x6981)
    /// `69 82`: security status not satisfied (a PIN must be verified first).
    public static let securityStatusNotSatisfied = StatusWord(rawValue: 0x6982)
    /// `69 83`: the authentication method (the PIN) is blocked.
    public static let authenticationMethodBlocked = StatusWord(rawValue: 0x6983)
    /// `69 84`: the reference data is not usable.
    public static let referenceDataNotUsable = StatusWord(rawValue: 0x6984)
    /// `69 85`: conditions of use not satisfied.
    public static let conditionsNotSatisfied = StatusWord(rawValue: 0x6985)
    /// `69 86`: command not allowed, there is no current EF.
    public static let commandNotAllowedNoCurrentEF = StatusWord(rawValue: 0x6986)
    /// `6A 80`: incorrect parameters in the command data field.
    public static let wrongData = StatusWord(rawValue: 0x6A80)
    /// `6A 81`: function not supported.
    public static let functionNotSupported = StatusWord(rawValue: 0x6A81)
    /// `6A 82`: file or application not found.
    public static let fileNotFound = StatusWord(rawValue: 0x6A82)
    /// `6A 83`: record not found.
    public static let recordNotFound = StatusWord(rawValue: 0x6A83)
    /// `6A 86`: incorrect parameters P1-P2 (values the command does not accept). Not to be confused with
    /// ``offsetOutsideEF`` (`6B 00`).
    public static let incorrectParametersP1P2 = StatusWord(rawValue: 0x6A86)
    /// `6A 87`: Nc inconsistent with parameters P1-P2.
    public static let dataLengthInconsistentWithP1P2 = StatusWord(rawValue: 0x6A87)
    /// `6A 88`: referenced data (a PIN, a key) not found.
    public static let referencedDataNotFound = StatusWord(rawValue: 0x6A88)
    /// `6B 00`: wrong parameters P1-P2, which READ BINARY answers for an offset beyond the end of the EF (some cards
    /// answer it where others answer ``endOfFileReached``).
    public static let offsetOutsideEF = StatusWord(rawValue: 0x6B00)
    /// `6D 00`: instruction code not supported or invalid.
    public static let instructionNotSupported = StatusWord(rawValue: 0x6D00)
    /// `6E 00`: class not supported.
    public static let classNotSupported = StatusWord(rawValue: 0x6E00)
    /// `6F 00`: no precise diagnosis.
    public static let noPreciseDiagnosis = StatusWord(rawValue: 0x6F00)

    /// `6A 86`.
    @available(*, deprecated, renamed: "incorrectParametersP1P2")
    public static var incorrectP1P2: StatusWord { incorrectParametersP1P2 }
    /// `6B 00`.
    @available(*, deprecated, renamed: "offsetOutsideEF")
    public static var wrongP1P2: StatusWord { offsetOutsideEF }

    /// `90 00`.
    public var isSuccess: Bool { rawValue == 0x9000 }

    /// `61 xx`: xx more bytes are ready for GET RESPONSE (`00` means 256).
    public var bytesRemaining: Int? { sw1 == 0x61 ? (sw2 == 0 ? 256 : Int(sw2)) : nil }

    /// `6C xx`: wrong Le, resend with Le = xx (`00` means 256).
    public var correctLength: Int? { sw1 == 0x6C ? (sw2 == 0 ? 256 : Int(sw2)) : nil }

    /// `63 Cx`: verification failed (or, for an empty VERIFY, the counter), x tries left.
    public var triesRemaining: Int? { sw1 == 0x63 && sw2 & 0xF0 == 0xC0 ? Int(sw2 & 0x0F) : nil }

    /// What the status word means, in words (ISO 7816-4 table 6).
    public var meaning: String {
        if let n = bytesRemaining { return "\(n) response bytes still available" }
        if let n = correctLength { return "wrong Le; \(n) bytes available" }
        if let n = triesRemaining { return "verification failed, \(n) tries left" }
        switch rawValue {
        case 0x9000: return "success"
        case 0x6281: return "part of returned data may be corrupted"
        case 0x6282: return "end of file reached before reading Le bytes"
        case 0x6283: return "selected file deactivated"
        case 0x6581: return "memory failure"
        case 0x6700: return "wrong length"
        case 0x6881: return "logical channel not supported"
        case 0x6882: return "secure messaging not supported"
        case 0x6981: return "command incompatible with file structure"
        case 0x6982: return "security status not satisfied"
        case 0x6983: return "authentication method blocked"
        case 0x6984: return "reference data not usable"
        case 0x6985: return "conditions of use not satisfied"
        case 0x6986: return "command not allowed (no current EF)"
        case 0x6987: return "expected secure messaging data objects missing"
        case 0x6988: return "incorrect secure messaging data objects"
        case 0x6A80: return "incorrect parameters in the command data field"
        case 0x6A81: return "function not supported"
        case 0x6A82: return "file or application not found"
        case 0x6A83: return "record not found"
        case 0x6A84: return "not enough memory space in the file"
        case 0x6A86: return "incorrect parameters P1-P2"
        case 0x6A88: return "referenced data not found"
        case 0x6B00: return "wrong parameters P1-P2 (offset outside the EF)"
        case 0x6D00: return "instruction code not supported or invalid"
        case 0x6E00: return "class not supported"
        case 0x6F00: return "no precise diagnosis"
        default:
            switch sw1 {
            case 0x62, 0x63: return "warning, state of non-volatile memory \(sw1 == 0x62 ? "unchanged" : "changed")"
            case 0x64, 0x65: return "execution error"
            case 0x66: return "security-related issue"
            case 0x67: return "wrong length"
            case 0x68: return "functions in CLA not supported"
            case 0x69: return "command not allowed"
            case 0x6A: return "wrong parameters P1-P2"
            default: return "unknown status"
            }
        }
    }
}

extension StatusWord: CustomStringConvertible {
    /// `6A 82 (file or application not found)`.
    public var description: String { "\(Hex.encode([sw1, sw2], separator: " ")) (\(meaning))" }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// A PC/SC return code (`SCARD_E_*`, `SCARD_F_*`, `SCARD_W_*`, `SCARD_P_*`), with a readable description.
///
/// pcsc-lite returns `LONG` codes, which are 64-bit on Linux; they are kept here as their low 32 bits. Every code
/// pcsc-lite defines has a named constant; unknown codes still round-trip through ``rawValue``.
///
/// pcsc-lite gives `SCARD_E_UNEXPECTED` and `SCARD_E_UNSUPPORTED_FEATURE` the same value (`0x8010001F`); that value
/// is ``unexpected``, and ``unsupportedFeature`` carries the Windows value `0x80100022`.
public struct PCSCError: Error, RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `SCARD_F_INTERNAL_ERROR`: An internal consistency check failed.
    public static let internalError = PCSCError(rawValue: 0x80100001)
    /// `SCARD_E_CANCELLED`: The action was cancelled by an SCardCancel request.
    public static let cancelled = PCSCError(rawValue: 0x80100002)
    /// `SCARD_E_INVALID_HANDLE`: The supplied handle was invalid.
    public static let invalidHandle = PCSCError(rawValue: 0x80100003)
    /// `SCARD_E_INVALID_PARAMETER`: One or more of the supplied parameters could not be properly interpreted.
    public static let invalidParameter = PCSCError(rawValue: 0x80100004)
    /// `SCARD_E_INVALID_TARGET`: Registry startup information is missing or invalid.
    public static let invalidTarget = PCSCError(rawValue: 0x80100005)
    /// `SCARD_E_NO_MEMORY`: Not enough memory available to complete this command.
    public static let noMemory = PCSCError(rawValue: 0x80100006)
    /// `SCARD_F_WAITED_TOO_LONG`: An internal consistency timer has expired.
    public static let waitedTooLong = PCSCError(rawValue: 0x80100007)
    /// `SCARD_E_INSUFFICIENT_BUFFER`: The data buffer to receive returned data is too small for the returned data.
    public static let insufficientBuffer = PCSCError(rawValue: 0x80100008)
    /// `SCARD_E_UNKNOWN_READER`: The specified reader name is not recognized.
    public static let unknownReader = PCSCError(rawValue: 0x80100009)
    /// `SCARD_E_TIMEOUT`: The user-specified timeout value has expired.
    public static let timeout = PCSCError(rawValue: 0x8010000A)
    /// `SCARD_E_SHARING_VIOLATION`: The smart card cannot be accessed because of other connections outstanding.
    public static let sharingViolation = PCSCError(rawValue: 0x8010000B)
    /// `SCARD_E_NO_SMARTCARD`: The operation requires a Smart Card, but no Smart Card is currently in the device.
    public static let noSmartcard = PCSCError(rawValue: 0x8010000C)
    /// `SCARD_E_UNKNOWN_CARD`: The specified smart card name is not recognized.
    public static let unknownCard = PCSCError(rawValue: 0x8010000D)
    /// `SCARD_E_CANT_DISPOSE`: The system could not dispose of the media in the requested manner.
    public static let cantDispose = PCSCError(rawValue: 0x8010000E)
    /// `SCARD_E_PROTO_MISMATCH`: The requested protocols are incompatible with the protocol currently in use with the smart card.
    public static let protoMismatch = PCSCError(rawValue: 0x8010000F)
    /// `SCARD_E_NOT_READY`: The reader or smart card is not ready to accept commands.
    public static let notReady = PCSCError(rawValue: 0x80100010)
    /// `SCARD_E_INVALID_VALUE`: One or more of the supplied parameters values could not be properly interpreted.
    public static let invalidValue = PCSCError(rawValue: 0x80100011)
    /// `SCARD_E_SYSTEM_CANCELLED`: The action was cancelled by the system, presumably to log off or shut down.
    public static let systemCancelled = PCSCError(rawValue: 0x80100012)
    /// `SCARD_F_COMM_ERROR`: An internal communications error has been detected.
    public static let commError = PCSCError(rawValue: 0x80100013)
    /// `SCARD_F_UNKNOWN_ERROR`: An internal error has been detected, but the source is unknown.
    public static let unknownError = PCSCError(rawValue: 0x80100014)
    /// `SCARD_E_INVALID_ATR`: An ATR obtained from the registry is not a valid ATR string.
    public static let invalidAtr = PCSCError(rawValue: 0x80100015)
    /// `SCARD_E_NOT_TRANSACTED`: An attempt was made to end a non-existent transaction.
    public static let notTransacted = PCSCError(rawValue: 0x80100016)
    /// `SCARD_E_READER_UNAVAILABLE`: The specified reader is not currently available for use.
    public static let readerUnavailable = PCSCError(rawValue: 0x80100017)
    /// `SCARD_P_SHUTDOWN`: The operation has been aborted to allow the server application to exit.
    public static let shutdown = PCSCError(rawValue: 0x80100018)
    /// `SCARD_E_PCI_TOO_SMALL`: The PCI Receive buffer was too small.
    public static let pciTooSmall = PCSCError(rawValue: 0x80100019)
    /// `SCARD_E_READER_UNSUPPORTED`: The reader driver does not meet minimal requirements for support.
    public static let readerUnsupported = PCSCError(rawValue: 0x8010001A)
    /// `SCARD_E_DUPLICATE_READER`: The reader driver did not produce a unique reader name.
    public static let duplicateReader = PCSCError(rawValue: 0x8010001B)
    /// `SCARD_E_CARD_UNSUPPORTED`: The smart card does not meet minimal requirements for support.
    public static let cardUnsupported = PCSCError(rawValue: 0x8010001C)
    /// `SCARD_E_NO_SERVICE`: The Smart card resource manager is not running.
    public static let noService = PCSCError(rawValue: 0x8010001D)
    /// `SCARD_E_SERVICE_STOPPED`: The Smart card resource manager has shut down.
    public static let serviceStopped = PCSCError(rawValue: 0x8010001E)
    /// `SCARD_E_UNEXPECTED`: An unexpected card error has occurred.
    public static let unexpected = PCSCError(rawValue: 0x8010001F)
    /// `SCARD_E_ICC_INSTALLATION`: No primary provider can be found for the smart card.
    public static let iccInstallation = PCSCError(rawValue: 0x80100020)
    /// `SCARD_E_ICC_CREATEORDER`: The requested order of object creation is not supported.
    public static let iccCreateOrder = PCSCError(rawValue: 0x80100021)
    /// `SCARD_E_DIR_NOT_FOUND`: The identified directory does not exist in the smart card.
    public static let dirNotFound = PCSCError(rawValue: 0x80100023)
    /// `SCARD_E_FILE_NOT_FOUND`: The identified file does not exist in the smart card.
    public static let fileNotFound = PCSCError(rawValue: 0x80100024)
    /// `SCARD_E_NO_DIR`: The supplied path does not represent a smart card directory.
    public static let noDir = PCSCError(rawValue: 0x80100025)
    /// `SCARD_E_NO_FILE`: The supplied path does not represent a smart card file.
    public static let noFile = PCSCError(rawValue: 0x80100026)
    /// `SCARD_E_NO_ACCESS`: Access is denied to this file.
    public static let noAccess = PCSCError(rawValue: 0x80100027)
    /// `SCARD_E_WRITE_TOO_MANY`: The smart card does not have enough memory to store the information.
    public static let writeTooMany = PCSCError(rawValue: 0x80100028)
    /// `SCARD_E_BAD_SEEK`: There was an error trying to set the smart card file object pointer.
    public static let badSeek = PCSCError(rawValue: 0x80100029)
    /// `SCARD_E_INVALID_CHV`: The supplied PIN is incorrect.
    public static let invalidCHV = PCSCError(rawValue: 0x8010002A)
    /// `SCARD_E_UNKNOWN_RES_MNG`: An unrecognized error code was returned from a layered component.
    public static let unknownResourceManager = PCSCError(rawValue: 0x8010002B)
    /// `SCARD_E_NO_SUCH_CERTIFICATE`: The requested certificate does not exist.
    public static let noSuchCertificate = PCSCError(rawValue: 0x8010002C)
    /// `SCARD_E_CERTIFICATE_UNAVAILABLE`: The requested certificate could not be obtained.
    public static let certificateUnavailable = PCSCError(rawValue: 0x8010002D)
    /// `SCARD_E_NO_READERS_AVAILABLE`: Cannot find a smart card reader.
    public static let noReadersAvailable = PCSCError(rawValue: 0x8010002E)
    /// `SCARD_E_COMM_DATA_LOST`: A communications error with the smart card has been detected. Retry the operation.
    public static let commDataLost = PCSCError(rawValue: 0x8010002F)
    /// `SCARD_E_NO_KEY_CONTAINER`: The requested key container does not exist on the smart card.
    public static let noKeyContainer = PCSCError(rawValue: 0x80100030)
    /// `SCARD_E_SERVER_TOO_BUSY`: The Smart Card Resource Manager is too busy to complete this operation.
    public static let serverTooBusy = PCSCError(rawValue: 0x80100031)
    /// `SCARD_W_UNSUPPORTED_CARD`: The reader cannot communicate with the card, due to ATR string configuration conflicts.
    public static let unsupportedCard = PCSCError(rawValue: 0x80100065)
    /// `SCARD_W_UNRESPONSIVE_CARD`: The smart card is not responding to a reset.
    public static let unresponsiveCard = PCSCError(rawValue: 0x80100066)
    /// `SCARD_W_UNPOWERED_CARD`: Power has been removed from the smart card, so that further communication is not possible.
    public static let unpoweredCard = PCSCError(rawValue: 0x80100067)
    /// `SCARD_W_RESET_CARD`: The smart card has been reset, so any shared state information is invalid.
    public static let resetCard = PCSCError(rawValue: 0x80100068)
    /// `SCARD_W_REMOVED_CARD`: The smart card has been removed, so further communication is not possible.
    public static let removedCard = PCSCError(rawValue: 0x80100069)
    /// `SCARD_W_SECURITY_VIOLATION`: Access was denied because of a security violation.
    public static let securityViolation = PCSCError(rawValue: 0x8010006A)
    /// `SCARD_W_WRONG_CHV`: The card cannot be accessed because the wrong PIN was presented.
    public static let wrongCHV = PCSCError(rawValue: 0x8010006B)
    /// `SCARD_W_CHV_BLOCKED`: The card cannot be accessed because the maximum number of PIN entry attempts has been reached.
    public static let chvBlocked = PCSCError(rawValue: 0x8010006C)
    /// `SCARD_W_EOF`: The end of the smart card file has been reached.
    public static let endOfFile = PCSCError(rawValue: 0x8010006D)
    /// `SCARD_W_CANCELLED_BY_USER`: The user pressed "Cancel" on a Smart Card Selection Dialog.
    public static let cancelledByUser = PCSCError(rawValue: 0x8010006E)
    /// `SCARD_W_CARD_NOT_AUTHENTICATED`: No PIN was presented to the smart card.
    public static let cardNotAuthenticated = PCSCError(rawValue: 0x8010006F)
    /// The `SCARD_*` name of the code, e.g. `SCARD_E_NO_SMARTCARD`.
    public var name: String { Self.entry(rawValue)?.name ?? "SCARD_0x\(String(rawValue, radix: 16, uppercase: true))" }

    /// Whether pcscd itself is gone (stopped or restarted): the context must be released and established again.
    public var isServiceLost: Bool {
        self == .noService || self == .commError || self == .invalidHandle || self == .serviceStopped
    }

    /// Whether the card left the reader (or the reader left the system) during the operation.
    public var isCardGone: Bool {
        self == .removedCard || self == .noSmartcard || self == .readerUnavailable || self == .unknownReader
    }

    /// What happened, in words; for the errors a technician can fix, how to fix them.
    public var explanation: String {
        switch self {
        case .securityViolation:
            return "access to PC/SC was denied by polkit (org.debian.pcsc-lite.access_pcsc / access_card): run from an "
                + "active local session, or install a polkit rule for this user (see udev/README.md, "
                + "60-mynakit-pcsc.rules), or start pcscd with --disable-polkit"
        case .noService:
            return "the PC/SC service (pcscd) is not running or its socket is unreachable: start it with "
                + "'systemctl start pcscd.socket' (or check PCSCLITE_CSOCK_NAME)"
        case .commError:
            return "the connection to pcscd broke (pcscd restarted or crashed)"
        case .serviceStopped:
            return "pcscd refused the client: libpcsclite and pcscd speak different protocol versions"
        case .noReadersAvailable:
            return "no smart-card reader is connected"
        case .noSmartcard:
            return "no card is in the reader"
        case .removedCard:
            return "the card was removed"
        case .resetCard:
            return "the card was reset by another application; its session state is gone"
        default:
            return Self.entry(rawValue)?.text ?? "unknown PC/SC error"
        }
    }

    private static func entry(_ code: UInt32) -> (name: String, text: String)? {
        switch code {
        case 0x80100022: return ("SCARD_E_UNSUPPORTED_FEATURE", "This smart card does not support the requested feature.")
        case 0x80100001: return ("SCARD_F_INTERNAL_ERROR", "An internal consistency check failed.")
        case 0x80100002: return ("SCARD_E_CANCELLED", "The action was cancelled by an SCardCancel request.")
        case 0x80100003: return ("SCARD_E_INVALID_HANDLE", "The supplied handle was invalid.")
        case 0x80100004: return ("SCARD_E_INVALID_PARAMETER", "One or more of the supplied parameters could not be properly interpreted.")
        case 0x80100005: return ("SCARD_E_INVALID_TARGET", "Registry startup information is missing or invalid.")
        case 0x80100006: return ("SCARD_E_NO_MEMORY", "Not enough memory available to complete this command.")
        case 0x80100007: return ("SCARD_F_WAITED_TOO_LONG", "An internal consistency timer has expired.")
        case 0x80100008: return ("SCARD_E_INSUFFICIENT_BUFFER", "The data buffer to receive returned data is too small for the returned data.")
        case 0x80100009: return ("SCARD_E_UNKNOWN_READER", "The specified reader name is not recognized.")
        case 0x8010000A: return ("SCARD_E_TIMEOUT", "The user-specified timeout value has expired.")
        case 0x8010000B: return ("SCARD_E_SHARING_VIOLATION", "The smart card cannot be accessed because of other connections outstanding.")
        case 0x8010000C: return ("SCARD_E_NO_SMARTCARD", "The operation requires a Smart Card, but no Smart Card is currently in the device.")
        case 0x8010000D: return ("SCARD_E_UNKNOWN_CARD", "The specified smart card name is not recognized.")
        case 0x8010000E: return ("SCARD_E_CANT_DISPOSE", "The system could not dispose of the media in the requested manner.")
        case 0x8010000F: return ("SCARD_E_PROTO_MISMATCH", "The requested protocols are incompatible with the protocol currently in use with the smart card.")
        case 0x80100010: return ("SCARD_E_NOT_READY", "The reader or smart card is not ready to accept commands.")
        case 0x80100011: return ("SCARD_E_INVALID_VALUE", "One or more of the supplied parameters values could not be properly interpreted.")
        case 0x80100012: return ("SCARD_E_SYSTEM_CANCELLED", "The action was cancelled by the system, presumably to log off or shut down.")
        case 0x80100013: return ("SCARD_F_COMM_ERROR", "An internal communications error has been detected.")
        case 0x80100014: return ("SCARD_F_UNKNOWN_ERROR", "An internal error has been detected, but the source is unknown.")
        case 0x80100015: return ("SCARD_E_INVALID_ATR", "An ATR obtained from the registry is not a valid ATR string.")
        case 0x80100016: return ("SCARD_E_NOT_TRANSACTED", "An attempt was made to end a non-existent transaction.")
        case 0x80100017: return ("SCARD_E_READER_UNAVAILABLE", "The specified reader is not currently available for use.")
        case 0x80100018: return ("SCARD_P_SHUTDOWN", "The operation has been aborted to allow the server application to exit.")
        case 0x80100019: return ("SCARD_E_PCI_TOO_SMALL", "The PCI Receive buffer was too small.")
        case 0x8010001A: return ("SCARD_E_READER_UNSUPPORTED", "The reader driver does not meet minimal requirements for support.")
        case 0x8010001B: return ("SCARD_E_DUPLICATE_READER", "The reader driver did not produce a unique reader name.")
        case 0x8010001C: return ("SCARD_E_CARD_UNSUPPORTED", "The smart card does not meet minimal requirements for support.")
        case 0x8010001D: return ("SCARD_E_NO_SERVICE", "The Smart card resource manager is not running.")
        case 0x8010001E: return ("SCARD_E_SERVICE_STOPPED", "The Smart card resource manager has shut down.")
        case 0x8010001F: return ("SCARD_E_UNEXPECTED", "An unexpected card error has occurred.")
        case 0x80100020: return ("SCARD_E_ICC_INSTALLATION", "No primary provider can be found for the smart card.")
        case 0x80100021: return ("SCARD_E_ICC_CREATEORDER", "The requested order of object creation is not supported.")
        case 0x80100023: return ("SCARD_E_DIR_NOT_FOUND", "The identified directory does not exist in the smart card.")
        case 0x80100024: return ("SCARD_E_FILE_NOT_FOUND", "The identified file does not exist in the smart card.")
        case 0x80100025: return ("SCARD_E_NO_DIR", "The supplied path does not represent a smart card directory.")
        case 0x80100026: return ("SCARD_E_NO_FILE", "The supplied path does not represent a smart card file.")
        case 0x80100027: return ("SCARD_E_NO_ACCESS", "Access is denied to this file.")
        case 0x80100028: return ("SCARD_E_WRITE_TOO_MANY", "The smart card does not have enough memory to store the information.")
        case 0x80100029: return ("SCARD_E_BAD_SEEK", "There was an error trying to set the smart card file object pointer.")
        case 0x8010002A: return ("SCARD_E_INVALID_CHV", "The supplied PIN is incorrect.")
        case 0x8010002B: return ("SCARD_E_UNKNOWN_RES_MNG", "An unrecognized error code was returned from a layered component.")
        case 0x8010002C: return ("SCARD_E_NO_SUCH_CERTIFICATE", "The requested certificate does not exist.")
        case 0x8010002D: return ("SCARD_E_CERTIFICATE_UNAVAILABLE", "The requested certificate could not be obtained.")
        case 0x8010002E: return ("SCARD_E_NO_READERS_AVAILABLE", "Cannot find a smart card reader.")
        case 0x8010002F: return ("SCARD_E_COMM_DATA_LOST", "A communications error with the smart card has been detected. Retry the operation.")
        case 0x80100030: return ("SCARD_E_NO_KEY_CONTAINER", "The requested key container does not exist on the smart card.")
        case 0x80100031: return ("SCARD_E_SERVER_TOO_BUSY", "The Smart Card Resource Manager is too busy to complete this operation.")
        case 0x80100065: return ("SCARD_W_UNSUPPORTED_CARD", "The reader cannot communicate with the card, due to ATR string configuration conflicts.")
        case 0x80100066: return ("SCARD_W_UNRESPONSIVE_CARD", "The smart card is not responding to a reset.")
        case 0x80100067: return ("SCARD_W_UNPOWERED_CARD", "Power has been removed from the smart card, so that further communication is not possible.")
        case 0x80100068: return ("SCARD_W_RESET_CARD", "The smart card has been reset, so any shared state information is invalid.")
        case 0x80100069: return ("SCARD_W_REMOVED_CARD", "The smart card has been removed, so further communication is not possible.")
        case 0x8010006A: return ("SCARD_W_SECURITY_VIOLATION", "Access was denied because of a security violation.")
        case 0x8010006B: return ("SCARD_W_WRONG_CHV", "The card cannot be accessed because the wrong PIN was presented.")
        case 0x8010006C: return ("SCARD_W_CHV_BLOCKED", "The card cannot be accessed because the maximum number of PIN entry attempts has been reached.")
        case 0x8010006D: return ("SCARD_W_EOF", "The end of the smart card file has been reached.")
        case 0x8010006E: return ("SCARD_W_CANCELLED_BY_USER", "The user pressed \"Cancel\" on a Smart Card Selection Dialog.")
        case 0x8010006F: return ("SCARD_W_CARD_NOT_AUTHENTICATED", "No PIN was presented to the smart card.")        default: return nil
        }
    }
}

extension PCSCError {
    /// `SCARD_E_UNSUPPORTED_FEATURE` as Windows defines it; pcsc-lite's value equals ``unexpected``.
    public static let unsupportedFeature = PCSCError(rawValue: 0x80100022)
}

extension PCSCError: CustomStringConvertible {
    /// `SCARD_E_NO_SMARTCARD (0x8010000C): no card is in the reader`.
    public var description: String {
        "\(name) (0x\(String(rawValue, radix: 16, uppercase: true))): \(explanation)"
    }
}

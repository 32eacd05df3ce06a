//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import CPCSC

/// A PC/SC return code (`SCARD_E_*`, `SCARD_F_*`, `SCARD_W_*`, `SCARD_P_*`), with a readable description.
///
/// pcsc-lite returns `LONG` codes, which are 64-bit on Linux; they are kept here as their low 32 bits. Every code
/// pcsc-lite defines has a named constant, whose value comes from the pcsc-lite headers; unknown codes still
/// round-trip through ``rawValue``.
///
/// ``name`` is the macro's name in `pcsclite.h`, ``explanation`` pcsc-lite's own text (`pcsc_stringify_error`) or, for
/// the errors a technician can fix (polkit, pcscd not running, ...), what to do about them.
///
/// pcsc-lite gives `SCARD_E_UNEXPECTED` and `SCARD_E_UNSUPPORTED_FEATURE` the same value (`0x8010001F`); that value
/// is ``unexpected``, and ``unsupportedFeature`` carries the Windows value `0x80100022`.
public struct PCSCError: Error, RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// The error for a pcsc-lite return value (`LONG`), compared by its low 32 bits.
    init(returnCode: Int) { self.rawValue = UInt32(truncatingIfNeeded: returnCode) }

    /// `SCARD_F_INTERNAL_ERROR`: a consistency check inside pcsc-lite failed.
    public static let internalError = PCSCError(returnCode: SCARD_F_INTERNAL_ERROR)
    /// `SCARD_E_CANCELLED`: an `SCardCancel` ended the wait.
    public static let cancelled = PCSCError(returnCode: SCARD_E_CANCELLED)
    /// `SCARD_E_INVALID_HANDLE`: the context or card handle is not (or no longer) valid.
    public static let invalidHandle = PCSCError(returnCode: SCARD_E_INVALID_HANDLE)
    /// `SCARD_E_INVALID_PARAMETER`: a parameter could not be interpreted.
    public static let invalidParameter = PCSCError(returnCode: SCARD_E_INVALID_PARAMETER)
    /// `SCARD_E_INVALID_TARGET`: registry start-up information is missing or invalid (Windows).
    public static let invalidTarget = PCSCError(returnCode: SCARD_E_INVALID_TARGET)
    /// `SCARD_E_NO_MEMORY`: not enough memory.
    public static let noMemory = PCSCError(returnCode: SCARD_E_NO_MEMORY)
    /// `SCARD_F_WAITED_TOO_LONG`: an internal timer of pcsc-lite expired.
    public static let waitedTooLong = PCSCError(returnCode: SCARD_F_WAITED_TOO_LONG)
    /// `SCARD_E_INSUFFICIENT_BUFFER`: the receive buffer is too small for the answer.
    public static let insufficientBuffer = PCSCError(returnCode: SCARD_E_INSUFFICIENT_BUFFER)
    /// `SCARD_E_UNKNOWN_READER`: no reader has that name.
    public static let unknownReader = PCSCError(returnCode: SCARD_E_UNKNOWN_READER)
    /// `SCARD_E_TIMEOUT`: the caller's timeout expired.
    public static let timeout = PCSCError(returnCode: SCARD_E_TIMEOUT)
    /// `SCARD_E_SHARING_VIOLATION`: another connection holds the card (exclusively, or in a transaction).
    public static let sharingViolation = PCSCError(returnCode: SCARD_E_SHARING_VIOLATION)
    /// `SCARD_E_NO_SMARTCARD`: the reader is empty.
    public static let noSmartcard = PCSCError(returnCode: SCARD_E_NO_SMARTCARD)
    /// `SCARD_E_UNKNOWN_CARD`: the card name is not recognised.
    public static let unknownCard = PCSCError(returnCode: SCARD_E_UNKNOWN_CARD)
    /// `SCARD_E_CANT_DISPOSE`: the card could not be left, reset, powered down or ejected as asked.
    public static let cantDispose = PCSCError(returnCode: SCARD_E_CANT_DISPOSE)
    /// `SCARD_E_PROTO_MISMATCH`: the requested protocols do not include the one the card uses.
    public static let protoMismatch = PCSCError(returnCode: SCARD_E_PROTO_MISMATCH)
    /// `SCARD_E_NOT_READY`: the reader or card is not ready for commands.
    public static let notReady = PCSCError(returnCode: SCARD_E_NOT_READY)
    /// `SCARD_E_INVALID_VALUE`: a parameter's value could not be interpreted.
    public static let invalidValue = PCSCError(returnCode: SCARD_E_INVALID_VALUE)
    /// `SCARD_E_SYSTEM_CANCELLED`: the system cancelled the action (log-off, shut-down).
    public static let systemCancelled = PCSCError(returnCode: SCARD_E_SYSTEM_CANCELLED)
    /// `SCARD_F_COMM_ERROR`: the connection to pcscd broke.
    public static let commError = PCSCError(returnCode: SCARD_F_COMM_ERROR)
    /// `SCARD_F_UNKNOWN_ERROR`: an internal error of unknown origin.
    public static let unknownError = PCSCError(returnCode: SCARD_F_UNKNOWN_ERROR)
    /// `SCARD_E_INVALID_ATR`: an ATR is not valid.
    public static let invalidAtr = PCSCError(returnCode: SCARD_E_INVALID_ATR)
    /// `SCARD_E_NOT_TRANSACTED`: a transaction could not be ended, or an exchange failed inside the reader driver.
    public static let notTransacted = PCSCError(returnCode: SCARD_E_NOT_TRANSACTED)
    /// `SCARD_E_READER_UNAVAILABLE`: the reader is gone or not usable now.
    public static let readerUnavailable = PCSCError(returnCode: SCARD_E_READER_UNAVAILABLE)
    /// `SCARD_P_SHUTDOWN`: the operation was aborted so that the server could exit.
    public static let shutdown = PCSCError(returnCode: SCARD_P_SHUTDOWN)
    /// `SCARD_E_PCI_TOO_SMALL`: the protocol control information buffer is too small.
    public static let pciTooSmall = PCSCError(returnCode: SCARD_E_PCI_TOO_SMALL)
    /// `SCARD_E_READER_UNSUPPORTED`: the reader driver does not meet pcsc-lite's minimal requirements.
    public static let readerUnsupported = PCSCError(returnCode: SCARD_E_READER_UNSUPPORTED)
    /// `SCARD_E_DUPLICATE_READER`: the reader driver produced a reader name that is already in use.
    public static let duplicateReader = PCSCError(returnCode: SCARD_E_DUPLICATE_READER)
    /// `SCARD_E_CARD_UNSUPPORTED`: the card does not meet minimal requirements.
    public static let cardUnsupported = PCSCError(returnCode: SCARD_E_CARD_UNSUPPORTED)
    /// `SCARD_E_NO_SERVICE`: pcscd is not running or cannot be reached.
    public static let noService = PCSCError(returnCode: SCARD_E_NO_SERVICE)
    /// `SCARD_E_SERVICE_STOPPED`: pcscd shut down, or refused a client of another protocol version.
    public static let serviceStopped = PCSCError(returnCode: SCARD_E_SERVICE_STOPPED)
    /// `SCARD_E_UNEXPECTED` (also pcsc-lite's `SCARD_E_UNSUPPORTED_FEATURE`): an unexpected error, or a feature the
    /// reader or card does not support.
    public static let unexpected = PCSCError(returnCode: SCARD_E_UNEXPECTED)
    /// `SCARD_E_ICC_INSTALLATION`: no primary provider for the card (Windows).
    public static let iccInstallation = PCSCError(returnCode: SCARD_E_ICC_INSTALLATION)
    /// `SCARD_E_ICC_CREATEORDER`: the requested order of object creation is not supported (Windows).
    public static let iccCreateOrder = PCSCError(returnCode: SCARD_E_ICC_CREATEORDER)
    /// `SCARD_E_DIR_NOT_FOUND`: the directory does not exist on the card (Windows card modules).
    public static let dirNotFound = PCSCError(returnCode: SCARD_E_DIR_NOT_FOUND)
    /// `SCARD_E_FILE_NOT_FOUND`: the file does not exist on the card (Windows card modules).
    public static let fileNotFound = PCSCError(returnCode: SCARD_E_FILE_NOT_FOUND)
    /// `SCARD_E_NO_DIR`: the path is not a directory on the card (Windows card modules).
    public static let noDir = PCSCError(returnCode: SCARD_E_NO_DIR)
    /// `SCARD_E_NO_FILE`: the path is not a file on the card (Windows card modules).
    public static let noFile = PCSCError(returnCode: SCARD_E_NO_FILE)
    /// `SCARD_E_NO_ACCESS`: access to the file is denied (Windows card modules).
    public static let noAccess = PCSCError(returnCode: SCARD_E_NO_ACCESS)
    /// `SCARD_E_WRITE_TOO_MANY`: the card has no room for the data (Windows card modules).
    public static let writeTooMany = PCSCError(returnCode: SCARD_E_WRITE_TOO_MANY)
    /// `SCARD_E_BAD_SEEK`: the file pointer could not be set (Windows card modules).
    public static let badSeek = PCSCError(returnCode: SCARD_E_BAD_SEEK)
    /// `SCARD_E_INVALID_CHV`: the PIN is wrong (Windows card modules).
    public static let invalidCHV = PCSCError(returnCode: SCARD_E_INVALID_CHV)
    /// `SCARD_E_UNKNOWN_RES_MNG`: a layered component returned a code no one knows.
    public static let unknownResourceManager = PCSCError(returnCode: SCARD_E_UNKNOWN_RES_MNG)
    /// `SCARD_E_NO_SUCH_CERTIFICATE`: the certificate does not exist (Windows card modules).
    public static let noSuchCertificate = PCSCError(returnCode: SCARD_E_NO_SUCH_CERTIFICATE)
    /// `SCARD_E_CERTIFICATE_UNAVAILABLE`: the certificate could not be obtained (Windows card modules).
    public static let certificateUnavailable = PCSCError(returnCode: SCARD_E_CERTIFICATE_UNAVAILABLE)
    /// `SCARD_E_NO_READERS_AVAILABLE`: no reader is connected.
    public static let noReadersAvailable = PCSCError(returnCode: SCARD_E_NO_READERS_AVAILABLE)
    /// `SCARD_E_COMM_DATA_LOST`: data was lost on the way to or from the card; the operation may be retried.
    public static let commDataLost = PCSCError(returnCode: SCARD_E_COMM_DATA_LOST)
    /// `SCARD_E_NO_KEY_CONTAINER`: the key container does not exist (Windows card modules).
    public static let noKeyContainer = PCSCError(returnCode: SCARD_E_NO_KEY_CONTAINER)
    /// `SCARD_E_SERVER_TOO_BUSY`: the resource manager is too busy to complete the operation.
    public static let serverTooBusy = PCSCError(returnCode: SCARD_E_SERVER_TOO_BUSY)
    /// `SCARD_W_UNSUPPORTED_CARD`: the reader cannot talk to the card because of its ATR.
    public static let unsupportedCard = PCSCError(returnCode: SCARD_W_UNSUPPORTED_CARD)
    /// `SCARD_W_UNRESPONSIVE_CARD`: the card does not answer reset (mute, or inserted the wrong way round).
    public static let unresponsiveCard = PCSCError(returnCode: SCARD_W_UNRESPONSIVE_CARD)
    /// `SCARD_W_UNPOWERED_CARD`: the card is not powered.
    public static let unpoweredCard = PCSCError(returnCode: SCARD_W_UNPOWERED_CARD)
    /// `SCARD_W_RESET_CARD`: the card was reset; every selection and verified PIN is gone.
    public static let resetCard = PCSCError(returnCode: SCARD_W_RESET_CARD)
    /// `SCARD_W_REMOVED_CARD`: the card left the reader.
    public static let removedCard = PCSCError(returnCode: SCARD_W_REMOVED_CARD)
    /// `SCARD_W_SECURITY_VIOLATION`: access was denied; with pcsc-lite, polkit refused the client.
    public static let securityViolation = PCSCError(returnCode: SCARD_W_SECURITY_VIOLATION)
    /// `SCARD_W_WRONG_CHV`: the wrong PIN was presented (Windows card modules).
    public static let wrongCHV = PCSCError(returnCode: SCARD_W_WRONG_CHV)
    /// `SCARD_W_CHV_BLOCKED`: no PIN tries are left (Windows card modules).
    public static let chvBlocked = PCSCError(returnCode: SCARD_W_CHV_BLOCKED)
    /// `SCARD_W_EOF`: the end of the file was reached (Windows card modules).
    public static let endOfFile = PCSCError(returnCode: SCARD_W_EOF)
    /// `SCARD_W_CANCELLED_BY_USER`: the user cancelled a card-selection dialogue (Windows).
    public static let cancelledByUser = PCSCError(returnCode: SCARD_W_CANCELLED_BY_USER)
    /// `SCARD_W_CARD_NOT_AUTHENTICATED`: no PIN was presented (Windows card modules).
    public static let cardNotAuthenticated = PCSCError(returnCode: SCARD_W_CARD_NOT_AUTHENTICATED)

    /// The `SCARD_*` name of the code, e.g. `SCARD_E_NO_SMARTCARD`; `SCARD_0x…` for a code pcsc-lite does not define.
    public var name: String {
        if self == .unsupportedFeature { return "SCARD_E_UNSUPPORTED_FEATURE" }
        return PCSCBridge.returnCodeName(rawValue) ?? "SCARD_0x\(String(rawValue, radix: 16, uppercase: true))"
    }

    /// Whether pcscd itself is gone (stopped or restarted): the context must be released and established again.
    public var isServiceLost: Bool {
        self == .noService || self == .commError || self == .invalidHandle || self == .serviceStopped
    }

    /// Whether the card left the reader (or the reader left the system) during the operation.
    public var isCardGone: Bool {
        self == .removedCard || self == .noSmartcard || self == .readerUnavailable || self == .unknownReader
    }

    /// What happened, in words; for the errors a technician can fix, how to fix them.
    ///
    /// Other codes are described by pcsc-lite's own text (`pcsc_stringify_error`); pcsc-lite has none for the codes it
    /// never returns, which are described as such.
    public var explanation: String {
        if let hint { return hint }
        if let text = PCSCBridge.returnCodeText(rawValue) { return text }
        return PCSCBridge.returnCodeName(rawValue) == nil
            ? "unknown PC/SC error" : "a code pcsc-lite defines but does not describe"
    }

    /// Our words for the errors whose cause and fix are known on a Linux terminal.
    private var hint: String? {
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
        case .unsupportedFeature:
            // Not a pcsc-lite value, so pcsc_stringify_error has no text for it.
            return "the reader or card does not support the requested feature"
        default:
            return nil
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

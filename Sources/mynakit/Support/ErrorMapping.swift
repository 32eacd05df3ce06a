//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import MynaCard
import MynaSimulator
import MynaVerify
import SmartCard

/// The exit codes of the CLI contract (Docs/Technician.md). Scripts and kiosk supervisors branch on them, so a code
/// never changes meaning.
enum ExitStatus: Int32, Sendable, CaseIterable {
    case success = 0
    /// No reader, no card, or not a My Number card.
    case noCard = 3
    /// PIN rejected, blocked, or last try refused.
    case pin = 4
    /// Verification failed.
    case verificationFailed = 5
    /// Card communication failed: removed, reset, malformed response, unexpected status word.
    case cardCommunication = 6
    case usage = 64
    /// PC/SC service unreachable or access denied.
    case serviceUnavailable = 69
    /// An output could not be written (EX_IOERR): full disk, closed or broken stdout, unwritable --out.
    case ioError = 74
    /// `watch --events N` ended (timeout or interrupt) before N events (EX_TEMPFAIL).
    case timedOut = 75
}

/// A failure a command reports: an exit status, a stable machine-readable code and a sentence for people.
///
/// Commands throw it for their own checks; every library error becomes one through ``init(_:)``.
struct CommandFailure: Error, CustomStringConvertible {
    var status: ExitStatus
    var code: String
    var message: String
    /// For PIN failures: the tries left on that PIN, as the card reported them (a field in `--json` errors).
    var triesLeft: Int? = nil

    var description: String { message }
}

extension CommandFailure {
    /// The one table from errors to exit statuses.
    ///
    /// The code is the library's own stable name for the error (`SCARD_E_NO_SERVICE`, `wrong-pin`, …), so `--json`
    /// output can be matched without parsing the message. A new error type or code is mapped here and nowhere else.
    init(_ error: any Error) {
        switch error {
        case let failure as CommandFailure:
            self = failure

        case let error as PCSCError:
            let status: ExitStatus
            switch error {
            case .noService, .commError, .serviceStopped, .securityViolation, .invalidHandle, .noMemory:
                status = .serviceUnavailable
            case .noSmartcard, .unknownReader, .noReadersAvailable, .readerUnavailable, .unknownCard,
                .unsupportedCard, .unresponsiveCard, .unpoweredCard:
                status = .noCard
            default:
                status = .cardCommunication
            }
            self.init(status: status, code: error.name, message: error.description)

        case let error as CardError:
            let status: ExitStatus
            switch error.code {
            case .invalidHex, .invalidCommand, .malformedATR: status = .usage
            default: status = .cardCommunication
            }
            self.init(status: status, code: error.code.rawValue, message: error.reason)

        case let error as MynaCardError:
            let status: ExitStatus
            switch error.code {
            case .invalidPINFormat, .wrongPIN, .pinBlocked, .lastTryRefused: status = .pin
            case .notMyNumberCard: status = .noCard
            case .invalidArgument: status = .usage
            default: status = .cardCommunication
            }
            self.init(status: status, code: error.code.rawValue, message: error.reason, triesLeft: error.triesLeft)

        case let error as MynaVerifyError:
            // About input the user gave: unreadable files, bad certificates, unusable keys.
            let status: ExitStatus
            switch error.code {
            // The trust directory: a root not admitted without its flag, an unknown fingerprint, an insecure
            // directory are the user's to fix; a directory that cannot be written is lost output.
            case .unreadableFile, .noTrustAnchors, .rootNotAdmitted, .unknownRoot, .insecureTrustDirectory:
                status = .usage
            case .unwritableFile: status = .ioError
            case .openSSLFailure, .randomGeneratorFailure: status = .cardCommunication
            // Malformed certificates, CRLs or keys, a missing identity: the thing to verify cannot be verified.
            default: status = .verificationFailed
            }
            var message = error.reason
            if !error.openSSLErrors.isEmpty { message += " (OpenSSL: \(error.openSSLErrors.joined(separator: "; ")))" }
            self.init(status: status, code: error.code.rawValue, message: message)

        case let error as SimulatorError:
            let status: ExitStatus
            switch error.code {
            case .invalidConfiguration, .invalidPKI, .fileSystem: status = .usage
            default: status = .cardCommunication
            }
            self.init(status: status, code: error.code.rawValue, message: error.message)

        case let error as VPCDLink.LinkError:
            self.init(status: .serviceUnavailable, code: "vpcd-unreachable", message: error.description)

        default:
            self.init(status: .cardCommunication, code: "error", message: String(describing: error))
        }
    }
}

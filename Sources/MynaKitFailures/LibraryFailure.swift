//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import MynaCard
import MynaVerify
import SmartCard

/// A library error as a front end reports it: a result code, the library's stable name for the error, a sentence for
/// people and, for PIN failures, the tries left.
///
/// The one table from the errors of `SmartCard`, `MynaCard` and `MynaVerify` (`MynaDocument` adds its codes to
/// `MynaVerifyError`) to result codes. The CLI turns it into an exit status and a `--json` error, the C interface
/// into a `mynakit_error`; each front end maps only its own errors before it (the CLI's simulator errors, the C
/// interface's argument checks).
public struct LibraryFailure: Error, Sendable, Equatable {
    public var status: ExitStatus
    /// The library's own name for the error (`SCARD_E_NO_SERVICE`, `wrong-pin`, `expired`, …), so that callers can
    /// match it without parsing the message.
    public var code: String
    public var message: String
    /// For PIN failures: the tries left on that PIN, as the card reported them.
    public var triesLeft: Int?

    public init(status: ExitStatus, code: String, message: String, triesLeft: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.triesLeft = triesLeft
    }

    /// Maps any error: the library's error types by their codes, anything else as a card-communication failure named
    /// `error`. A new library error type or code is mapped here and nowhere else.
    public init(_ error: any Error) {
        switch error {
        case let failure as LibraryFailure:
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
            // About input the caller gave: unreadable files, bad certificates, unusable keys.
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

        default:
            self.init(status: .cardCommunication, code: "error", message: String(describing: error))
        }
    }
}

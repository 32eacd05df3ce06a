//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import MynaKitFailures
import MynaSimulator

/// The exit codes of the CLI contract (Docs/Technician.md): MynaKitFailures' result codes, which the C interface
/// shares.
typealias ExitStatus = MynaKitFailures.ExitStatus

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
    /// Errors to exit statuses: the CLI's own (the virtual card's, which only `mynakit sim` meets) here, every
    /// library error through MynaKitFailures' one table (`LibraryFailure`).
    ///
    /// The code is the library's own stable name for the error (`SCARD_E_NO_SERVICE`, `wrong-pin`, …), so `--json`
    /// output can be matched without parsing the message.
    init(_ error: any Error) {
        switch error {
        case let failure as CommandFailure:
            self = failure

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
            let failure = LibraryFailure(error)
            self.init(
                status: failure.status, code: failure.code, message: failure.message, triesLeft: failure.triesLeft)
        }
    }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import MynaCard
import MynaSimulator
import SmartCard

extension PCSCError: ReportableError {
    var commandFailure: CommandFailure {
        let status: ExitStatus
        switch self {
        case .noService, .commError, .serviceStopped, .securityViolation, .invalidHandle, .noMemory:
            status = .serviceUnavailable
        case .noSmartcard, .unknownReader, .noReadersAvailable, .readerUnavailable, .unknownCard, .unsupportedCard,
            .unresponsiveCard, .unpoweredCard:
            status = .noCard
        default:
            status = .cardCommunication
        }
        return CommandFailure(status: status, code: name, message: description)
    }
}

extension CardError: ReportableError {
    var commandFailure: CommandFailure {
        let status: ExitStatus
        switch code {
        case .invalidHex, .invalidCommand, .malformedATR: status = .usage
        default: status = .cardCommunication
        }
        return CommandFailure(status: status, code: code.rawValue, message: reason)
    }
}

extension VPCDLink.LinkError: ReportableError {
    var commandFailure: CommandFailure {
        CommandFailure(status: .serviceUnavailable, code: "vpcd-unreachable", message: description)
    }
}

extension MynaCardError: ReportableError {
    var commandFailure: CommandFailure {
        let status: ExitStatus
        switch code {
        case .invalidPINFormat, .wrongPIN, .pinBlocked, .lastTryRefused: status = .pin
        case .notMyNumberCard: status = .noCard
        case .invalidArgument: status = .usage
        default: status = .cardCommunication
        }
        return CommandFailure(status: status, code: code.rawValue, message: reason)
    }
}

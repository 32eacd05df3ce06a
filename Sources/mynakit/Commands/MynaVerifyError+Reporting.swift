//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import MynaVerify

/// MynaVerify's errors are about input the user gave: unreadable files, bad certificates, unusable keys.
extension MynaVerifyError: ReportableError {
    var commandFailure: CommandFailure {
        let status: ExitStatus
        switch code {
        case .unreadableFile, .noTrustAnchors:
            status = .usage
        case .openSSLFailure, .randomGeneratorFailure:
            status = .cardCommunication
        default:
            // Malformed certificates, CRLs or keys, a missing identity: the thing to verify cannot be verified.
            status = .verificationFailed
        }
        var message = reason
        if !openSSLErrors.isEmpty { message += " (OpenSSL: \(openSSLErrors.joined(separator: "; ")))" }
        return CommandFailure(status: status, code: code.rawValue, message: message)
    }
}

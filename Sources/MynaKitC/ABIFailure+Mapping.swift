//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import CMynaKit
import MynaKitFailures
import MynaVerify

extension ABIFailure {
    /// Errors to result codes: the C interface's own failures as they are, every library error through
    /// MynaKitFailures' one table (`LibraryFailure`), so a C caller gets the CLI's codes, names and messages.
    init(_ error: any Error) {
        if let failure = error as? ABIFailure {
            self = failure
            return
        }
        let failure = LibraryFailure(error)
        self.init(
            code: failure.status.resultCode, name: failure.code, message: failure.message,
            triesLeft: failure.triesLeft.map { Int32(clamping: $0) } ?? -1)
    }

    /// A certificate that failed verification: every failure in words, and each kind of failure once by name.
    init(verdict: VerificationResult) {
        self.init(
            code: Int32(MYNAKIT_E_VERIFICATION),
            name: verdict.failures.map(\.code).reduce(into: [String]()) { names, name in
                if !names.contains(name) { names.append(name) }
            }.joined(separator: ","),
            message: verdict.failures.map(\.description).joined(separator: "; "))
    }
}

extension ExitStatus {
    /// The header's `MYNAKIT_E_*` constant for this status (the same number; the switch makes a new status a compile
    /// error here until the header has it).
    var resultCode: Int32 {
        switch self {
        case .noCard: Int32(MYNAKIT_E_NO_CARD)
        case .pin: Int32(MYNAKIT_E_PIN)
        case .verificationFailed: Int32(MYNAKIT_E_VERIFICATION)
        case .cardCommunication: Int32(MYNAKIT_E_CARD)
        case .usage: Int32(MYNAKIT_E_USAGE)
        case .serviceUnavailable: Int32(MYNAKIT_E_SERVICE)
        case .ioError: Int32(MYNAKIT_E_IO)
        // No library error maps to these: success is no failure, and only the CLI's `watch` times out.
        case .success, .timedOut: Int32(MYNAKIT_E_CARD)
        }
    }
}

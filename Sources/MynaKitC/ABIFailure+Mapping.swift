//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import CMynaKit
import MynaCard
import MynaVerify
import SmartCard

extension ABIFailure {
    /// The table from library errors to result codes: the same codes, names and messages as the CLI's exit statuses
    /// and JSON errors (Sources/mynakit/Support/ErrorMapping.swift), for the errors the C interface can meet.
    init(_ error: any Error) {
        switch error {
        case let failure as ABIFailure:
            self = failure

        case let error as PCSCError:
            let code: Int32
            switch error {
            case .noService, .commError, .serviceStopped, .securityViolation, .invalidHandle, .noMemory:
                code = Int32(MYNAKIT_E_SERVICE)
            case .noSmartcard, .unknownReader, .noReadersAvailable, .readerUnavailable, .unknownCard,
                .unsupportedCard, .unresponsiveCard, .unpoweredCard:
                code = Int32(MYNAKIT_E_NO_CARD)
            default:
                code = Int32(MYNAKIT_E_CARD)
            }
            self.init(code: code, name: error.name, message: error.description)

        case let error as CardError:
            let code: Int32
            switch error.code {
            case .invalidHex, .invalidCommand, .malformedATR: code = Int32(MYNAKIT_E_USAGE)
            default: code = Int32(MYNAKIT_E_CARD)
            }
            self.init(code: code, name: error.code.rawValue, message: error.reason)

        case let error as MynaCardError:
            let code: Int32
            switch error.code {
            case .invalidPINFormat, .wrongPIN, .pinBlocked, .lastTryRefused: code = Int32(MYNAKIT_E_PIN)
            case .notMyNumberCard: code = Int32(MYNAKIT_E_NO_CARD)
            case .invalidArgument: code = Int32(MYNAKIT_E_USAGE)
            default: code = Int32(MYNAKIT_E_CARD)
            }
            self.init(
                code: code, name: error.code.rawValue, message: error.reason,
                triesLeft: error.triesLeft.map { Int32(clamping: $0) } ?? -1)

        case let error as MynaVerifyError:
            let code: Int32
            switch error.code {
            case .unreadableFile, .noTrustAnchors, .rootNotAdmitted, .unknownRoot, .insecureTrustDirectory:
                code = Int32(MYNAKIT_E_USAGE)
            case .unwritableFile: code = Int32(MYNAKIT_E_IO)
            case .openSSLFailure, .randomGeneratorFailure: code = Int32(MYNAKIT_E_CARD)
            // Malformed certificates, CRLs or keys: the thing to verify cannot be verified.
            default: code = Int32(MYNAKIT_E_VERIFICATION)
            }
            var message = error.reason
            if !error.openSSLErrors.isEmpty { message += " (OpenSSL: \(error.openSSLErrors.joined(separator: "; ")))" }
            self.init(code: code, name: error.code.rawValue, message: message)

        default:
            self.init(code: Int32(MYNAKIT_E_CARD), name: "error", message: String(describing: error))
        }
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

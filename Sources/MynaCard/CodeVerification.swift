//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import SmartCard

// The guarded VERIFY of 照合番号A and B, with the same rules as the PINs (tries read first, a blocked key never sent,
// the last try refused unless allowed, the code wiped) for keys whose counters no source agrees on. The key EF is
// named in P2 (`80 | EF`), so the unlock costs one empty VERIFY and one VERIFY, with no SELECT EF.

extension MyNumberCard {
    /// The counter of the code key `keyFileID` of the selected applet, read with an empty VERIFY that spends nothing.
    func codeStatus(keyFileID: UInt16, kind: VerificationCodeKind) throws -> VerificationCodeStatus {
        let reference = VerificationCodeKind.verifyReference(keyFileID: keyFileID)
        let response = try transmit(.verifyStatus(reference: reference))
        if let tries = response.statusWord.triesRemaining {
            return VerificationCodeStatus(kind: kind, triesLeft: tries, isVerified: false)
        }
        switch response.statusWord {
        case .success:
            // ISO 7816-4: no verification needed, the key is verified in this selection already.
            return VerificationCodeStatus(kind: kind, triesLeft: nil, isVerified: true)
        case StatusWord(sw1: 0x63, sw2: 0x00):
            return VerificationCodeStatus(kind: kind, triesLeft: nil, isVerified: false)
        case .authenticationMethodBlocked, .referenceDataNotUsable:
            return VerificationCodeStatus(kind: kind, triesLeft: 0, isVerified: false)
        case .referencedDataNotFound, .fileNotFound:
            throw MynaCardError(
                .fileNotFound, "the applet has no key for \(kind.displayName)", statusWord: response.statusWord)
        default:
            throw unexpected(response.statusWord, "empty VERIFY of \(kind.displayName)")
        }
    }

    /// VERIFY of `code` at `keyFileID`, guarded like a PIN; `code` is wiped whatever happens.
    func verify(_ code: VerificationCode, keyFileID: UInt16, allowLastTry: Bool) throws {
        defer { code.wipe() }
        guard !code.isWiped else {
            throw MynaCardError(.invalidPINFormat, "the code was already used and wiped; enter it again")
        }
        let name = code.kind.displayName
        let status = try codeStatus(keyFileID: keyFileID, kind: code.kind)
        if status.isVerified { return }
        if status.isBlocked {
            throw MynaCardError(
                .pinBlocked, "\(name) is blocked on this card; it can only be reset at the municipal office",
                triesLeft: 0)
        }
        if status.triesLeft.map({ $0 <= 1 }) ?? true, !allowLastTry {
            let what = status.triesLeft == nil
                ? "the card does not say how many tries are left on \(name), so this one could be the last"
                : "only one try is left on \(name); a wrong code now blocks it"
            throw MynaCardError(
                .lastTryRefused, "\(what). Nothing was sent; allow the last try explicitly to go on",
                triesLeft: status.triesLeft)
        }
        let reference = VerificationCodeKind.verifyReference(keyFileID: keyFileID)
        let verify = try command { try code.withBytes { try .verify(reference: reference, pin: $0) } }
        noteSendingPIN()
        let response = try transmit(verify)
        if response.statusWord.isSuccess { return }
        if let tries = response.statusWord.triesRemaining {
            throw MynaCardError(
                tries == 0 ? .pinBlocked : .wrongPIN,
                tries == 0 ? "wrong \(name); it is now blocked" : "wrong \(name); \(tries) \(tries == 1 ? "try" : "tries") left",
                triesLeft: tries, statusWord: response.statusWord)
        }
        switch response.statusWord {
        case .authenticationMethodBlocked, .referenceDataNotUsable:
            throw MynaCardError(.pinBlocked, "\(name) is blocked", triesLeft: 0, statusWord: response.statusWord)
        default:
            throw unexpected(response.statusWord, "VERIFY of \(name)")
        }
    }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import SmartCard

extension MyNumberCard {
    /// Reads the tries left of the PIN in `pinEF` with an empty VERIFY (`00 20 00 80`), which spends nothing.
    func pinStatus(pinEF: UInt16, kind: PINKind) throws -> PINStatus {
        try selectEF(pinEF, name: "\(kind.displayName) EF")
        let response = try transmit(.verifyStatus(reference: PINKind.verifyReference))
        if let tries = response.statusWord.triesRemaining {
            return PINStatus(kind: kind, triesLeft: tries)
        }
        switch response.statusWord {
        case .authenticationMethodBlocked, .referenceDataNotUsable:
            return PINStatus(kind: kind, triesLeft: 0)
        default:
            // 90 00 would hide the counter (one implementation's quirk): refuse to guess.
            throw unexpected(response.statusWord, "empty VERIFY of the \(kind.displayName)")
        }
    }

    /// VERIFY with the PIN, guarded: the tries are read first; none left reports blocked without sending, one left
    /// is refused unless `allowLastTry`. The PIN is wiped afterwards, whatever happens.
    func verify(_ pin: PIN, pinEF: UInt16, allowLastTry: Bool) throws {
        defer { pin.wipe() }
        guard !pin.isWiped else {
            throw MynaCardError(.invalidPINFormat, "the PIN was already used and wiped; ask for it again")
        }
        let status = try pinStatus(pinEF: pinEF, kind: pin.kind)
        if status.isBlocked {
            throw MynaCardError(
                .pinBlocked, "the \(pin.kind.displayName) is blocked; it can only be reset at the municipal office",
                triesLeft: 0)
        }
        if status.triesLeft == 1 && !allowLastTry {
            throw MynaCardError(
                .lastTryRefused,
                "only one try is left on the \(pin.kind.displayName); a wrong PIN now blocks it. Nothing was sent; "
                    + "allow the last try explicitly to go on",
                triesLeft: 1)
        }
        let verify = try command { try pin.withBytes { try .verify(reference: PINKind.verifyReference, pin: $0) } }
        noteSendingPIN()
        let response = try transmit(verify)
        if response.statusWord.isSuccess { return }
        if let tries = response.statusWord.triesRemaining {
            if tries == 0 {
                throw MynaCardError(
                    .pinBlocked, "wrong \(pin.kind.displayName); it is now blocked", triesLeft: 0,
                    statusWord: response.statusWord)
            }
            throw MynaCardError(
                .wrongPIN, "wrong \(pin.kind.displayName); \(tries) \(tries == 1 ? "try" : "tries") left",
                triesLeft: tries, statusWord: response.statusWord)
        }
        switch response.statusWord {
        case .authenticationMethodBlocked, .referenceDataNotUsable:
            throw MynaCardError(
                .pinBlocked, "the \(pin.kind.displayName) is blocked", triesLeft: 0, statusWord: response.statusWord)
        default:
            throw unexpected(response.statusWord, "VERIFY of the \(pin.kind.displayName)")
        }
    }
}

/// The state of one PIN's retry counter.
public struct PINStatus: Hashable, Sendable {
    public var kind: PINKind
    public var triesLeft: Int
    public var isBlocked: Bool { triesLeft == 0 }
    public var maximumTries: Int { kind.maximumTries }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// VERIFY (ISO 7816-4 section 11.5.6) and the other commands that carry a PIN. VERIFY with data compares a PIN and
// spends a try when it is wrong; VERIFY without data only asks for the state of the retry counter and spends nothing.
// Commands that carry a PIN are never traced with their data and never sent twice by the channel.

extension CommandAPDU.Kind {
    /// VERIFY, `INS 20`.
    ///
    /// | SW | meaning |
    /// |---|---|
    /// | `90 00` | verified (without data: no verification needed, or already verified) |
    /// | `63 Cx` | wrong PIN, x tries left (without data: x tries left) |
    /// | `69 83` | blocked: no try left |
    /// | `69 84` | reference data not usable |
    /// | `69 86` | no current EF (the PIN EF is not selected) |
    /// | `6A 86` | incorrect P1-P2 |
    /// | `6A 88` | no such reference data |
    public static let verify = CommandAPDU.Kind(
        name: "VERIFY", instruction: 0x20,
        responseStatuses: [
            .success("verified"),
            ResponseStatus(StatusWord(sw1: 0x63, sw2: 0xC0), mask: 0xFFF0, "wrong PIN or, without data, the tries left"),
            ResponseStatus(.authenticationMethodBlocked, "blocked: no try left"),
            ResponseStatus(.referenceDataNotUsable, "reference data not usable"),
            ResponseStatus(.commandNotAllowedNoCurrentEF, "no current EF (the PIN EF is not selected)"),
            ResponseStatus(.incorrectParametersP1P2, "incorrect P1-P2"),
            ResponseStatus(.referencedDataNotFound, "no such reference data"),
        ])

    /// The odd INS form of VERIFY (`21`), whose data is a BER-TLV data object. MynaKit does not send it, but its data
    /// is a PIN all the same.
    static let verifyOddInstruction: UInt8 = 0x21

    /// CHANGE REFERENCE DATA, `INS 24`: replaces a PIN (the data holds the old and the new one).
    ///
    /// | SW | meaning |
    /// |---|---|
    /// | `90 00` | changed |
    /// | `63 Cx` | wrong old PIN, x tries left |
    /// | `69 83` | blocked |
    /// | `69 84` | reference data not usable |
    /// | `6A 88` | no such reference data |
    public static let changeReferenceData = CommandAPDU.Kind(
        name: "CHANGE REFERENCE DATA", instruction: 0x24, responseStatuses: pinChangeStatuses("changed"))

    /// RESET RETRY COUNTER, `INS 2C`: unblocks a PIN with a resetting code.
    ///
    /// Same answers as ``changeReferenceData``, `63 Cx` counting the tries of the resetting code.
    public static let resetRetryCounter = CommandAPDU.Kind(
        name: "RESET RETRY COUNTER", instruction: 0x2C, responseStatuses: pinChangeStatuses("reset"))

    private static func pinChangeStatuses(_ done: String) -> [ResponseStatus] {
        [
            .success(done),
            ResponseStatus(StatusWord(sw1: 0x63, sw2: 0xC0), mask: 0xFFF0, "wrong code, x tries left"),
            ResponseStatus(.authenticationMethodBlocked, "blocked: no try left"),
            ResponseStatus(.referenceDataNotUsable, "reference data not usable"),
            ResponseStatus(.referencedDataNotFound, "no such reference data"),
        ]
    }
}

extension CommandAPDU {
    /// VERIFY with a PIN: `00 20 00 P2 Lc PIN`, P2 the reference of the PIN (its meaning is the card's: on the My
    /// Number card `80`, the PIN EF selected just before).
    ///
    /// A wrong PIN spends a try. Expected answers: ``Kind/verify``.
    ///
    /// - Throws: ``CardError`` `.invalidCommand` for an empty PIN (that would be ``verifyStatus(reference:)``, a
    ///   different question) or one over 255 bytes.
    public static func verify(reference: UInt8, pin: [UInt8]) throws -> CommandAPDU {
        guard (1...255).contains(pin.count) else {
            throw CardError(.invalidCommand, "a PIN for VERIFY has 1 to 255 bytes, got \(pin.count)")
        }
        return CommandAPDU(uncheckedCLA: 0x00, ins: Kind.verify.instruction, p1: 0x00, p2: reference, data: pin)
    }

    /// VERIFY without data: `00 20 00 P2`. Asks for the state of the PIN's retry counter and spends no try.
    ///
    /// Expected answers: ``Kind/verify``; `63 Cx` gives the tries left.
    public static func verifyStatus(reference: UInt8) -> CommandAPDU {
        CommandAPDU(uncheckedCLA: 0x00, ins: Kind.verify.instruction, p1: 0x00, p2: reference)
    }
}

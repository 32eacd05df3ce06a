//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// PERFORM SECURITY OPERATION (ISO 7816-8 section 11): signatures, decipherment, hashes with the card's keys. MynaKit
// builds no interindustry PSO (the My Number card signs with a proprietary command of the same INS, declared in
// MynaCard), but the channel must know the instruction: a signature is never sent twice.

extension CommandAPDU.Kind {
    /// PERFORM SECURITY OPERATION, `INS 2A`.
    ///
    /// | SW | meaning |
    /// |---|---|
    /// | `90 00` | done; the result follows |
    /// | `69 82` | security status not satisfied (the key's PIN is not verified) |
    /// | `69 85` | conditions of use not satisfied (no key selected) |
    /// | `6A 80` | incorrect data (a digest of the wrong length) |
    /// | `6A 88` | no such key |
    public static let performSecurityOperation = CommandAPDU.Kind(
        name: "PERFORM SECURITY OPERATION", instruction: 0x2A,
        responseStatuses: [
            .success("done"),
            ResponseStatus(.securityStatusNotSatisfied, "security status not satisfied (the key's PIN is not verified)"),
            ResponseStatus(.conditionsNotSatisfied, "conditions of use not satisfied (no key selected)"),
            ResponseStatus(.wrongData, "incorrect data"),
            ResponseStatus(.referencedDataNotFound, "no such key"),
        ])
}

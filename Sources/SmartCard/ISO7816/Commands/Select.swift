//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// SELECT (ISO 7816-4 section 11.2.2), in the two forms a card flow needs: an application by its AID, and an EF of the
// selected application by its file identifier. Both ask for no response data (P2 = 0C), which saves the bytes of a
// file control template nobody reads.

extension CommandAPDU.Kind {
    /// SELECT, `INS A4`.
    ///
    /// | SW | meaning |
    /// |---|---|
    /// | `90 00` | selected |
    /// | `62 83` | selected, but the file is deactivated |
    /// | `6A 81` | function not supported |
    /// | `6A 82` | no such application or file |
    /// | `6A 86` | incorrect P1-P2 |
    /// | `6A 87` | Nc inconsistent with P1-P2 |
    public static let select = CommandAPDU.Kind(
        name: "SELECT", instruction: 0xA4,
        responseStatuses: [
            .success("selected"),
            ResponseStatus(.selectedFileDeactivated, "selected, but the file is deactivated"),
            ResponseStatus(.functionNotSupported, "function not supported"),
            ResponseStatus(.fileNotFound, "no such application or file"),
            ResponseStatus(.incorrectParametersP1P2, "incorrect P1-P2"),
            ResponseStatus(.dataLengthInconsistentWithP1P2, "Nc inconsistent with P1-P2"),
        ])
}

extension CommandAPDU {
    /// P1 of SELECT by DF name (an application's AID).
    static let selectByDFName: UInt8 = 0x04
    /// P1 of SELECT of an EF under the current DF, by file identifier.
    static let selectEFUnderCurrentDF: UInt8 = 0x02
    /// P2 of SELECT: first or only occurrence, no response data.
    static let selectNoResponseData: UInt8 = 0x0C

    /// SELECT an application by its AID: `00 A4 04 0C Lc AID`.
    ///
    /// Expected answers: ``Kind/select``.
    ///
    /// - Throws: ``CardError`` `.invalidCommand` when the AID is not 1 to 16 bytes (ISO 7816-4 section 12.2.3).
    public static func selectApplication(aid: [UInt8]) throws -> CommandAPDU {
        guard (1...16).contains(aid.count) else {
            throw CardError(.invalidCommand, "an AID has 1 to 16 bytes, got \(aid.count)")
        }
        return CommandAPDU(
            uncheckedCLA: 0x00, ins: Kind.select.instruction, p1: selectByDFName, p2: selectNoResponseData, data: aid)
    }

    /// SELECT an EF of the current application by its file identifier: `00 A4 02 0C 02 FID`.
    ///
    /// Expected answers: ``Kind/select``.
    public static func selectEF(_ fileID: UInt16) -> CommandAPDU {
        CommandAPDU(
            uncheckedCLA: 0x00, ins: Kind.select.instruction, p1: selectEFUnderCurrentDF, p2: selectNoResponseData,
            data: [UInt8(fileID >> 8), UInt8(truncatingIfNeeded: fileID)])
    }
}

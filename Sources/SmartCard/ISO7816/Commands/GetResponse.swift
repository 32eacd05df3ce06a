//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// GET RESPONSE (ISO 7816-4 section 11.6.1): fetches the response bytes a card announced with `61 xx`. Only
// ``CardChannel`` sends it; callers see the collected response.

extension CommandAPDU.Kind {
    /// GET RESPONSE, `INS C0`.
    ///
    /// | SW | meaning |
    /// |---|---|
    /// | `90 00` | the last part of the response |
    /// | `61 xx` | a part; xx more bytes wait |
    /// | `62 81` | part of the data may be corrupted |
    /// | `67 00` | wrong length |
    /// | `6C xx` | wrong Le: xx bytes are available |
    public static let getResponse = CommandAPDU.Kind(
        name: "GET RESPONSE", instruction: 0xC0,
        responseStatuses: [
            .success("the last part of the response"),
            .bytesRemaining,
            ResponseStatus(.partOfDataCorrupted, "part of the data may be corrupted"),
            ResponseStatus(.wrongLength, "wrong length"),
            .correctLength,
        ])
}

extension CommandAPDU {
    /// GET RESPONSE for the next `expectedLength` bytes of the answer to `command`: `CLA C0 00 00 Le`.
    ///
    /// The class is the interindustry class of `command` (its logical channel, bits 1-2), or `00` when `command` has
    /// a proprietary class (JPKI's `80`), so the card reads it on the same channel. Expected answers:
    /// ``Kind/getResponse``.
    ///
    /// - Throws: ``CardError`` `.invalidCommand` when `expectedLength` is outside 1...256 (`61 xx` announces at most
    ///   256 bytes; `00` means 256).
    public static func getResponse(expectedLength: Int, answering command: CommandAPDU? = nil) throws -> CommandAPDU {
        guard (1...256).contains(expectedLength) else {
            throw CardError(.invalidCommand, "GET RESPONSE asks for 1 to 256 bytes, not \(expectedLength)")
        }
        let cla = command.map { $0.cla & 0x80 == 0 ? $0.cla & 0x03 : 0x00 } ?? 0x00
        return CommandAPDU(
            uncheckedCLA: cla, ins: Kind.getResponse.instruction, p1: 0x00, p2: 0x00, expectedLength: expectedLength)
    }
}

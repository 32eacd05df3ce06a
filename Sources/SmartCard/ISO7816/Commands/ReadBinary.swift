//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// READ BINARY (ISO 7816-4 section 11.3.3), even INS, in its two addressing forms: the current EF at a 15-bit offset,
// or an EF named by its short EF identifier (P1 = 100x xxxx) at an 8-bit offset, which selects it on the way and so
// saves the SELECT.

extension CommandAPDU.Kind {
    /// READ BINARY, `INS B0`.
    ///
    /// | SW | meaning |
    /// |---|---|
    /// | `90 00` | the bytes asked for, or all up to the end of the EF |
    /// | `62 81` | part of the data may be corrupted |
    /// | `62 82` | end of the EF reached before Ne bytes (the bytes up to it follow) |
    /// | `67 00` | wrong length |
    /// | `69 81` | the EF is not transparent |
    /// | `69 82` | security status not satisfied (a PIN must be verified first) |
    /// | `69 86` | no current EF |
    /// | `6A 82` | no EF with this short EF identifier |
    /// | `6B 00` | offset outside the EF |
    /// | `6C xx` | wrong Le: xx bytes are available |
    /// | `61 xx` | xx more bytes wait for GET RESPONSE |
    public static let readBinary = CommandAPDU.Kind(
        name: "READ BINARY", instruction: 0xB0,
        responseStatuses: [
            .success("read"),
            ResponseStatus(.partOfDataCorrupted, "part of the data may be corrupted"),
            ResponseStatus(.endOfFileReached, "end of the EF reached before Ne bytes"),
            ResponseStatus(.wrongLength, "wrong length"),
            ResponseStatus(.commandIncompatibleWithFileStructure, "the EF is not transparent"),
            ResponseStatus(.securityStatusNotSatisfied, "security status not satisfied (a PIN must be verified first)"),
            ResponseStatus(.commandNotAllowedNoCurrentEF, "no current EF"),
            ResponseStatus(.fileNotFound, "no EF with this short EF identifier"),
            ResponseStatus(.offsetOutsideEF, "offset outside the EF"),
            .correctLength,
            .bytesRemaining,
        ])
}

extension CommandAPDU {
    /// The largest offset P1-P2 can carry when P1 does not name a short EF identifier.
    public static let maximumReadBinaryOffset = 0x7FFF

    /// READ BINARY of the current EF: `00 B0 P1 P2 Le`, P1-P2 the offset.
    ///
    /// Le is short when `expectedLength` is at most 256 (`00` asks for 256), extended above (`00 Le1 Le2`, `00 00 00`
    /// asks for 65536) or when `forceExtended` is set. Expected answers: ``Kind/readBinary``.
    ///
    /// - Throws: ``CardError`` `.invalidCommand` when `offset` is outside 0...32767 or `expectedLength` outside
    ///   1...65536.
    public static func readBinary(offset: Int, expectedLength: Int, forceExtended: Bool = false) throws
        -> CommandAPDU
    {
        guard (0...maximumReadBinaryOffset).contains(offset) else {
            throw CardError(.invalidCommand, "READ BINARY offset \(offset) is outside 0...\(maximumReadBinaryOffset)")
        }
        return try CommandAPDU(
            ins: Kind.readBinary.instruction, p1: UInt8(offset >> 8), p2: UInt8(offset & 0xFF),
            expectedLength: expectedLength, forceExtended: forceExtended)
    }

    /// READ BINARY of the EF with a short EF identifier, which also makes it the current EF: `00 B0 P1 P2 Le`, P1 =
    /// `80 | SFI`, P2 the offset.
    ///
    /// Le is encoded as in ``readBinary(offset:expectedLength:forceExtended:)``. Expected answers:
    /// ``Kind/readBinary``.
    ///
    /// - Throws: ``CardError`` `.invalidCommand` when `shortEFIdentifier` is outside 1...30, `offset` outside
    ///   0...255 or `expectedLength` outside 1...65536.
    public static func readBinary(
        shortEFIdentifier: UInt8, offset: Int = 0, expectedLength: Int, forceExtended: Bool = false
    ) throws -> CommandAPDU {
        guard (1...30).contains(shortEFIdentifier) else {
            throw CardError(.invalidCommand, "short EF identifier \(shortEFIdentifier) is outside 1...30")
        }
        guard (0...0xFF).contains(offset) else {
            throw CardError(.invalidCommand, "READ BINARY offset \(offset) with a short EF identifier exceeds 255")
        }
        return try CommandAPDU(
            ins: Kind.readBinary.instruction, p1: 0x80 | shortEFIdentifier, p2: UInt8(offset),
            expectedLength: expectedLength, forceExtended: forceExtended)
    }

    /// The short EF identifier a READ BINARY names in P1, or `nil` when it reads the current EF.
    public var shortEFIdentifier: UInt8? {
        ins == Kind.readBinary.instruction && p1 & 0xE0 == 0x80 ? p1 & 0x1F : nil
    }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import SmartCard

/// What a card and reader allow, decided once from the ATR and the reader, never by probing the card.
public struct CardProfile: Hashable, Sendable {
    /// The card announces extended Lc/Le in its ATR card capabilities.
    public var cardSupportsExtendedLength: Bool
    /// The card announces short EF identifiers.
    public var cardSupportsShortEFIdentifiers: Bool
    /// The reader's `dwMaxAPDUDataSize` (0: short APDUs only, or not reported).
    public var readerMaxAPDUDataSize: Int

    public init(cardSupportsExtendedLength: Bool, cardSupportsShortEFIdentifiers: Bool, readerMaxAPDUDataSize: Int) {
        self.cardSupportsExtendedLength = cardSupportsExtendedLength
        self.cardSupportsShortEFIdentifiers = cardSupportsShortEFIdentifiers
        self.readerMaxAPDUDataSize = readerMaxAPDUDataSize
    }

    /// The profile of a card from its ATR (a malformed ATR gives the short profile) and the reader's limit.
    public init(atr: [UInt8], readerMaxAPDUDataSize: Int) {
        let capabilities = (try? ATR(bytes: atr))?.historical?.cardCapabilities
        self.init(
            cardSupportsExtendedLength: capabilities?.supportsExtendedLength ?? false,
            cardSupportsShortEFIdentifiers: capabilities?.supportsShortEFIdentifier ?? false,
            readerMaxAPDUDataSize: readerMaxAPDUDataSize)
    }

    /// Whole-EF reads in one extended READ BINARY: both card and reader must allow it.
    public var usesExtendedLength: Bool { cardSupportsExtendedLength && readerMaxAPDUDataSize > 256 }

    /// Address EFs by short EF identifier in READ BINARY (saves the SELECT EF); only with extended length.
    public var usesShortEFIdentifiers: Bool { usesExtendedLength && cardSupportsShortEFIdentifiers }

    /// The largest response one READ BINARY asks for.
    public var maximumReadLength: Int { usesExtendedLength ? min(readerMaxAPDUDataSize, 65536) : 256 }
}

extension CardProfile {
    /// The decision in words, for logs: `extended length, up to 65536 bytes per READ BINARY, short EF identifiers`.
    var summary: String {
        guard usesExtendedLength else {
            let why =
                cardSupportsExtendedLength
                ? "the reader takes short APDUs only (dwMaxAPDUDataSize \(readerMaxAPDUDataSize))"
                : "the ATR announces no extended length"
            return "short APDUs, 256 bytes per READ BINARY: \(why)"
        }
        return "extended length, up to \(maximumReadLength) bytes per READ BINARY"
            + (usesShortEFIdentifiers ? ", short EF identifiers" : ", SELECT EF before reading")
    }
}

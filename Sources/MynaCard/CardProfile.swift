//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import SmartCard

/// What a card and reader allow, decided once from the ATR and the reader, never by probing the card.
///
/// Whether READ BINARY uses extended length follows ``extendedLength``, the caller's policy:
///
/// | policy | extended-length APDUs when |
/// |---|---|
/// | ``ExtendedLengthPolicy/automatic`` (default) | the ATR announces extended length **and** the reader reports `dwMaxAPDUDataSize` > 256 |
/// | ``ExtendedLengthPolicy/enabled`` | the ATR announces extended length, whatever the reader reports |
/// | ``ExtendedLengthPolicy/disabled`` | never: short APDUs only |
///
/// ``ExtendedLengthPolicy/enabled`` is for readers that carry extended APDUs without saying so (vsmartcard's vpcd,
/// some vendor drivers): the same override as OpenSC's `max_send_size` / `max_recv_size` reader settings. On a reader
/// that really takes short APDUs only, the first extended READ BINARY fails (the reader or its driver refuses it) and
/// the flow throws; use ``ExtendedLengthPolicy/automatic`` there. A card whose ATR announces no extended length is
/// never sent one, whatever the policy.
public struct CardProfile: Hashable, Sendable {
    /// The caller's choice about extended-length APDUs.
    public enum ExtendedLengthPolicy: String, Hashable, Sendable, CaseIterable {
        /// Extended length when both the ATR and the reader's `dwMaxAPDUDataSize` allow it.
        case automatic = "auto"
        /// Extended length when the ATR allows it, even if the reader reports no `dwMaxAPDUDataSize`.
        case enabled = "on"
        /// Short APDUs only.
        case disabled = "off"
    }

    /// The card announces extended Lc/Le in its ATR card capabilities.
    public var cardSupportsExtendedLength: Bool
    /// The card announces short EF identifiers.
    public var cardSupportsShortEFIdentifiers: Bool
    /// The reader's `dwMaxAPDUDataSize` (0: short APDUs only, or not reported).
    public var readerMaxAPDUDataSize: Int
    /// The caller's policy; ``ExtendedLengthPolicy/automatic`` unless given.
    public var extendedLength: ExtendedLengthPolicy

    public init(
        cardSupportsExtendedLength: Bool, cardSupportsShortEFIdentifiers: Bool, readerMaxAPDUDataSize: Int,
        extendedLength: ExtendedLengthPolicy = .automatic
    ) {
        self.cardSupportsExtendedLength = cardSupportsExtendedLength
        self.cardSupportsShortEFIdentifiers = cardSupportsShortEFIdentifiers
        self.readerMaxAPDUDataSize = readerMaxAPDUDataSize
        self.extendedLength = extendedLength
    }

    /// The profile of a card from its ATR (a malformed ATR gives the short profile), the reader's limit and the
    /// caller's policy.
    public init(atr: [UInt8], readerMaxAPDUDataSize: Int, extendedLength: ExtendedLengthPolicy = .automatic) {
        let capabilities = (try? ATR(bytes: atr))?.historical?.cardCapabilities
        self.init(
            cardSupportsExtendedLength: capabilities?.supportsExtendedLength ?? false,
            cardSupportsShortEFIdentifiers: capabilities?.supportsShortEFIdentifier ?? false,
            readerMaxAPDUDataSize: readerMaxAPDUDataSize, extendedLength: extendedLength)
    }

    /// The reader reports that it carries extended APDUs (`dwMaxAPDUDataSize` > 256).
    public var readerSupportsExtendedLength: Bool { readerMaxAPDUDataSize > 256 }

    /// Whole-EF reads in one extended READ BINARY, as the policy decides (see the table above).
    public var usesExtendedLength: Bool {
        switch extendedLength {
        case .automatic: cardSupportsExtendedLength && readerSupportsExtendedLength
        case .enabled: cardSupportsExtendedLength
        case .disabled: false
        }
    }

    /// Address EFs by short EF identifier in READ BINARY (saves the SELECT EF); only with extended length.
    public var usesShortEFIdentifiers: Bool { usesExtendedLength && cardSupportsShortEFIdentifiers }

    /// The largest response one READ BINARY asks for: 256 on short APDUs; the reader's limit (at most 65536) when it
    /// reports one, 65536 when extended length is enabled over a reader that reports none.
    public var maximumReadLength: Int {
        guard usesExtendedLength else { return 256 }
        return readerSupportsExtendedLength ? min(readerMaxAPDUDataSize, 65536) : 65536
    }
}

extension CardProfile {
    /// The decision in words, for logs: `extended length, up to 65536 bytes per READ BINARY, short EF identifiers`.
    var summary: String {
        let policy = "extended-length policy \(extendedLength.rawValue)"
        guard usesExtendedLength else {
            let why: String
            if extendedLength == .disabled {
                why = "extended length turned off"
            } else if !cardSupportsExtendedLength {
                why = "the ATR announces no extended length"
            } else {
                why = "the reader takes short APDUs only (dwMaxAPDUDataSize \(readerMaxAPDUDataSize))"
            }
            return "short APDUs, 256 bytes per READ BINARY: \(why) (\(policy))"
        }
        let override = readerSupportsExtendedLength ? "" : " although the reader reports no dwMaxAPDUDataSize"
        return "extended length, up to \(maximumReadLength) bytes per READ BINARY"
            + (usesShortEFIdentifiers ? ", short EF identifiers" : ", SELECT EF before reading")
            + "\(override) (\(policy))"
    }
}

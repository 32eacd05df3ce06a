//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// The `SCARD_STATE_*` bits of a reader, as `SCardGetStatusChange` reports them.
public struct ReaderStateFlags: OptionSet, Hashable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let ignore = ReaderStateFlags(rawValue: 0x0001)
    public static let changed = ReaderStateFlags(rawValue: 0x0002)
    public static let unknown = ReaderStateFlags(rawValue: 0x0004)
    public static let unavailable = ReaderStateFlags(rawValue: 0x0008)
    public static let empty = ReaderStateFlags(rawValue: 0x0010)
    public static let present = ReaderStateFlags(rawValue: 0x0020)
    public static let atrMatch = ReaderStateFlags(rawValue: 0x0040)
    public static let exclusive = ReaderStateFlags(rawValue: 0x0080)
    public static let inUse = ReaderStateFlags(rawValue: 0x0100)
    public static let mute = ReaderStateFlags(rawValue: 0x0200)
    public static let unpowered = ReaderStateFlags(rawValue: 0x0400)

    /// The phrases pcsc_scan prints for the bits that are set.
    public var phrases: [String] {
        let names: [(ReaderStateFlags, String)] = [
            (.ignore, "Ignore this reader"), (.unknown, "Reader unknown"), (.unavailable, "Status unavailable"),
            (.empty, "Card removed"), (.present, "Card inserted"), (.atrMatch, "ATR matches card"),
            (.exclusive, "Exclusive Mode"), (.inUse, "Shared Mode"), (.mute, "Unresponsive card"),
            (.unpowered, "Unpowered card"),
        ]
        return names.filter { contains($0.0) }.map(\.1)
    }
}

/// A reader and what is in it.
public struct ReaderState: Hashable, Sendable {
    public var reader: String
    public var flags: ReaderStateFlags
    /// pcsc-lite's per-reader event counter (upper 16 bits of the event state): it grows on every insertion and
    /// removal, so a card swapped between two polls is still noticed.
    public var eventCount: Int
    /// The card's ATR, empty when no card is present.
    public var atr: [UInt8]

    public init(reader: String, flags: ReaderStateFlags, eventCount: Int, atr: [UInt8]) {
        self.reader = reader
        self.flags = flags
        self.eventCount = eventCount
        self.atr = atr
    }

    init(slot: ReaderStateSlot) {
        self.init(
            reader: slot.reader,
            flags: ReaderStateFlags(rawValue: slot.eventState & 0xFFFF),
            eventCount: Int(slot.eventState >> 16),
            atr: slot.flagsHavePresent ? slot.atr : []
        )
    }

    /// A card is in the reader and answered reset.
    public var isCardPresent: Bool { flags.contains(.present) && !flags.contains(.mute) }
}

extension ReaderStateSlot {
    var flagsHavePresent: Bool { eventState & 0x0020 != 0 }
}

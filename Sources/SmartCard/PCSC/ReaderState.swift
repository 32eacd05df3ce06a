//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import CPCSC

/// The `SCARD_STATE_*` bits of a reader, as `SCardGetStatusChange` reports them (values from pcsclite.h).
public struct ReaderStateFlags: OptionSet, Hashable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    private init(_ flag: Int32) { self.rawValue = UInt32(flag) }

    /// `SCARD_STATE_IGNORE`: the caller asked pcsc-lite to skip this reader.
    public static let ignore = ReaderStateFlags(SCARD_STATE_IGNORE)
    /// `SCARD_STATE_CHANGED`: the state differs from the one the caller passed in.
    public static let changed = ReaderStateFlags(SCARD_STATE_CHANGED)
    /// `SCARD_STATE_UNKNOWN`: no reader has this name.
    public static let unknown = ReaderStateFlags(SCARD_STATE_UNKNOWN)
    /// `SCARD_STATE_UNAVAILABLE`: the reader's state cannot be read (it is going away, for example).
    public static let unavailable = ReaderStateFlags(SCARD_STATE_UNAVAILABLE)
    /// `SCARD_STATE_EMPTY`: no card in the reader.
    public static let empty = ReaderStateFlags(SCARD_STATE_EMPTY)
    /// `SCARD_STATE_PRESENT`: a card is in the reader.
    public static let present = ReaderStateFlags(SCARD_STATE_PRESENT)
    /// `SCARD_STATE_ATRMATCH`: the card's ATR matches the one the caller asked about.
    public static let atrMatch = ReaderStateFlags(SCARD_STATE_ATRMATCH)
    /// `SCARD_STATE_EXCLUSIVE`: another application holds the card exclusively.
    public static let exclusive = ReaderStateFlags(SCARD_STATE_EXCLUSIVE)
    /// `SCARD_STATE_INUSE`: another application has the card open in shared mode.
    public static let inUse = ReaderStateFlags(SCARD_STATE_INUSE)
    /// `SCARD_STATE_MUTE`: the card does not answer reset.
    public static let mute = ReaderStateFlags(SCARD_STATE_MUTE)
    /// `SCARD_STATE_UNPOWERED`: the card is not powered.
    public static let unpowered = ReaderStateFlags(SCARD_STATE_UNPOWERED)

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

    /// The state `SCardGetStatusChange` reported: its low 16 bits are the flags, its high 16 bits the event counter.
    init(slot: ReaderStateSlot) {
        let flags = ReaderStateFlags(rawValue: slot.eventState & 0xFFFF)
        self.init(
            reader: slot.reader,
            flags: flags,
            eventCount: Int(slot.eventState >> 16),
            atr: flags.contains(.present) ? slot.atr : []
        )
    }

    /// A card is in the reader and answered reset.
    public var isCardPresent: Bool { flags.contains(.present) && !flags.contains(.mute) }
}

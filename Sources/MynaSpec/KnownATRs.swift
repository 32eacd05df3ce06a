//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// The answers to reset My Number cards are known to give (OpenSC's minidriver registrations, PR OpenSC#3744): the
/// one list both the client (a hint in `info` and `readers`) and the virtual card (the ATRs it can answer with) use.
///
/// An ATR is a hint, never a test: the card is identified by selecting the JPKI applet, whatever the ATR
/// (contactless readers that put the random PUPI into the ATR cannot be matched at all).
public enum KnownATRs {
    public struct Entry: Sendable, Hashable {
        public var atr: [UInt8]
        public var description: String
    }

    /// `3B E0 00 FF 81 31 FE 45 14`: T=1, no historical bytes.
    public static let contactNoHistoricalBytes = Entry(
        atr: [0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14], description: "My Number card (contact)")
    /// Card capabilities `73 C6 01 C0`: short EF identifiers, command chaining and extended Lc/Le.
    public static let contactExtendedLength = Entry(
        atr: [
            0x3B, 0xDA, 0x13, 0xFF, 0x81, 0x31, 0xFB, 0x46, 0x80, 0x12, 0x39, 0x2F, 0x31, 0xC1, 0x73, 0xC6, 0x01, 0xC0,
            0x3B,
        ], description: "My Number card (contact, extended length)")
    /// Card capabilities without extended length.
    public static let contactShortLength = Entry(
        atr: [0x3B, 0xC5, 0xFF, 0x81, 0x31, 0xFB, 0x45, 0x80, 0x73, 0xC6, 0x01, 0x00, 0x00],
        description: "My Number card (contact)")
    public static let contactVariantA = Entry(
        atr: [0x3B, 0xF5, 0x91, 0x00, 0xFF, 0x91, 0x81, 0x71, 0xFE, 0x40, 0x00, 0x42, 0x00, 0x01, 0x00, 0xD1, 0xD6],
        description: "My Number card (contact)")
    public static let contactVariantB = Entry(
        atr: [0x3B, 0xF5, 0x91, 0x00, 0xFF, 0x91, 0x81, 0x71, 0xFE, 0x40, 0x00, 0x42, 0x00, 0x01, 0xB3, 0xA1, 0x15],
        description: "My Number card (contact)")
    /// The four registered contactless ATRs (ISO 14443 type B as PC/SC part 3 builds them).
    public static let contactless: [Entry] = [
        [0x3B, 0x88, 0x80, 0x01, 0x00, 0x00, 0x05, 0xE0, 0xB3, 0x81, 0xA1, 0x00, 0x7F],
        [0x3B, 0x88, 0x80, 0x01, 0x00, 0x00, 0x41, 0xE0, 0xB3, 0x81, 0xA1, 0x00, 0x3B],
        [0x3B, 0x88, 0x80, 0x01, 0x00, 0x4B, 0x51, 0xFF, 0x00, 0x81, 0xD1, 0x00, 0xBC],
        [0x3B, 0x88, 0x80, 0x01, 0x00, 0x4B, 0x51, 0xFF, 0xB3, 0x81, 0xD1, 0x00, 0x0F],
    ].map { Entry(atr: $0, description: "My Number card (contactless, ISO 14443-B)") }

    /// Every known ATR.
    public static let myNumberCard: [Entry] =
        [contactNoHistoricalBytes, contactExtendedLength, contactShortLength, contactVariantA, contactVariantB]
        + contactless

    /// What the ATR is known to be, or `nil`.
    public static func identify(_ atr: [UInt8]) -> String? {
        myNumberCard.first { $0.atr == atr }?.description
    }
}

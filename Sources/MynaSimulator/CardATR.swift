//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import MynaSpec

/// The ATR a virtual My Number card answers with: one of the ATRs registered for real cards (``KnownATRs``), or any
/// other for tests of unknown cards.
public enum CardATR: Hashable, Sendable {
    /// ``KnownATRs/contactNoHistoricalBytes``: T=1, no historical bytes.
    case contactNoHistoricalBytes
    /// ``KnownATRs/contactExtendedLength``: card capabilities advertising short EF identifiers, command chaining and
    /// extended Lc/Le.
    case contactExtendedLength
    /// ``KnownATRs/contactShortLength``: card capabilities without extended length.
    case contactShortLength
    /// ``KnownATRs/contactVariantA``.
    case contactVariantA
    /// ``KnownATRs/contactVariantB``.
    case contactVariantB
    /// One of ``KnownATRs/contactless`` (ISO 14443 type B as PC/SC part 3 builds it); `index` picks one of them and is
    /// clamped to the list.
    case contactless(index: Int)
    /// Any other ATR.
    case custom([UInt8])

    /// The ATR bytes.
    public var bytes: [UInt8] {
        switch self {
        case .contactNoHistoricalBytes: KnownATRs.contactNoHistoricalBytes.atr
        case .contactExtendedLength: KnownATRs.contactExtendedLength.atr
        case .contactShortLength: KnownATRs.contactShortLength.atr
        case .contactVariantA: KnownATRs.contactVariantA.atr
        case .contactVariantB: KnownATRs.contactVariantB.atr
        case .contactless(let index): KnownATRs.contactless[min(max(index, 0), KnownATRs.contactless.count - 1)].atr
        case .custom(let bytes): bytes
        }
    }
}

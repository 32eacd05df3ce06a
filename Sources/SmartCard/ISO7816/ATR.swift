//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// An answer to reset (ISO 7816-3 section 8), decoded.
///
/// Decoding never trusts a count: the interface-byte chain, the historical bytes and TCK are each checked against
/// the bytes actually present, and an ATR that ends early is rejected with the place where it ended.
public struct ATR: Hashable, Sendable {
    /// One group of interface bytes: TA(i), TB(i), TC(i), TD(i).
    public struct InterfaceBytes: Hashable, Sendable {
        /// The group index i, from 1.
        public var index: Int
        public var ta: UInt8?
        public var tb: UInt8?
        public var tc: UInt8?
        public var td: UInt8?
        /// The protocol the group's TD announces (its low nibble).
        public var protocolAnnounced: Int? { td.map { Int($0 & 0x0F) } }
    }

    public enum Convention: String, Hashable, Sendable {
        case direct
        case inverse
    }

    /// The raw bytes.
    public var bytes: [UInt8]
    public var convention: Convention
    public var interfaceBytes: [InterfaceBytes]
    public var historicalBytes: [UInt8]
    /// The check byte, present when any protocol other than T=0 is announced.
    public var tck: UInt8?
    /// Whether TCK makes the XOR of T0...TCK zero; `nil` when there is no TCK.
    public var isChecksumValid: Bool?
    /// Bytes after the last expected one.
    public var extraBytes: [UInt8]

    /// The longest ATR ISO 7816-3 allows.
    public static let maximumLength = 33

    /// Decodes an ATR.
    ///
    /// - Throws: ``CardError`` `.malformedATR` when the ATR is shorter than TS T0, starts with an unknown TS, is
    ///   longer than 33 bytes, or ends before its interface bytes, historical bytes or TCK.
    public init(bytes: [UInt8]) throws {
        guard bytes.count >= 2 else {
            throw CardError(.malformedATR, "ATR is truncated: \(bytes.count) byte(s), TS and T0 need 2")
        }
        guard bytes.count <= Self.maximumLength else {
            throw CardError(.malformedATR, "ATR is too long: \(bytes.count) bytes, at most 33 are allowed")
        }
        switch bytes[0] {
        case 0x3B: convention = .direct
        case 0x3F: convention = .inverse
        default:
            throw CardError(.malformedATR, "TS = \(Hex.encode([bytes[0]])) is neither 3B (direct) nor 3F (inverse)")
        }
        self.bytes = bytes
        var position = 1
        var y = bytes[1] >> 4
        let historicalCount = Int(bytes[1] & 0x0F)
        position = 2
        var groups: [InterfaceBytes] = []
        var needsTCK = false
        var index = 1
        while true {
            var group = InterfaceBytes(index: index)
            func take(_ name: String) throws -> UInt8 {
                guard position < bytes.count else {
                    throw CardError(.malformedATR, "ATR is truncated: \(name)\(index) is announced but missing")
                }
                defer { position += 1 }
                return bytes[position]
            }
            if y & 0x1 != 0 { group.ta = try take("TA") }
            if y & 0x2 != 0 { group.tb = try take("TB") }
            if y & 0x4 != 0 { group.tc = try take("TC") }
            if y & 0x8 != 0 { group.td = try take("TD") }
            groups.append(group)
            guard let td = group.td else { break }
            if td & 0x0F != 0 { needsTCK = true }
            y = td >> 4
            index += 1
        }
        interfaceBytes = groups
        guard position + historicalCount <= bytes.count else {
            throw CardError(
                .malformedATR,
                "ATR is truncated: T0 announces \(historicalCount) historical bytes, \(bytes.count - position) remain"
            )
        }
        historicalBytes = Array(bytes[position..<(position + historicalCount)])
        position += historicalCount
        if needsTCK {
            guard position < bytes.count else {
                throw CardError(.malformedATR, "ATR is truncated: TCK is required (a protocol other than T=0) but missing")
            }
            tck = bytes[position]
            isChecksumValid = bytes[1...position].reduce(0, ^) == 0
            position += 1
        } else {
            tck = nil
            isChecksumValid = nil
        }
        extraBytes = Array(bytes[position...])
    }

    /// Decodes hex text such as `3B 88 80 01 …`.
    public init(hex: String) throws {
        try self.init(bytes: Hex.decode(hex))
    }

    /// The protocols the card offers: the T values of the TD bytes, or T=0 when there is none.
    public var protocols: [Int] {
        var seen: [Int] = []
        for t in interfaceBytes.compactMap(\.protocolAnnounced) where !seen.contains(t) { seen.append(t) }
        return seen.isEmpty ? [0] : seen
    }

    /// TA1's clock rate conversion factor Fi and baud rate adjustment factor Di (default 372 and 1).
    public var clockRateConversion: (fi: Int?, di: Int?, fMax: Double?) {
        guard let ta1 = interfaceBytes.first?.ta else { return (372, 1, 5.0) }
        let fiTable: [Int?] = [372, 372, 558, 744, 1116, 1488, 1860, nil, nil, 512, 768, 1024, 1536, 2048, nil, nil]
        let fMaxTable: [Double?] = [4, 5, 6, 8, 12, 16, 20, nil, nil, 5, 7.5, 10, 15, 20, nil, nil]
        let diTable: [Int?] = [nil, 1, 2, 4, 8, 16, 32, 64, 12, 20, nil, nil, nil, nil, nil, nil]
        return (fiTable[Int(ta1 >> 4)], diTable[Int(ta1 & 0x0F)], fMaxTable[Int(ta1 >> 4)])
    }

    /// TC1: extra guard time N (255 means the minimum of 11 etu for T=0 and 11/12 etu for T=1).
    public var extraGuardTime: Int? { interfaceBytes.first?.tc.map(Int.init) }

    /// The first TA for T=1 after TD(i) announcing T=1 (i >= 2): the information field size of the card.
    public var ifsc: Int? { t1Parameter(\.ta).map(Int.init) }

    /// The first TB for T=1 (i >= 3): block and character waiting time integers (BWI, CWI).
    public var t1WaitingTimes: (bwi: Int, cwi: Int)? {
        t1Parameter(\.tb).map { (Int($0 >> 4), Int($0 & 0x0F)) }
    }

    /// The first TC for T=1 (i >= 3): the error detection code, LRC (false) or CRC (true).
    public var usesCRC: Bool? { t1Parameter(\.tc).map { $0 & 0x01 != 0 } }

    /// The historical bytes decoded per ISO 7816-4 section 8.1.1, when they follow a standard category.
    public var historical: HistoricalBytes? { HistoricalBytes(bytes: historicalBytes) }

    /// Whether this is a PC/SC part 3 pseudo-ATR built by a contactless reader (`3B 8n 80 01 …`).
    public var isContactlessPseudoATR: Bool {
        bytes.count >= 4 && bytes[0] == 0x3B && bytes[1] & 0xF0 == 0x80 && bytes[2] == 0x80 && bytes[3] == 0x01
    }

    private func t1Parameter(_ keyPath: KeyPath<InterfaceBytes, UInt8?>) -> UInt8? {
        // Interface bytes TA(i)/TB(i)/TC(i) for i > 2 are specific to the protocol T announced by TD(i-1).
        for (previous, group) in zip(interfaceBytes, interfaceBytes.dropFirst())
        where previous.protocolAnnounced == 1 && group.index >= 3 {
            if let value = group[keyPath: keyPath] { return value }
        }
        return nil
    }
}

/// Historical bytes (ISO 7816-4 section 8.1.1): a category indicator, then compact-TLV data objects.
public struct HistoricalBytes: Hashable, Sendable {
    /// One compact-TLV object: a 4-bit tag and up to 15 bytes.
    public struct CompactTLV: Hashable, Sendable {
        public var tag: UInt8
        public var value: [UInt8]

        /// The name ISO 7816-4 table 116 gives the tag.
        public var name: String {
            switch tag {
            case 0x1: return "country code"
            case 0x2: return "issuer identification number"
            case 0x3: return "card service data"
            case 0x4: return "initial access data"
            case 0x5: return "card issuer's data"
            case 0x6: return "pre-issuing data"
            case 0x7: return "card capabilities"
            case 0x8: return "status indicator"
            case 0xF: return "application identifier"
            default: return "RFU"
            }
        }
    }

    public var categoryIndicator: UInt8
    public var objects: [CompactTLV]
    /// The three-byte status indicator at the end when the category is `00`.
    public var statusIndicator: [UInt8]?
    /// Problems found while decoding (a compact-TLV length running past the end).
    public var problems: [String]

    /// Decodes the historical bytes when they start with category `00` or `80`; otherwise `nil` (proprietary).
    public init?(bytes: [UInt8]) {
        guard let category = bytes.first, category == 0x00 || category == 0x80 else { return nil }
        categoryIndicator = category
        var body = Array(bytes.dropFirst())
        problems = []
        if category == 0x00 {
            guard body.count >= 3 else { return nil }
            statusIndicator = Array(body.suffix(3))
            body.removeLast(3)
        } else {
            statusIndicator = nil
        }
        var objects: [CompactTLV] = []
        var i = 0
        while i < body.count {
            let tag = body[i] >> 4
            let length = Int(body[i] & 0x0F)
            guard i + 1 + length <= body.count else {
                problems.append("compact-TLV \(Hex.encode([body[i]])) announces \(length) bytes, \(body.count - i - 1) remain")
                break
            }
            objects.append(CompactTLV(tag: tag, value: Array(body[(i + 1)..<(i + 1 + length)])))
            i += 1 + length
        }
        self.objects = objects
    }

    /// The card capabilities object (tag 7), decoded.
    public var cardCapabilities: CardCapabilities? {
        objects.first { $0.tag == 0x7 }.map { CardCapabilities(bytes: $0.value) }
    }

    /// The country code (tag 1) as BCD digits, e.g. `392` for Japan.
    public var countryCode: String? {
        guard let value = objects.first(where: { $0.tag == 0x1 })?.value else { return nil }
        return String(Hex.encode(value).prefix { $0 != "F" })
    }
}

/// The card capabilities compact-TLV (ISO 7816-4 section 8.1.1.2.7): selection methods, data coding, chaining and
/// extended length.
public struct CardCapabilities: Hashable, Sendable {
    /// The first software function table: selection methods.
    public var selectionMethods: UInt8
    /// The second: the data coding byte.
    public var dataCoding: UInt8?
    /// The third: command chaining, extended Lc/Le, logical channels.
    public var thirdTable: UInt8?

    public init(bytes: [UInt8]) {
        selectionMethods = bytes.first ?? 0
        dataCoding = bytes.count > 1 ? bytes[1] : nil
        thirdTable = bytes.count > 2 ? bytes[2] : nil
    }

    public var selectsByFullDFName: Bool { selectionMethods & 0x80 != 0 }
    public var selectsByPartialDFName: Bool { selectionMethods & 0x40 != 0 }
    public var selectsByPath: Bool { selectionMethods & 0x20 != 0 }
    public var selectsByFileIdentifier: Bool { selectionMethods & 0x10 != 0 }
    public var supportsImplicitDFSelection: Bool { selectionMethods & 0x08 != 0 }
    public var supportsShortEFIdentifier: Bool { selectionMethods & 0x04 != 0 }
    public var supportsRecordNumber: Bool { selectionMethods & 0x02 != 0 }
    public var supportsRecordIdentifier: Bool { selectionMethods & 0x01 != 0 }
    public var supportsCommandChaining: Bool { (thirdTable ?? 0) & 0x80 != 0 }
    public var supportsExtendedLength: Bool { (thirdTable ?? 0) & 0x40 != 0 }
    /// Logical channels: the maximum number (1 when no assignment is supported).
    public var logicalChannels: Int {
        guard let third = thirdTable, third & 0x18 != 0 else { return 1 }
        let y = Int(third & 0x07)
        return y == 7 ? 8 : y + 1
    }

    /// Each capability the card announces, in words.
    public var summary: [String] {
        var out: [String] = []
        if selectsByFullDFName { out.append("DF selection by full DF name") }
        if selectsByPartialDFName { out.append("DF selection by partial DF name") }
        if selectsByPath { out.append("DF selection by path") }
        if selectsByFileIdentifier { out.append("DF selection by file identifier") }
        if supportsImplicitDFSelection { out.append("implicit DF selection") }
        if supportsShortEFIdentifier { out.append("short EF identifier supported") }
        if supportsRecordNumber { out.append("record number supported") }
        if supportsRecordIdentifier { out.append("record identifier supported") }
        if supportsCommandChaining { out.append("command chaining") }
        if supportsExtendedLength { out.append("extended Lc and Le fields") }
        if logicalChannels > 1 { out.append("up to \(logicalChannels) logical channels") }
        return out
    }
}

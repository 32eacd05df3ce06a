//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// What the bytes of a decoded ATR mean, in words: the interface bytes of ISO/IEC 7816-3 section 8.3, the format byte
// T0, the check byte and what is wrong with an ATR that still decoded. The wording follows pcsc-tools' ATR_analysis,
// which technicians already know (`TA1 = 96 --> Fi=512, Di=32, …`). Pure functions of the bytes: `mynakit atr` only
// lays these out, and a terminal application can show the same text without the CLI.

extension ATR {
    /// One interface byte and what it says.
    public struct InterfaceByteMeaning: Hashable, Sendable {
        /// Which byte of its group (TA(i), TB(i), TC(i) or TD(i)).
        public enum Position: String, Hashable, Sendable, CaseIterable {
            case ta = "TA"
            case tb = "TB"
            case tc = "TC"
            case td = "TD"
        }

        public var position: Position
        /// The group index i, from 1.
        public var index: Int
        public var value: UInt8
        /// What the byte says, such as `Fi=372, Di=4, 93 cycles/ETU (43010 bits/s at 4 MHz, fMax 5.0 MHz)`.
        public var meaning: String

        /// `TA1`, `TD2`, …: the name ISO/IEC 7816-3 gives the byte.
        public var name: String { position.rawValue + String(index) }
    }

    /// Every interface byte present, in the order of the ATR, with its meaning.
    ///
    /// TA(i), TB(i) and TC(i) for i ≥ 3 are read as parameters of the protocol that TD(i-1) announces: IFSC, waiting
    /// times and the error detection code for T=1, clock stop and class for T=15 (ISO/IEC 7816-3 sections 8.3 and
    /// 11.4); for any other protocol they are "protocol-specific".
    public var interfaceByteMeanings: [InterfaceByteMeaning] {
        var meanings: [InterfaceByteMeaning] = []
        for group in interfaceBytes {
            let i = group.index
            func add(_ position: InterfaceByteMeaning.Position, _ value: UInt8, _ meaning: String) {
                meanings.append(InterfaceByteMeaning(position: position, index: i, value: value, meaning: meaning))
            }
            if let ta = group.ta { add(.ta, ta, meaningOfTA(ta, i)) }
            if let tb = group.tb { add(.tb, tb, meaningOfTB(tb, i)) }
            if let tc = group.tc { add(.tc, tc, meaningOfTC(tc, i)) }
            if let td = group.td {
                add(.td, td, "Y(\(i + 1)): b\(String(td >> 4, radix: 2)), Protocol T = \(td & 0x0F)")
            }
        }
        return meanings
    }

    /// What T0 says: the interface bytes of the first group (Y(1), as bits) and the number K of historical bytes.
    public var formatByteMeaning: String {
        "Y(1): b\(String(bytes[1] >> 4, radix: 2)), K: \(historicalBytes.count) (historical bytes)"
    }

    /// The TCK this ATR should carry: the exclusive-or of T0 up to the byte before TCK, so that T0 … TCK XOR to zero
    /// (ISO/IEC 7816-3 section 8.2.5); `nil` when the ATR has no TCK.
    public var expectedTCK: UInt8? {
        guard tck != nil else { return nil }
        let tckPosition = bytes.count - extraBytes.count - 1
        return bytes[1..<tckPosition].reduce(0, ^)
    }

    /// What is wrong with an ATR that decoded all the same: a wrong TCK, bytes after the end, compact-TLV objects in
    /// the historical bytes that run past them. Empty for a well-formed ATR.
    public var problems: [String] {
        var problems: [String] = []
        if isChecksumValid == false, let tck, let expectedTCK {
            problems.append("WRONG CHECKSUM: TCK is \(Hex.encode([tck])), expected \(Hex.encode([expectedTCK]))")
        }
        if !extraBytes.isEmpty {
            problems.append(
                "ATR is too long: \(extraBytes.count) extra byte(s) \(Hex.encode(extraBytes, separator: " "))")
        }
        return problems + (historical?.problems ?? [])
    }

    // MARK: - The interface bytes one by one

    /// The protocol announced by TD(i-1), which TA(i), TB(i) and TC(i) belong to when i ≥ 3.
    private func protocolBefore(_ index: Int) -> Int? {
        index >= 3 ? interfaceBytes[index - 2].protocolAnnounced : nil
    }

    private func meaningOfTA(_ value: UInt8, _ index: Int) -> String {
        switch index {
        case 1:
            let (fi, di, fMax) = clockRateConversion
            guard let fi, let di else { return "Fi/Di RFU" }
            let bitsPerSecond = Int(Double(di) / Double(fi) * 4_000_000)
            return "Fi=\(fi), Di=\(di), \(fi / di) cycles/ETU (\(bitsPerSecond) bits/s at 4 MHz, fMax \(fMax ?? 0) MHz)"
        case 2:
            let change = value & 0x80 != 0 ? "unable to change" : "able to change"
            return "specific mode: protocol T=\(value & 0x0F), \(change)"
        default:
            switch protocolBefore(index) {
            case 1: return "IFSC: \(value)"
            case 15:
                let clockStop = ["not supported", "state L", "state H", "no preference"][Int(value >> 6)]
                let classes = ["", "A", "B", "AB", "C", "AC", "BC", "ABC"][Int(value & 0x07)]
                return "clock stop \(clockStop), class \(classes)"
            default: return "protocol-specific"
            }
        }
    }

    private func meaningOfTB(_ value: UInt8, _ index: Int) -> String {
        if index <= 2 {
            return value == 0 ? "VPP is not electrically connected" : "programming parameters (deprecated)"
        }
        if protocolBefore(index) == 1 {
            return "Block Waiting Integer: \(value >> 4), Character Waiting Integer: \(value & 0x0F)"
        }
        return "protocol-specific"
    }

    private func meaningOfTC(_ value: UInt8, _ index: Int) -> String {
        switch index {
        case 1:
            return value == 255 ? "extra guard time: 255 (minimum, 11 etu / 12 for T=0)" : "extra guard time: \(value)"
        case 2: return "work waiting time: 960 x \(value) x (Fi/F)"
        default:
            if protocolBefore(index) == 1 { return "error detection code: \(value & 0x01 == 0 ? "LRC" : "CRC")" }
            return "protocol-specific"
        }
    }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// Hexadecimal text, the way technicians write APDUs and ATRs.
public enum Hex {
    private static let digits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// Upper-case hex, bytes separated by `separator` (`"3B 88 80"` with `" "`).
    public static func encode(_ bytes: some Sequence<UInt8>, separator: String = "") -> String {
        var out: [UInt8] = []
        let sep = Array(separator.utf8)
        var first = true
        for byte in bytes {
            if !first { out.append(contentsOf: sep) }
            first = false
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses hex text; spaces, colons and a leading `0x` are ignored.
    ///
    /// - Throws: ``CardError`` `.invalidHex` for any other character or an odd number of digits.
    public static func decode(_ text: String) throws -> [UInt8] {
        var nibbles: [UInt8] = []
        var scalars = Substring(text)
        if scalars.hasPrefix("0x") || scalars.hasPrefix("0X") { scalars = scalars.dropFirst(2) }
        for ch in scalars.utf8 {
            switch ch {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibbles.append(ch - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibbles.append(ch - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibbles.append(ch - UInt8(ascii: "A") + 10)
            case UInt8(ascii: " "), UInt8(ascii: ":"), UInt8(ascii: "\t"), UInt8(ascii: "\n"): continue
            default:
                throw CardError(.invalidHex, "'\(text)' is not hexadecimal")
            }
        }
        guard nibbles.count % 2 == 0 else {
            throw CardError(.invalidHex, "'\(text)' has an odd number of hex digits")
        }
        var out: [UInt8] = []
        out.reserveCapacity(nibbles.count / 2)
        var i = 0
        while i < nibbles.count {
            out.append(nibbles[i] << 4 | nibbles[i + 1])
            i += 2
        }
        return out
    }
}

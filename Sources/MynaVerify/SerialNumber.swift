//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// A certificate serial number (an ASN.1 INTEGER), as a value to look up in a ``RevocationList``.
///
/// It is stored the way OpenSSL stores a decoded INTEGER: the big-endian magnitude without leading zero bytes, and
/// the sign apart. Converting once and looking up many times is what makes ``RevocationList/contains(_:)`` cheap.
///
/// ```swift
/// let serial = try XCTUnwrap(SerialNumber(hexadecimal: certificate.serialNumber))
/// if crl.contains(serial) { … }
/// ```
public struct SerialNumber: Sendable, Hashable, CustomStringConvertible {
    /// The absolute value, big-endian, without leading zero bytes; `[0]` for zero.
    public let magnitude: [UInt8]
    /// Whether the number is negative (RFC 5280 forbids it, but such certificates exist).
    public let isNegative: Bool

    /// A serial number from its magnitude (leading zero bytes are dropped) and sign.
    public init(magnitude: [UInt8], isNegative: Bool = false) {
        if let first = magnitude.first, first != 0 {
            self.magnitude = magnitude
            self.isNegative = isNegative
        } else {
            let trimmed = Array(magnitude.drop { $0 == 0 })
            self.magnitude = trimmed.isEmpty ? [0] : trimmed
            self.isNegative = isNegative && !trimmed.isEmpty
        }
    }

    /// Parses hexadecimal in the form of ``Certificate/serialNumber`` (`"1A2B"`, `"-0F"`, `"ABC"`), in either case,
    /// with optional `:` or space separators as `openssl x509 -text` prints them.
    ///
    /// - Returns: `nil` when the text holds anything but hexadecimal digits after the optional `-`, or no digit.
    public init?(hexadecimal text: String) {
        var digits = Substring(text)
        let negative = digits.first == "-"
        if negative { digits = digits.dropFirst() }
        var nibbles: [UInt8] = []
        for character in digits.utf8 {
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibbles.append(character - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibbles.append(character - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibbles.append(character - UInt8(ascii: "A") + 10)
            case UInt8(ascii: ":"), UInt8(ascii: " "): continue
            default: return nil
            }
        }
        guard !nibbles.isEmpty else { return nil }
        if nibbles.count % 2 == 1 { nibbles.insert(0, at: 0) }
        let bytes = stride(from: 0, to: nibbles.count, by: 2).map { nibbles[$0] << 4 | nibbles[$0 + 1] }
        self.init(magnitude: bytes, isNegative: negative)
    }

    /// Upper-case hexadecimal, two digits per byte of the magnitude (`"0A1B"`; zero is `"0"`), `-` first when
    /// negative: the form OpenSSL's `BN_bn2hex` gives ``Certificate/serialNumber`` and
    /// ``RevokedCertificate/serialNumber``.
    public var hexadecimal: String {
        if magnitude == [0] { return "0" }
        let digits = Array("0123456789ABCDEF".utf8)
        var text: [UInt8] = isNegative ? [UInt8(ascii: "-")] : []
        for byte in magnitude {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    public var description: String { hexadecimal }
}

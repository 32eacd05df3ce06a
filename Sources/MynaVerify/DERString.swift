//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// Decodes the DER string types that appear in otherName values, in Swift, bounds-checked.
enum DERString {
    /// The string in `der`, or `nil` when `der` is not exactly one DER string (optionally wrapped in `[0]` EXPLICIT
    /// tags, which some encoders add around otherName values once more).
    static func decode(_ der: [UInt8]) -> String? {
        decode(der[...], wrappersLeft: 2)
    }

    private static func decode(_ der: ArraySlice<UInt8>, wrappersLeft: Int) -> String? {
        guard let (tag, content) = element(der) else { return nil }
        switch tag {
        case 0xA0 where wrappersLeft > 0:
            return decode(content, wrappersLeft: wrappersLeft - 1)
        case 0x0C:  // UTF8String
            return String(validating: content, as: UTF8.self)
        case 0x12, 0x13, 0x16, 0x1A:  // NumericString, PrintableString, IA5String, VisibleString
            guard content.allSatisfy({ $0 < 0x80 }) else { return nil }
            return String(decoding: content, as: UTF8.self)
        case 0x14:  // T61String: read as Latin-1, as OpenSSL does
            return String(String.UnicodeScalarView(content.map { Unicode.Scalar($0) }))
        case 0x1E:  // BMPString: UTF-16 big-endian
            guard content.count % 2 == 0 else { return nil }
            let units = stride(from: content.startIndex, to: content.endIndex, by: 2).map {
                UInt16(content[$0]) << 8 | UInt16(content[$0 + 1])
            }
            return String(validating: units, as: UTF16.self)
        default:
            return nil
        }
    }

    /// The tag and content of the single DER element that makes up `der`.
    private static func element(_ der: ArraySlice<UInt8>) -> (UInt8, ArraySlice<UInt8>)? {
        var index = der.startIndex
        guard index < der.endIndex else { return nil }
        let tag = der[index]
        guard tag & 0x1F != 0x1F else { return nil }  // high tag numbers never occur here
        index += 1
        guard index < der.endIndex else { return nil }
        let first = der[index]
        index += 1
        var length = 0
        if first < 0x80 {
            length = Int(first)
        } else {
            let count = Int(first & 0x7F)
            guard count >= 1, count <= 4, der.endIndex - index >= count else { return nil }
            for _ in 0..<count {
                length = length << 8 | Int(der[index])
                index += 1
            }
        }
        guard der.endIndex - index == length else { return nil }
        return (tag, der[index..<der.endIndex])
    }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// A BER-TLV data object (ISO 7816-4 section 5.2, ITU-T X.690) read from untrusted bytes.
///
/// Nothing in the input is trusted: tags are at most 4 bytes, lengths at most 4 bytes and never beyond the buffer,
/// the indefinite form is rejected (card data and DER are definite), and nesting is bounded.
public struct BERTLV: Hashable, Sendable {
    /// A tag, kept as its encoded bytes (`0x5F4E` is `[0x5F, 0x4E]`).
    public struct Tag: Hashable, Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral {
        public var bytes: [UInt8]
        public init(bytes: [UInt8]) { self.bytes = bytes }
        /// A tag from its big-endian numeric form: `Tag(0xDF22)`.
        public init(_ value: UInt32) {
            var b: [UInt8] = []
            var v = value
            repeat {
                b.insert(UInt8(truncatingIfNeeded: v), at: 0)
                v >>= 8
            } while v != 0
            self.bytes = b
        }
        /// A tag from its big-endian numeric form written as a literal: `0xDF22` where a tag is expected.
        public init(integerLiteral value: UInt32) { self.init(value) }
        /// Bit 6 of the first byte: the value is a sequence of data objects.
        public var isConstructed: Bool { (bytes.first ?? 0) & 0x20 != 0 }
        public var description: String { Hex.encode(bytes) }
    }

    /// The tag and lengths of a data object, known from its first bytes.
    public struct Header: Hashable, Sendable {
        public var tag: Tag
        /// Bytes taken by the tag and length fields.
        public var headerLength: Int
        /// Bytes of the value field.
        public var valueLength: Int
        /// Header plus value: how many bytes the whole object occupies.
        public var totalLength: Int { headerLength + valueLength }
    }

    public static let maximumDepth = 16

    public var tag: Tag
    public var value: [UInt8]

    public init(tag: Tag, value: [UInt8]) {
        self.tag = tag
        self.value = value
    }

    /// Reads the header at the start of `bytes`.
    ///
    /// - Returns: `nil` when `bytes` ends before the header does (read more and ask again).
    /// - Throws: ``CardError`` `.malformedTLV` for an indefinite length, a length field over 4 bytes, a tag over 4
    ///   bytes, or an empty tag.
    public static func header(of bytes: some Collection<UInt8>) throws -> Header? {
        var it = bytes.makeIterator()
        guard let first = it.next() else { return nil }
        var tag: [UInt8] = [first]
        if first & 0x1F == 0x1F {
            while true {
                guard let next = it.next() else { return nil }
                tag.append(next)
                if next & 0x80 == 0 { break }
                if tag.count >= 4 { throw CardError(.malformedTLV, "tag \(Hex.encode(tag))… is longer than 4 bytes") }
            }
        }
        guard let lengthByte = it.next() else { return nil }
        var headerLength = tag.count + 1
        let valueLength: Int
        if lengthByte < 0x80 {
            valueLength = Int(lengthByte)
        } else if lengthByte == 0x80 {
            throw CardError(.malformedTLV, "tag \(Hex.encode(tag)) uses the indefinite length form")
        } else {
            let count = Int(lengthByte & 0x7F)
            guard count <= 4 else {
                throw CardError(.malformedTLV, "tag \(Hex.encode(tag)) has a \(count)-byte length field")
            }
            var length = 0
            for _ in 0..<count {
                guard let b = it.next() else { return nil }
                length = length << 8 | Int(b)
            }
            headerLength += count
            valueLength = length
        }
        return Header(tag: Tag(bytes: tag), headerLength: headerLength, valueLength: valueLength)
    }

    /// Decodes exactly one data object that fills `bytes`.
    ///
    /// - Throws: ``CardError`` `.malformedTLV` when the object is truncated, its length runs past the end, or bytes
    ///   follow it.
    public init(decoding bytes: [UInt8]) throws {
        let (object, consumed) = try Self.decodeOne(bytes[...])
        guard consumed == bytes.count else {
            throw CardError(.malformedTLV, "\(bytes.count - consumed) byte(s) follow the data object \(object.tag)")
        }
        self = object
    }

    /// Decodes the data object at the start of `bytes` and ignores what follows it (padding after a file's content).
    public static func decodePrefix(_ bytes: [UInt8]) throws -> BERTLV {
        try decodeOne(bytes[...]).0
    }

    /// Decodes a concatenation of data objects.
    public static func decodeSequence(_ bytes: [UInt8]) throws -> [BERTLV] {
        try decodeSequence(bytes[...])
    }

    /// The data objects inside a constructed value.
    ///
    /// - Throws: ``CardError`` `.malformedTLV` when the value does not parse, or nesting below this object is deeper
    ///   than `maxDepth`.
    public func children(maxDepth: Int = BERTLV.maximumDepth) throws -> [BERTLV] {
        let objects = try Self.decodeSequence(value[...])
        try Self.checkDepth(objects, remaining: maxDepth - 1)
        return objects
    }

    /// The first child with `tag`, if any.
    public func child(_ tag: Tag) throws -> BERTLV? {
        try children().first { $0.tag == tag }
    }

    /// The object encoded: tag, definite length in the shortest form, value.
    public var bytes: [UInt8] { Self.encode(tag: tag, value: value) }

    /// Encodes one data object: the tag, the length of `value` in the shortest definite form (ISO/IEC 8825-1 section
    /// 8.1.3, as DER requires), then `value`.
    ///
    /// `BERTLV.encode(tag: 0xDF22, value: Array("name".utf8))` gives `DF 22 04 6E 61 6D 65`.
    ///
    /// - Precondition: `value` is shorter than 2^32 bytes.
    public static func encode(tag: Tag, value: some Collection<UInt8>) -> [UInt8] {
        let length = encodeLength(value.count)
        var out: [UInt8] = []
        out.reserveCapacity(tag.bytes.count + length.count + value.count)
        out += tag.bytes
        out += length
        out += value
        return out
    }

    /// The length field for a value of `length` bytes in the shortest definite form: one byte below 128, else `81`
    /// to `84` followed by the big-endian length without leading zero bytes.
    ///
    /// - Precondition: `length` is in 0..<2^32.
    public static func encodeLength(_ length: Int) -> [UInt8] {
        precondition(length >= 0 && length <= 0xFFFF_FFFF, "BER-TLV length \(length) outside 0..<2^32")
        if length < 0x80 { return [UInt8(length)] }
        var octets: [UInt8] = []
        var rest = length
        while rest > 0 {
            octets.insert(UInt8(truncatingIfNeeded: rest), at: 0)
            rest >>= 8
        }
        return [0x80 | UInt8(octets.count)] + octets
    }

    // MARK: - Internals

    private static func decodeOne(_ bytes: ArraySlice<UInt8>) throws -> (BERTLV, Int) {
        guard let header = try header(of: bytes) else {
            throw CardError(.malformedTLV, "data object truncated in its header (\(bytes.count) byte(s))")
        }
        let available = bytes.count - header.headerLength
        guard header.valueLength <= available else {
            throw CardError(
                .malformedTLV,
                "data object \(header.tag) declares \(header.valueLength) bytes but only \(available) follow"
            )
        }
        let start = bytes.startIndex + header.headerLength
        let value = Array(bytes[start..<(start + header.valueLength)])
        return (BERTLV(tag: header.tag, value: value), header.totalLength)
    }

    private static func decodeSequence(_ bytes: ArraySlice<UInt8>) throws -> [BERTLV] {
        var objects: [BERTLV] = []
        var rest = bytes
        while !rest.isEmpty {
            let (object, consumed) = try decodeOne(rest)
            objects.append(object)
            rest = rest.dropFirst(consumed)
        }
        return objects
    }

    private static func checkDepth(_ objects: [BERTLV], remaining: Int) throws {
        for object in objects where object.tag.isConstructed && !object.value.isEmpty {
            guard remaining > 0 else {
                throw CardError(.malformedTLV, "data objects nested deeper than \(maximumDepth) levels")
            }
            try checkDepth(decodeSequence(object.value[...]), remaining: remaining - 1)
        }
    }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// The DER (X.690) this module writes and the little it reads itself: definite lengths, low tag numbers.
///
/// Writing: ``DER/element(_:_:)`` and friends return complete encodings, so a structure is written inside out the
/// way it is declared. Reading: ``DER/Reader`` walks encodings with every length checked against what is left.
enum DER {
    /// Universal and context tags used here.
    enum Tag {
        static let integer: UInt8 = 0x02
        static let bitString: UInt8 = 0x03
        static let octetString: UInt8 = 0x04
        static let null: UInt8 = 0x05
        static let objectIdentifier: UInt8 = 0x06
        static let utf8String: UInt8 = 0x0C
        static let utcTime: UInt8 = 0x17
        static let generalizedTime: UInt8 = 0x18
        static let sequence: UInt8 = 0x30
        static let set: UInt8 = 0x31
        /// `[n]` constructed, context-specific.
        static func context(_ number: UInt8) -> UInt8 { 0xA0 | number }
    }

    // MARK: - Writing

    /// The length octets of `count` (MynaVerify's one DER length writer).
    static func length(_ count: Int) -> [UInt8] { DERWriter.length(count) }

    /// One element: `tag`, the length of `content`, `content`.
    static func element(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        [tag] + length(content.count) + content
    }

    static func sequence(_ elements: [UInt8]...) -> [UInt8] { element(Tag.sequence, elements.flatMap { $0 }) }

    /// A `SET OF`, its elements in DER order: ascending as octet strings, a prefix before the longer string (X.690
    /// section 11.6).
    static func setOf(_ elements: [[UInt8]], tag: UInt8 = Tag.set) -> [UInt8] {
        element(tag, elements.sorted { $0.lexicographicallyPrecedes($1) }.flatMap { $0 })
    }

    static func octetString(_ bytes: [UInt8]) -> [UInt8] { element(Tag.octetString, bytes) }

    static func integer(_ value: Int) -> [UInt8] {
        precondition(value >= 0 && value < 0x80, "only the small versions of CMS are written")
        return [Tag.integer, 1, UInt8(value)]
    }

    /// An OBJECT IDENTIFIER from its dotted form (`1.2.840.113549.1.7.2`).
    static func objectIdentifier(_ dotted: String) -> [UInt8] {
        let arcs = dotted.split(separator: ".").map { UInt64($0)! }
        precondition(arcs.count >= 2 && arcs[0] <= 2, "not an OID: \(dotted)")
        var content = base128(arcs[0] * 40 + arcs[1])
        for arc in arcs.dropFirst(2) { content += base128(arc) }
        return element(Tag.objectIdentifier, content)
    }

    private static func base128(_ value: UInt64) -> [UInt8] {
        var octets = [UInt8(value & 0x7F)]
        var rest = value >> 7
        while rest > 0 {
            octets.insert(UInt8(rest & 0x7F) | 0x80, at: 0)
            rest >>= 7
        }
        return octets
    }

    // MARK: - Reading

    /// One element read from an encoding.
    struct Element {
        var tag: UInt8
        /// The content octets.
        var content: ArraySlice<UInt8>
        /// The whole encoding: tag, length and content.
        var encoding: ArraySlice<UInt8>
    }

    /// Reads consecutive elements from a slice, refusing indefinite lengths, high tag numbers and lengths that run
    /// past the end.
    struct Reader {
        private(set) var rest: ArraySlice<UInt8>

        init(_ bytes: ArraySlice<UInt8>) { rest = bytes }

        var isAtEnd: Bool { rest.isEmpty }

        /// The next element, or `nil` (and nothing consumed) when the bytes are not one.
        mutating func read() -> Element? {
            guard let element = DER.parse(rest) else { return nil }
            rest = rest[element.encoding.endIndex...]
            return element
        }

        /// The next element if it has `tag`.
        mutating func read(_ tag: UInt8) -> Element? {
            guard let first = rest.first, first == tag else { return nil }
            return read()
        }
    }

    /// The first element of `bytes`, or `nil` when it is not a complete definite-length element.
    static func parse(_ bytes: ArraySlice<UInt8>) -> Element? {
        var index = bytes.startIndex
        guard index < bytes.endIndex else { return nil }
        let tag = bytes[index]
        guard tag & 0x1F != 0x1F else { return nil }
        index += 1
        guard index < bytes.endIndex else { return nil }
        let first = bytes[index]
        index += 1
        var count = 0
        if first < 0x80 {
            count = Int(first)
        } else {
            let octets = Int(first & 0x7F)
            // 0x80 is the indefinite form (BER only); more than 4 length octets is more than any input here.
            guard octets >= 1, octets <= 4, bytes.endIndex - index >= octets else { return nil }
            for _ in 0..<octets {
                count = count << 8 | Int(bytes[index])
                index += 1
            }
        }
        guard bytes.endIndex - index >= count else { return nil }
        return Element(
            tag: tag, content: bytes[index..<(index + count)], encoding: bytes[bytes.startIndex..<(index + count)])
    }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// Fuzz input cut into blocks the way OpenSC's fuzz reader cuts it (`src/tests/fuzzing/fuzzer_reader.c`).
///
/// The input is a sequence of `[length][bytes]` blocks. The length is two bytes read in host order, as OpenSC reads
/// them (`*(uint16_t *)data`): little-endian on x86-64 and arm64. A length larger than what is left takes what is
/// left; fewer than two bytes left give an empty block. So OpenSC corpora and traces converted to that format can be
/// used here unchanged.
public struct FuzzChunks: Sendable {
    private let bytes: [UInt8]
    private var position = 0

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Whether no bytes are left.
    public var isExhausted: Bool { position >= bytes.count }

    /// The next block; empty once fewer than two bytes are left.
    public mutating func next() -> [UInt8] {
        guard bytes.count - position >= 2 else {
            position = bytes.count
            return []
        }
        let length = Int(bytes[position]) | Int(bytes[position + 1]) << 8
        position += 2
        let count = min(length, bytes.count - position)
        defer { position += count }
        return Array(bytes[position..<(position + count)])
    }

    /// Every block, until the input is exhausted.
    public var all: [[UInt8]] {
        var copy = self
        var blocks: [[UInt8]] = []
        while !copy.isExhausted { blocks.append(copy.next()) }
        return blocks
    }

    /// Encodes blocks in the same format (for seed corpora and tests).
    public static func encode(_ blocks: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        for block in blocks {
            let count = min(block.count, 0xFFFF)
            out += [UInt8(count & 0xFF), UInt8(count >> 8)]
            out += block.prefix(count)
        }
        return out
    }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// FlateDecode (zlib, RFC 1950, around deflate, RFC 1951) and the PNG predictors of section 7.4.4.4, for the
/// cross-reference and object streams a PDF reader must decode. Pure Swift and bounds-checked: every read and
/// every back-reference is checked, and the output is capped.
enum Inflate {
    /// Output larger than this is refused (cross-reference and object streams are far smaller).
    static let maximumOutput = 64 << 20

    /// Decodes a zlib stream; the Adler-32 trailer is checked when present.
    static func zlib(_ input: ArraySlice<UInt8>) throws -> [UInt8] {
        guard input.count >= 2 else { throw error("a Flate stream shorter than its header") }
        let cmf = input[input.startIndex]
        let flags = input[input.startIndex + 1]
        guard cmf & 0x0F == 8, (UInt16(cmf) << 8 | UInt16(flags)) % 31 == 0, flags & 0x20 == 0 else {
            throw error("a Flate stream without a zlib header")
        }
        var reader = BitReader(input[(input.startIndex + 2)...])
        let output = try inflate(&reader)
        let trailer = reader.alignedRest()
        if trailer.count >= 4 {
            let expected = trailer.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            guard adler32(output) == expected else { throw error("a Flate stream fails its Adler-32 check") }
        }
        return output
    }

    private static func inflate(_ reader: inout BitReader) throws -> [UInt8] {
        var output: [UInt8] = []
        var last = false
        while !last {
            last = try reader.bits(1) == 1
            switch try reader.bits(2) {
            case 0:
                let block = try reader.storedBlock()
                output += block
            case 1:
                try decodeBlock(&reader, &output, literals: fixedLiterals, distances: fixedDistances)
            case 2:
                let (literals, distances) = try dynamicTables(&reader)
                try decodeBlock(&reader, &output, literals: literals, distances: distances)
            default:
                throw error("a deflate block of the reserved type 3")
            }
            guard output.count <= maximumOutput else { throw error("a Flate stream larger than \(maximumOutput) bytes") }
        }
        return output
    }

    private static let lengthBase: [Int] = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
    ]
    private static let lengthExtra: [Int] = [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
    ]
    private static let distanceBase: [Int] = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
        6145, 8193, 12289, 16385, 24577,
    ]
    private static let distanceExtra: [Int] = [
        0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
    ]

    private static func decodeBlock(
        _ reader: inout BitReader, _ output: inout [UInt8], literals: Huffman, distances: Huffman
    ) throws {
        while true {
            let symbol = try literals.decode(&reader)
            if symbol < 256 {
                output.append(UInt8(symbol))
            } else if symbol == 256 {
                return
            } else {
                let index = symbol - 257
                guard index < lengthBase.count else { throw error("a deflate length code out of range") }
                let length = lengthBase[index] + (try reader.bits(lengthExtra[index]))
                let code = try distances.decode(&reader)
                guard code < distanceBase.count else { throw error("a deflate distance code out of range") }
                let distance = distanceBase[code] + (try reader.bits(distanceExtra[code]))
                guard distance <= output.count else { throw error("a deflate distance before the start") }
                guard output.count + length <= maximumOutput else {
                    throw error("a Flate stream larger than \(maximumOutput) bytes")
                }
                let start = output.count - distance
                for offset in 0..<length { output.append(output[start + offset]) }
            }
        }
    }

    private static let fixedLiterals = Huffman(
        lengths: Array(repeating: 8, count: 144) + Array(repeating: 9, count: 112) + Array(repeating: 7, count: 24)
            + Array(repeating: 8, count: 8))!
    private static let fixedDistances = Huffman(lengths: Array(repeating: 5, count: 30))!

    private static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    private static func dynamicTables(_ reader: inout BitReader) throws -> (Huffman, Huffman) {
        let literalCount = try reader.bits(5) + 257
        let distanceCount = try reader.bits(5) + 1
        let codeLengthCount = try reader.bits(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else { throw error("a deflate header with too many codes") }
        var codeLengths = [Int](repeating: 0, count: 19)
        for index in 0..<codeLengthCount { codeLengths[codeLengthOrder[index]] = try reader.bits(3) }
        guard let codeLengthCode = Huffman(lengths: codeLengths) else { throw error("an invalid code-length code") }
        var lengths: [Int] = []
        while lengths.count < literalCount + distanceCount {
            let symbol = try codeLengthCode.decode(&reader)
            switch symbol {
            case 0..<16:
                lengths.append(symbol)
            case 16:
                guard let previous = lengths.last else { throw error("a repeat with no previous length") }
                lengths += Array(repeating: previous, count: 3 + (try reader.bits(2)))
            case 17:
                lengths += Array(repeating: 0, count: 3 + (try reader.bits(3)))
            default:
                lengths += Array(repeating: 0, count: 11 + (try reader.bits(7)))
            }
        }
        guard lengths.count == literalCount + distanceCount, lengths[256] > 0,
            let literals = Huffman(lengths: Array(lengths[..<literalCount])),
            let distances = Huffman(lengths: Array(lengths[literalCount...]))
        else { throw error("an invalid dynamic Huffman code") }
        return (literals, distances)
    }

    /// A canonical Huffman code (RFC 1951 section 3.2.2), decoded one bit at a time: count of codes per length and
    /// symbols in code order.
    private struct Huffman {
        var counts = [Int](repeating: 0, count: 16)
        var symbols: [Int] = []

        /// `nil` when the lengths over-subscribe the code.
        init?(lengths: [Int]) {
            for length in lengths where length > 0 {
                guard length < 16 else { return nil }
                counts[length] += 1
            }
            var left = 1
            for length in 1..<16 {
                left = left * 2 - counts[length]
                if left < 0 { return nil }
            }
            var offsets = [Int](repeating: 0, count: 16)
            for length in 1..<15 { offsets[length + 1] = offsets[length] + counts[length] }
            symbols = [Int](repeating: 0, count: lengths.count)
            for (symbol, length) in lengths.enumerated() where length > 0 {
                symbols[offsets[length]] = symbol
                offsets[length] += 1
            }
        }

        func decode(_ reader: inout BitReader) throws -> Int {
            var code = 0
            var first = 0
            var index = 0
            for length in 1..<16 {
                code |= try reader.bits(1)
                let count = counts[length]
                if code - first < count { return symbols[index + code - first] }
                index += count
                first = (first + count) << 1
                code <<= 1
            }
            throw Inflate.error("an invalid Huffman code in a Flate stream")
        }
    }

    /// Bits least significant first, as deflate packs them.
    private struct BitReader {
        let bytes: ArraySlice<UInt8>
        var index: Int
        var buffer = 0
        var count = 0

        init(_ bytes: ArraySlice<UInt8>) {
            self.bytes = bytes
            index = bytes.startIndex
        }

        mutating func bits(_ needed: Int) throws -> Int {
            while count < needed {
                guard index < bytes.endIndex else { throw Inflate.error("a Flate stream ends early") }
                buffer |= Int(bytes[index]) << count
                index += 1
                count += 8
            }
            let value = buffer & ((1 << needed) - 1)
            buffer >>= needed
            count -= needed
            return value
        }

        /// A stored block: LEN, NLEN, then LEN bytes, from the next byte boundary.
        mutating func storedBlock() throws -> ArraySlice<UInt8> {
            buffer = 0
            count = 0
            guard bytes.endIndex - index >= 4 else { throw Inflate.error("a stored block ends early") }
            let length = Int(bytes[index]) | Int(bytes[index + 1]) << 8
            let complement = Int(bytes[index + 2]) | Int(bytes[index + 3]) << 8
            guard length == complement ^ 0xFFFF else { throw Inflate.error("a stored block with a bad length") }
            index += 4
            guard bytes.endIndex - index >= length else { throw Inflate.error("a stored block ends early") }
            defer { index += length }
            return bytes[index..<(index + length)]
        }

        /// The bytes after the last one that was started.
        func alignedRest() -> ArraySlice<UInt8> { bytes[index...] }
    }

    private static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        for chunk in stride(from: 0, to: bytes.count, by: 5552) {
            for byte in bytes[chunk..<min(chunk + 5552, bytes.count)] {
                a += UInt32(byte)
                b += a
            }
            a %= 65521
            b %= 65521
        }
        return b << 16 | a
    }

    /// Undoes a PNG predictor (`/Predictor` 10 to 15): each row starts with its filter type (section 7.4.4.4).
    static func unpredictPNG(_ data: [UInt8], columns: Int, colors: Int = 1, bitsPerComponent: Int = 8) throws -> [UInt8] {
        let pixelBytes = max(1, colors * bitsPerComponent / 8)
        let rowBytes = (columns * colors * bitsPerComponent + 7) / 8
        guard rowBytes > 0, data.count % (rowBytes + 1) == 0 else {
            throw error("a predicted stream whose length is not a whole number of rows")
        }
        var output: [UInt8] = []
        output.reserveCapacity(data.count)
        var previous = [UInt8](repeating: 0, count: rowBytes)
        for rowStart in stride(from: 0, to: data.count, by: rowBytes + 1) {
            let filter = data[rowStart]
            var row = Array(data[(rowStart + 1)..<(rowStart + 1 + rowBytes)])
            for i in 0..<rowBytes {
                let left = i >= pixelBytes ? Int(row[i - pixelBytes]) : 0
                let up = Int(previous[i])
                let upLeft = i >= pixelBytes ? Int(previous[i - pixelBytes]) : 0
                let add: Int
                switch filter {
                case 0: add = 0
                case 1: add = left
                case 2: add = up
                case 3: add = (left + up) / 2
                case 4:
                    let estimate = left + up - upLeft
                    let (da, db, dc) = (abs(estimate - left), abs(estimate - up), abs(estimate - upLeft))
                    add = da <= db && da <= dc ? left : (db <= dc ? up : upLeft)
                default: throw error("an unknown PNG predictor \(filter)")
                }
                row[i] = UInt8(truncatingIfNeeded: Int(row[i]) + add)
            }
            output += row
            previous = row
        }
        return output
    }

    static func error(_ reason: String) -> MynaVerifyError {
        MynaVerifyError(code: .malformedPDF, reason: "PDF: \(reason)")
    }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// PNG files (ISO/IEC 15948, the W3C PNG specification): written without compression, so the writer stays small and
/// has no dependency; read only as far as the header.
///
/// The image data is one zlib stream (RFC 1950: header `78 01`, deflate, Adler-32) of stored deflate blocks (RFC 1951
/// section 3.2.4: `BTYPE 00`, LEN, NLEN, at most 65535 bytes each) over the scanlines, each with filter type 0.
/// Every chunk carries its CRC-32. Any PNG decoder (libpng, browsers, zlib-based ones) reads it.
public enum PNG {
    /// The 8-byte PNG signature.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The header of a PNG file.
    public struct Header: Hashable, Sendable {
        public var width: Int
        public var height: Int
        public var bitDepth: Int
        /// 0 greyscale, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA.
        public var colorType: Int

        public init(width: Int, height: Int, bitDepth: Int, colorType: Int) {
            self.width = width
            self.height = height
            self.bitDepth = bitDepth
            self.colorType = colorType
        }
    }

    /// An 8-bit PNG of `image` (greyscale or RGB).
    public static func encode(_ image: RasterImage) -> [UInt8] {
        let rowLength = image.width * image.channels.rawValue
        var scanlines: [UInt8] = []
        scanlines.reserveCapacity((rowLength + 1) * image.height)
        for row in 0..<image.height {
            scanlines.append(0)  // filter type 0: none
            scanlines += image.samples[row * rowLength..<(row + 1) * rowLength]
        }
        return file(width: image.width, height: image.height, bitDepth: 8,
            colorType: image.channels == .grey ? 0 : 2, scanlines: scanlines)
    }

    /// A 1-bit greyscale PNG of a greyscale image: samples of 128 and more are white (bit 1), the rest black.
    public static func encodeBilevel(_ image: RasterImage) -> [UInt8] {
        precondition(image.channels == .grey, "a bilevel PNG is made from a greyscale image")
        let rowBytes = (image.width + 7) / 8
        var scanlines: [UInt8] = []
        scanlines.reserveCapacity((rowBytes + 1) * image.height)
        for y in 0..<image.height {
            scanlines.append(0)
            var row = [UInt8](repeating: 0, count: rowBytes)
            for x in 0..<image.width where image[x, y] >= 128 {
                row[x / 8] |= 0x80 >> UInt8(x % 8)
            }
            scanlines += row
        }
        return file(width: image.width, height: image.height, bitDepth: 1, colorType: 0, scanlines: scanlines)
    }

    /// The header of a PNG file, or `nil` when `bytes` does not start with the signature and an IHDR chunk.
    public static func header(of bytes: [UInt8]) -> Header? {
        guard bytes.count >= 33, Array(bytes[0..<8]) == signature, Array(bytes[12..<16]) == Array("IHDR".utf8),
            bigEndian(bytes[8..<12]) == 13
        else { return nil }
        return Header(width: bigEndian(bytes[16..<20]), height: bigEndian(bytes[20..<24]), bitDepth: Int(bytes[24]),
            colorType: Int(bytes[25]))
    }

    // MARK: - Writing

    private static func file(width: Int, height: Int, bitDepth: UInt8, colorType: UInt8, scanlines: [UInt8])
        -> [UInt8]
    {
        // Compression method 0, filter method 0, no interlace.
        let header = be32(width) + be32(height) + [bitDepth, colorType, 0, 0, 0]
        return signature + chunk("IHDR", header) + chunk("IDAT", zlibStored(scanlines)) + chunk("IEND", [])
    }

    /// A chunk: length, type, data, CRC-32 of type and data.
    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        return be32(data.count) + typeBytes + data + be32(Int(CRC32.checksum(data, continuing: CRC32.checksum(typeBytes))))
    }

    /// A zlib stream of stored deflate blocks.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        // CMF 78: deflate, 32K window. FLG 01: no dictionary, fastest level, and (78 << 8 | 01) % 31 == 0.
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let length = min(65535, data.count - offset)
            let isFinal = offset + length == data.count
            out.append(isFinal ? 0x01 : 0x00)  // BFINAL, BTYPE 00 (stored), padding to the byte boundary
            out += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
            out += data[offset..<offset + length]
            offset += length
        } while offset < data.count
        return out + be32(Int(Adler32.checksum(data)))
    }

    private static func be32(_ value: Int) -> [UInt8] {
        [UInt8(value >> 24 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    private static func bigEndian(_ bytes: ArraySlice<UInt8>) -> Int {
        bytes.reduce(0) { $0 << 8 | Int($1) }
    }
}

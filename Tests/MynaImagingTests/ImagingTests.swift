//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaImaging
import TestSupport
import XCTest

/// The PNG writer, its checksums and the JPEG 2000 codec, each judged by an independent implementation: Python's
/// zlib, `pngcheck` (libpng's rules) and OpenJPEG's own `opj_decompress` tool.
final class ImagingTests: XCTestCase {
    /// A greyscale test image with gradients, edges and noise-like texture (every sample value 0...255 occurs).
    static func sampleGrey(width: Int = 67, height: Int = 41) throws -> RasterImage {
        var samples: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width { samples.append(UInt8((x * 7 + y * 13 + (x * y) % 29) & 0xFF)) }
        }
        return try RasterImage(width: width, height: height, channels: .grey, samples: samples)
    }

    func testChecksumVectors() {
        // The check values of the CRC catalogue (CRC-32/ISO-HDLC) and the RFC 1950 example used everywhere.
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926)
        XCTAssertEqual(CRC32.checksum([UInt8]()), 0)
        XCTAssertEqual(CRC32.checksum(Array("456789".utf8), continuing: CRC32.checksum(Array("123".utf8))), 0xCBF4_3926)
        XCTAssertEqual(Adler32.checksum(Array("Wikipedia".utf8)), 0x11E6_0398)
        XCTAssertEqual(Adler32.checksum([UInt8]()), 1)
        // Long runs of FF exercise the deferred modulo.
        let ones = [UInt8](repeating: 0xFF, count: 100_000)
        XCTAssertEqual(Adler32.checksum(ones), try pythonZlib("adler32", ones))
        XCTAssertEqual(CRC32.checksum(ones), try pythonZlib("crc32", ones))
    }

    func testGreyPNGDecodesToTheSamePixelsInPython() throws {
        let image = try Self.sampleGrey()
        let png = PNG.encode(image)
        XCTAssertEqual(PNG.header(of: png), PNG.Header(width: 67, height: 41, bitDepth: 8, colorType: 0))
        let decoded = try decodeWithPython(png)
        XCTAssertEqual(decoded.width, 67)
        XCTAssertEqual(decoded.height, 41)
        XCTAssertTrue(decoded.samples == image.samples)
        try assertPNGCheckAccepts(png)
    }

    func testRGBAndMultiBlockPNG() throws {
        // 300 x 100 RGB is 90 100 bytes of scanlines: two stored blocks.
        var samples: [UInt8] = []
        for y in 0..<100 { for x in 0..<300 { samples += [UInt8(x & 0xFF), UInt8(y), UInt8((x ^ y) & 0xFF)] } }
        let image = try RasterImage(width: 300, height: 100, channels: .rgb, samples: samples)
        let png = PNG.encode(image)
        let decoded = try decodeWithPython(png)
        XCTAssertEqual(decoded.channels, 3)
        XCTAssertTrue(decoded.samples == samples)
        try assertPNGCheckAccepts(png)
    }

    func testBilevelPNG() throws {
        let image = try RasterImage(
            width: 10, height: 3, channels: .grey, samples: (0..<30).map { $0 % 3 == 0 ? 255 : 0 })
        let png = PNG.encodeBilevel(image)
        XCTAssertEqual(PNG.header(of: png)?.bitDepth, 1)
        let decoded = try decodeWithPython(png)
        XCTAssertEqual(decoded.samples, image.samples.map { $0 >= 128 ? 255 : 0 })
        try assertPNGCheckAccepts(png)
    }

    func testJPEG2000RoundTripIsLosslessAndOpenJPEGsToolAgrees() throws {
        let image = try Self.sampleGrey(width: 96, height: 120)
        let jp2 = try JPEG2000.encodeLossless(image)
        XCTAssertEqual(JPEG2000.container(of: jp2), .jp2)
        // opj_decompress (Debian's libopenjp2-tools) writes a PGM; its pixels must be the source's.
        let tool = try XCTUnwrap(TestProcess.locate("opj_decompress"), "install libopenjp2-tools")
        let directory = try makeTemporaryDirectory("jp2")
        let input = directory.appendingPathComponent("photo.jp2")
        let output = directory.appendingPathComponent("photo.pgm")
        try Data(jp2).write(to: input)
        let run = try TestProcess.run(tool, ["-i", input.path, "-o", output.path, "-quiet"])
        XCTAssertEqual(run.status, 0, run.combinedOutput)
        XCTAssertTrue(try Self.pgmSamples(Data(contentsOf: output), width: 96, height: 120) == image.samples)
        XCTAssertTrue(try JPEG2000.decode(jp2) == image)
    }

    func testRGBJPEG2000RoundTrip() throws {
        var samples: [UInt8] = []
        for y in 0..<40 { for x in 0..<50 { samples += [UInt8(x * 5), UInt8(y * 6), UInt8((x + y) * 2)] } }
        let image = try RasterImage(width: 50, height: 40, channels: .rgb, samples: samples)
        XCTAssertTrue(try JPEG2000.decode(JPEG2000.encodeLossless(image)) == image)
    }

    func testDecodeRefusesGarbageTruncationAndHugeImages() throws {
        XCTAssertThrowsError(try JPEG2000.decode(Array("not an image".utf8)))
        let jp2 = try JPEG2000.encodeLossless(Self.sampleGrey(width: 64, height: 64))
        XCTAssertThrowsError(try JPEG2000.decode(Array(jp2.prefix(60)))) { error in
            XCTAssertFalse("\(error)".isEmpty)
        }
        XCTAssertThrowsError(try JPEG2000.decode(jp2, maximumPixels: 64 * 63)) { error in
            XCTAssertTrue("\(error)".contains("64x64"), "\(error)")
        }
        XCTAssertFalse(JPEG2000.libraryVersion.isEmpty)
    }

    // MARK: - Independent judges

    /// The samples of a binary PGM (`P5`, optional `#` comment lines, width, height, 255), or `nil`.
    static func pgmSamples(_ data: Data, width: Int, height: Int) -> [UInt8]? {
        var bytes = [UInt8](data)
        var fields: [String] = []
        var current = ""
        while fields.count < 4, !bytes.isEmpty {
            let byte = bytes.removeFirst()
            if byte == 0x23 {  // a comment runs to the end of the line
                while let next = bytes.first, next != 0x0A { bytes.removeFirst() }
            } else if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
                if !current.isEmpty { fields.append(current); current = "" }
            } else {
                current.append(Character(UnicodeScalar(byte)))
            }
        }
        guard fields == ["P5", "\(width)", "\(height)", "255"], bytes.count == width * height else { return nil }
        return bytes
    }

    struct Decoded {
        var width: Int
        var height: Int
        var channels: Int
        var samples: [UInt8]
    }

    /// Decodes an 8-bit or 1-bit PNG without filters beyond "none" with Python's zlib and struct, checking every CRC.
    func decodeWithPython(_ png: [UInt8]) throws -> Decoded {
        let directory = try makeTemporaryDirectory("png")
        let file = directory.appendingPathComponent("image.png")
        try Data(png).write(to: file)
        let script = """
            import struct, sys, zlib
            data = open(sys.argv[1], 'rb').read()
            assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n'
            pos, idat, ihdr = 8, b'', None
            while pos < len(data):
                (length,) = struct.unpack('>I', data[pos:pos + 4]); kind = data[pos + 4:pos + 8]
                body = data[pos + 8:pos + 8 + length]; (crc,) = struct.unpack('>I', data[pos + 8 + length:pos + 12 + length])
                assert zlib.crc32(kind + body) == crc, kind
                if kind == b'IHDR': ihdr = struct.unpack('>IIBBBBB', body)
                if kind == b'IDAT': idat += body
                pos += 12 + length
            w, h, depth, color = ihdr[:4]
            raw = zlib.decompress(idat)
            channels = 3 if color == 2 else 1
            row = (w * channels * depth + 7) // 8
            out = []
            for y in range(h):
                line = raw[y * (row + 1):(y + 1) * (row + 1)]
                assert line[0] == 0
                if depth == 8: out += list(line[1:])
                else: out += [255 if line[1 + x // 8] & (0x80 >> (x % 8)) else 0 for x in range(w)]
            print(w, h, channels); print(' '.join(map(str, out)))
            """
        let run = try TestProcess.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, file.path])
        XCTAssertEqual(run.status, 0, run.standardError)
        let lines = run.standardOutput.split(separator: "\n")
        let size = lines[0].split(separator: " ").compactMap { Int($0) }
        let samples = lines.count > 1 ? lines[1].split(separator: " ").compactMap { UInt8($0) } : []
        return Decoded(width: size[0], height: size[1], channels: size[2], samples: samples)
    }

    func pythonZlib(_ function: String, _ bytes: [UInt8]) throws -> UInt32 {
        let directory = try makeTemporaryDirectory("zlib")
        let file = directory.appendingPathComponent("data")
        try Data(bytes).write(to: file)
        let run = try TestProcess.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["python3", "-c", "import sys, zlib; print(zlib.\(function)(open(sys.argv[1], 'rb').read()))", file.path])
        return UInt32(run.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    func assertPNGCheckAccepts(_ png: [UInt8], file: StaticString = #filePath, line: UInt = #line) throws {
        let tool = try XCTUnwrap(TestProcess.locate("pngcheck"), "install pngcheck", file: file, line: line)
        let directory = try makeTemporaryDirectory("pngcheck")
        let path = directory.appendingPathComponent("image.png")
        try Data(png).write(to: path)
        let run = try TestProcess.run(tool, ["-v", path.path])
        XCTAssertEqual(run.status, 0, run.combinedOutput, file: file, line: line)
        XCTAssertTrue(run.standardOutput.contains("No errors detected"), run.standardOutput, file: file, line: line)
    }
}

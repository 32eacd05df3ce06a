//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
@testable import MynaDocument
import TestSupport
import XCTest

/// The PDF reader underneath signing and verification: FlateDecode against gzip's deflate, hostile files refused
/// with errors rather than crashes, and byte ranges that do not describe the file.
final class PDFReaderTests: XCTestCase {
    /// gzip's deflate stream of `bytes` (the gzip header and trailer removed), with a zlib header and no Adler-32
    /// (the trailer is optional in Inflate.zlib).
    func gzipDeflate(_ bytes: [UInt8], level: String) throws -> [UInt8] {
        let directory = try makeTemporaryDirectory("inflate")
        let input = try write(bytes, "data", in: directory)
        let output = try TestProcess.run(URL(fileURLWithPath: "/usr/bin/env"), ["gzip", level, "-n", "-k", input.path])
        XCTAssertEqual(output.status, 0, output.combinedOutput)
        let gzip = try read(directory.appendingPathComponent("data.gz"))
        // Header: 10 bytes with -n (no name); trailer: CRC-32 and size, 8 bytes.
        return [0x78, 0x9C] + Array(gzip[10..<(gzip.count - 8)])
    }

    func testInflateDecodesGzipsFixedDynamicAndStoredBlocks() throws {
        let text = Array((0..<4000).map { "line \($0 % 97) of an application form\n" }.joined().utf8)
        XCTAssertEqual(try Inflate.zlib(try gzipDeflate(text, level: "-9")[...]), text)
        XCTAssertEqual(try Inflate.zlib(try gzipDeflate(Array("short".utf8), level: "-1")[...]), Array("short".utf8))
        var generator = SystemRandomNumberGenerator()
        let noise = (0..<100_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        XCTAssertEqual(try Inflate.zlib(try gzipDeflate(noise, level: "-6")[...]), noise, "random data: stored blocks")
    }

    func testInflateRefusesBrokenStreams() throws {
        let good = try gzipDeflate(Array(repeating: 0x41, count: 10_000), level: "-9")
        XCTAssertThrowsError(try Inflate.zlib([0x78][...]))
        XCTAssertThrowsError(try Inflate.zlib([0x12, 0x34, 0x00][...]), "not a zlib header")
        XCTAssertThrowsError(try Inflate.zlib(good.prefix(good.count / 2)), "truncated")
        XCTAssertThrowsError(try Inflate.zlib(good[...] + [0, 0, 0, 1]), "wrong Adler-32")
        // A back-reference before the start: fixed block, length 3, distance 1, with nothing written yet.
        XCTAssertThrowsError(try Inflate.zlib([0x78, 0x9C, 0x03, 0x02, 0x00][...]))
    }

    func testPNGUpPredictor() throws {
        // Two rows of three columns, Up filter on the second.
        let data: [UInt8] = [0, 1, 2, 3, 2, 1, 1, 1]
        XCTAssertEqual(try Inflate.unpredictPNG(data, columns: 3), [1, 2, 3, 2, 3, 4])
        XCTAssertThrowsError(try Inflate.unpredictPNG([0, 1, 2], columns: 3))
    }

    func testHostileFilesAreErrorsNotCrashes() throws {
        let minimal = TestPDF.minimal()
        var cases: [(String, [UInt8])] = [
            ("empty", []),
            ("not a PDF", Array("hello world".utf8)),
            ("truncated", Array(minimal.prefix(minimal.count / 2))),
            ("no startxref", Array(minimal.prefix(minimal.count - 30))),
        ]
        // startxref pointing into the middle of an object, and a /Prev loop.
        let text = String(decoding: minimal, as: UTF8.self)
        let xref = try XCTUnwrap(text.range(of: "startxref\n"))
        let badOffset = String(text[..<xref.upperBound]) + "20\n%%EOF\n"
        cases.append(("startxref into an object", Array(badOffset.utf8)))
        let tableOffset = Int(text[xref.upperBound...].prefix { $0.isNumber })!
        let loop = text.replacingOccurrences(of: "/Root 1 0 R >>", with: "/Root 1 0 R /Prev \(tableOffset) >>")
        cases.append(("/Prev loop", Array(loop.utf8)))
        let deep = Array(("%PDF-1.7\n1 0 obj\n" + String(repeating: "[", count: 5000) + "\nendobj\nstartxref\n9\n%%EOF\n").utf8)
        cases.append(("deep nesting", deep))
        for (name, bytes) in cases {
            XCTAssertThrowsError(try PDFSignaturePreparation(pdf: bytes), name) {
                XCTAssertEqual(($0 as? MynaVerifyError)?.code, .malformedPDF, "\(name): \($0)")
            }
            XCTAssertThrowsError(try DocumentFixture.verifier.verifyPDF(bytes), name)
        }
        // An encrypted PDF is refused for signing.
        let encrypted = text.replacingOccurrences(of: "/Root 1 0 R >>", with: "/Root 1 0 R /Encrypt << /Filter /Standard >> >>")
        XCTAssertThrowsError(try PDFSignaturePreparation(pdf: Array(encrypted.utf8))) {
            XCTAssertEqual(($0 as? MynaVerifyError)?.code, .unsupportedDocument)
        }
    }

    func testPDFDates() throws {
        let noon = Date(timeIntervalSince1970: 1_769_860_800)  // 2026-01-31T12:00:00Z
        XCTAssertEqual(PDFSignatureVerifier.date(fromPDFDate: "D:20260131120000Z"), noon)
        XCTAssertEqual(PDFSignatureVerifier.date(fromPDFDate: "D:20260131210000+09'00'"), noon)
        XCTAssertEqual(PDFSignatureVerifier.date(fromPDFDate: "D:20260131070000-05'00"), noon)
        XCTAssertEqual(PDFSignatureVerifier.date(fromPDFDate: "D:2026"), Date(timeIntervalSince1970: 1_767_225_600))
        XCTAssertNil(PDFSignatureVerifier.date(fromPDFDate: "D:20261331120000Z"))
        XCTAssertNil(PDFSignatureVerifier.date(fromPDFDate: "yesterday"))
    }

    func testAnUnsignedPDFHasNoSignatures() throws {
        XCTAssertEqual(try DocumentFixture.verifier.verifyPDF(TestPDF.minimal()).count, 0)
    }

    func testByteRangesThatDoNotDescribeTheFileAreRejected() throws {
        let prepared = try PDFSignaturePreparation(pdf: TestPDF.minimal())
        let request = try CMSSignatureRequest(contentDigest: try prepared.contentDigest(.sha256), hash: .sha256)
        let card = try DocumentFixture.cardSignature(request.digestToSign)
        let signed = try prepared.signed(with: try request.signedData(signature: card.signature, certificate: card.certificate))
        XCTAssertTrue(try XCTUnwrap(DocumentFixture.verifier.verifyPDF(signed).first).isValid)

        // Rewrite the /ByteRange numbers (same width) so that the hole no longer is the /Contents string.
        let range = prepared.byteRange
        let original = "[\(range.map(String.init).joined(separator: " "))"
        let text = String(decoding: signed, as: UTF8.self)
        for (name, replacement) in [
            ("shifted hole", "[0 \(range[1] - 1) \(range[2] + 1) \(range[3] - 1)"),
            ("not from 0", "[1 \(range[1] - 1) \(range[2]) \(range[3])"),
            ("past the end", "[0 \(range[1]) \(range[2]) \(range[3] + 9)"),
        ] {
            let padded = replacement + String(repeating: " ", count: max(0, original.count - replacement.count))
            let altered = Array(text.replacingOccurrences(of: original, with: padded).utf8)
            XCTAssertNotEqual(altered, signed, name)
            let verdict = try XCTUnwrap(DocumentFixture.verifier.verifyPDF(altered).first, name)
            XCTAssertFalse(verdict.isValid, name)
            guard case .invalidByteRange? = verdict.cms.failures.first else {
                return XCTFail("\(name): \(verdict.cms.failures)")
            }
        }
    }
}

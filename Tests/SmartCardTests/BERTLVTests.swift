//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import SmartCard
import XCTest

final class BERTLVTests: XCTestCase {
    func testShortAndLongFormLengths() throws {
        let short = try BERTLV(decoding: [0x80, 0x02, 0xAA, 0xBB])
        XCTAssertEqual(short.tag, BERTLV.Tag(0x80))
        XCTAssertEqual(short.value, [0xAA, 0xBB])
        let long = try BERTLV(decoding: [0x04, 0x81, 0x80] + [UInt8](repeating: 1, count: 128))
        XCTAssertEqual(long.value.count, 128)
        let twoByte = try BERTLV(decoding: [0x30, 0x82, 0x01, 0x00] + [UInt8](repeating: 0, count: 256))
        XCTAssertEqual(twoByte.value.count, 256)
        XCTAssertEqual(twoByte.bytes.prefix(4), [0x30, 0x82, 0x01, 0x00])
    }

    func testMultiByteTagsOfTheCard() throws {
        // The basic-attributes EF: FF 20 { DF 22 name, DF 25 sex }.
        let bytes: [UInt8] = [0xFF, 0x20, 0x08, 0xDF, 0x22, 0x01, 0x41, 0xDF, 0x25, 0x01, 0x31]
        let outer = try BERTLV(decoding: bytes)
        XCTAssertEqual(outer.tag, BERTLV.Tag(0xFF20))
        XCTAssertTrue(outer.tag.isConstructed)
        let children = try outer.children()
        XCTAssertEqual(children.map(\.tag), [BERTLV.Tag(0xDF22), BERTLV.Tag(0xDF25)])
        XCTAssertEqual(try outer.child(BERTLV.Tag(0xDF25))?.value, [0x31])
        XCTAssertEqual(BERTLV.Tag(0x5F4E).bytes, [0x5F, 0x4E])
    }

    func testHeaderDiscoveryFromAPrefix() throws {
        // A certificate's first bytes: SEQUENCE with a 2-byte length.
        let header = try XCTUnwrap(BERTLV.header(of: [0x30, 0x82, 0x04, 0x1A, 0x30, 0x82]))
        XCTAssertEqual(header.headerLength, 4)
        XCTAssertEqual(header.valueLength, 0x041A)
        XCTAssertEqual(header.totalLength, 0x041E)
        // Not enough bytes yet: nil, not an error.
        XCTAssertNil(try BERTLV.header(of: [0x30, 0x82, 0x04]))
        XCTAssertNil(try BERTLV.header(of: [0xDF]))
        XCTAssertNil(try BERTLV.header(of: []))
    }

    func testTruncatedTagsAndLengths() {
        XCTAssertThrowsError(try BERTLV(decoding: [0xDF]))  // tag continues past the end
        XCTAssertThrowsError(try BERTLV(decoding: [0x5F, 0x81]))  // continuation byte, then nothing
        XCTAssertThrowsError(try BERTLV(decoding: [0x30, 0x82, 0x01]))  // length field cut
        XCTAssertThrowsError(try BERTLV(decoding: [0x30]))  // no length
    }

    func testLengthBeyondTheBufferIsRejected() {
        XCTAssertThrowsError(try BERTLV(decoding: [0x04, 0x05, 0x01, 0x02])) { error in
            XCTAssertEqual((error as? CardError)?.code, .malformedTLV)
            XCTAssertTrue("\(error)".contains("declares 5 bytes but only 2 follow"), "\(error)")
        }
        XCTAssertThrowsError(try BERTLV(decoding: [0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0x00]))
    }

    func testIndefiniteAndOversizedLengthFormsAreRejected() {
        XCTAssertThrowsError(try BERTLV(decoding: [0x30, 0x80, 0x04, 0x00, 0x00, 0x00])) { error in
            XCTAssertTrue("\(error)".contains("indefinite"))
        }
        XCTAssertThrowsError(try BERTLV(decoding: [0x30, 0x85, 0, 0, 0, 0, 1, 0]))
        XCTAssertThrowsError(try BERTLV.header(of: [0x30, 0x89]))
    }

    func testOverlongTagIsRejected() {
        XCTAssertThrowsError(try BERTLV(decoding: [0x1F, 0x81, 0x82, 0x83, 0x04, 0x00]))
    }

    func testTrailingBytesAreRejectedButPrefixDecodingAllowsPadding() throws {
        XCTAssertThrowsError(try BERTLV(decoding: [0x04, 0x01, 0xAA, 0xFF]))
        XCTAssertEqual(try BERTLV.decodePrefix([0x04, 0x01, 0xAA, 0xFF, 0xFF]).value, [0xAA])
    }

    func testNestedLengthExceedingItsParentIsRejected() {
        // Outer says 4 bytes; inner claims 10.
        XCTAssertThrowsError(try BERTLV(decoding: [0x30, 0x04, 0x04, 0x0A, 0x00, 0x00]).children())
    }

    func testDepthBombIsStopped() throws {
        var bytes: [UInt8] = [0x04, 0x00]
        for _ in 0..<40 { bytes = [0x30, UInt8(bytes.count)] + bytes }
        // 40 levels: bytes.count stays < 128 so each length is one byte.
        let outer = try BERTLV(decoding: bytes)
        XCTAssertThrowsError(try outer.children()) { error in
            XCTAssertTrue("\(error)".contains("nested deeper"), "\(error)")
        }
        var shallow: [UInt8] = [0x04, 0x00]
        for _ in 0..<5 { shallow = [0x30, UInt8(shallow.count)] + shallow }
        XCTAssertEqual(try BERTLV(decoding: shallow).children().count, 1)
    }

    func testSequenceDecoding() throws {
        let objects = try BERTLV.decodeSequence([0x01, 0x01, 0xFF, 0x02, 0x00, 0x5F, 0x1F, 0x01, 0x07])
        XCTAssertEqual(objects.count, 3)
        XCTAssertEqual(objects[2].tag.bytes, [0x5F, 0x1F])
        XCTAssertEqual(try BERTLV.decodeSequence([]), [])
    }

    func testEncoderUsesTheShortestDefiniteLength() throws {
        // The boundaries of each length form (ISO/IEC 8825-1 section 8.1.3).
        let cases: [(Int, [UInt8])] = [
            (0, [0x00]), (0x7F, [0x7F]), (0x80, [0x81, 0x80]), (0xFF, [0x81, 0xFF]), (0x100, [0x82, 0x01, 0x00]),
            (0xFFFF, [0x82, 0xFF, 0xFF]), (0x10000, [0x83, 0x01, 0x00, 0x00]),
            (0x0100_0000, [0x84, 0x01, 0x00, 0x00, 0x00]),
        ]
        for (length, field) in cases {
            XCTAssertEqual(BERTLV.encodeLength(length), field, "\(length)")
            let header = try BERTLV.header(of: [0x04] + field)
            XCTAssertEqual(header?.valueLength, length, "\(length)")
            XCTAssertEqual(header?.headerLength, 1 + field.count, "\(length)")
        }
    }

    func testEncoderWritesTagLengthValue() throws {
        XCTAssertEqual(
            BERTLV.encode(tag: 0xDF22, value: Array("name".utf8)), [0xDF, 0x22, 0x04, 0x6E, 0x61, 0x6D, 0x65])
        XCTAssertEqual(BERTLV.encode(tag: 0x80, value: [0x01, 0x02]), [0x80, 0x02, 0x01, 0x02])
        XCTAssertEqual(BERTLV.encode(tag: BERTLV.Tag(bytes: [0x84]), value: []), [0x84, 0x00])
        let long = [UInt8](repeating: 0x41, count: 300)
        let encoded = BERTLV.encode(tag: 0xFF20, value: long)
        XCTAssertEqual(Array(encoded.prefix(5)), [0xFF, 0x20, 0x82, 0x01, 0x2C])
        XCTAssertEqual(encoded.count, 5 + 300)
        // The encoder and the decoder agree, and `bytes` is the encoder.
        let object = try BERTLV(decoding: encoded)
        XCTAssertEqual(object, BERTLV(tag: 0xFF20, value: long))
        XCTAssertEqual(object.bytes, encoded)
        // Nested: what the card-info applet's attributes EF looks like.
        let inner = BERTLV.encode(tag: 0xDF25, value: [0x31])
        XCTAssertEqual(try BERTLV(decoding: BERTLV.encode(tag: 0xFF20, value: inner)).children(), [BERTLV(tag: 0xDF25, value: [0x31])])
    }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

@testable import SmartCard
import XCTest

final class PCSCPart10Tests: XCTestCase {
    func testMaxAPDUDataSizeFromPart10Features() throws {
        // Features: 0x12 (GET_TLV_PROPERTIES) -> control code 0x42330012; properties: tag 10, len 4, 0x00010000 LE.
        let features: [UInt8] = [0x06, 0x04, 0x42, 0x33, 0x00, 0x06, 0x12, 0x04, 0x42, 0x33, 0x00, 0x12]
        var asked: UInt32?
        let size = try PCSCPart10.maxAPDUDataSize(features: features) { code in
            asked = code
            return [0x01, 0x02, 0x00, 0x00, 0x0A, 0x04, 0x00, 0x00, 0x01, 0x00]
        }
        XCTAssertEqual(asked, 0x42330012)
        XCTAssertEqual(size, 0x10000)
        XCTAssertEqual(try PCSCPart10.maxAPDUDataSize(features: []) { _ in [] }, 0)
        // A property list that lies about its length is ignored, not read out of bounds.
        XCTAssertEqual(
            try PCSCPart10.maxAPDUDataSize(features: [0x12, 0x04, 0, 0, 0, 1]) { _ in [0x0A, 0x09, 0x01] }, 0)
    }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaSimulator
import XCTest

/// Bytes from a hex string with optional spaces: `hex("00 A4 04 0C")`.
func hex(_ text: String) -> [UInt8] {
    let digits = text.filter { !$0.isWhitespace }
    precondition(digits.count % 2 == 0, "odd hex string \(text)")
    var bytes: [UInt8] = []
    var index = digits.startIndex
    while index < digits.endIndex {
        let next = digits.index(index, offsetBy: 2)
        bytes.append(UInt8(digits[index..<next], radix: 16)!)
        index = next
    }
    return bytes
}

/// Upper-case hex with spaces, for failure messages.
func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { String(format: "%02X", $0) }.joined(separator: " ")
}

/// The status word of a response.
func sw(_ response: [UInt8]) -> [UInt8] {
    Array(response.suffix(2))
}

/// The data of a response (without SW1 SW2).
func data(_ response: [UInt8]) -> [UInt8] {
    Array(response.dropLast(2))
}

enum Fixture {
    /// One PKI for the whole test run (generated once per process by the simulator's cache).
    static func pki() throws -> TestPKI {
        try TestPKI.cached()
    }

    /// A powered card with `configuration` and the shared PKI.
    static func card(_ configuration: SimulatorConfiguration = SimulatorConfiguration()) throws -> VirtualMyNumberCard {
        let card = try VirtualMyNumberCard(configuration: configuration, pki: pki())
        card.powerOn()
        return card
    }

    static let selectJPKI = "00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01"
    static let selectCardInfo = "00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08"

    /// `00 A4 02 0C 02 FID`.
    static func selectEF(_ fid: String) -> String { "00 A4 02 0C 02 " + fid }

    /// `00 20 00 80 Lc PIN`.
    static func verify(_ pin: String) -> String {
        let bytes = Array(pin.utf8)
        return "00 20 00 80 " + hexString([UInt8(bytes.count)] + bytes)
    }

    /// The SHA-256 DigestInfo prefix (RFC 8017 §9.2 note 1).
    static let sha256DigestInfoPrefix = hex("30 31 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20")
}

extension XCTestCase {
    /// Sends `command` (hex) and asserts the exact response `expected` (hex); returns the response.
    @discardableResult
    func exchange(
        _ card: VirtualCard,
        _ command: String,
        _ expected: String,
        file: StaticString = #filePath,
        line: UInt = #line
    ) -> [UInt8] {
        let response = card.process(hex(command))
        XCTAssertEqual(hexString(response), hexString(hex(expected)), "for \(command)", file: file, line: line)
        return response
    }

    /// Sends `command` (hex) and asserts the status word only; returns the response.
    @discardableResult
    func exchange(
        _ card: VirtualCard,
        _ command: String,
        sw expected: String,
        file: StaticString = #filePath,
        line: UInt = #line
    ) -> [UInt8] {
        let response = card.process(hex(command))
        XCTAssertEqual(hexString(sw(response)), hexString(hex(expected)), "for \(command)", file: file, line: line)
        return response
    }

    /// Reads a whole transparent EF with short READ BINARY commands of `chunk` bytes (the current EF).
    func readAll(_ card: VirtualCard, size: Int, chunk: Int = 256, file: StaticString = #filePath, line: UInt = #line)
        -> [UInt8]
    {
        var result: [UInt8] = []
        while result.count < size {
            let length = min(chunk, size - result.count)
            let offset = result.count
            let command = [0x00, 0xB0, UInt8(offset >> 8), UInt8(offset & 0xFF), UInt8(length & 0xFF)]
            let response = card.process(command)
            XCTAssertEqual(sw(response), [0x90, 0x00], "READ BINARY at \(offset)", file: file, line: line)
            guard sw(response) == [0x90, 0x00] else { break }
            result += data(response)
        }
        return result
    }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import TestSupport
import XCTest

@testable import mynakit

/// The CLI links only FoundationEssentials: its replacements of Foundation calls give the text Foundation gives (the
/// tests may use the full Foundation as the reference).
final class TextFormatTests: XCTestCase {
    func testPrintfFormatsNumbersAsStringFormatDoes() {
        for value in [0.0, 0.05, 0.25, 1.25, 2.5, 1234.5678, 99_999.95, -3.75, 1e9 / 7] {
            for format in ["%.1f", "%.3f", "%.1f apdu/s", "%.1f verify/s"] {
                XCTAssertEqual(TextFormat.printf(format, value), String(format: format, value), "\(format) \(value)")
            }
        }
        for value: UInt16 in [0, 0x0B, 0x054C, 0x0DC9, 0xFFFF] {
            XCTAssertEqual(TextFormat.printf("%04x:%04x", value, value), String(format: "%04x:%04x", value, value))
            XCTAssertEqual(TextFormat.printf("%04X", value), String(format: "%04X", value))
        }
        for byte: UInt8 in [0, 0x3B, 0xA0, 0xFF] {
            XCTAssertEqual(TextFormat.printf("%02X", byte), String(format: "%02X", byte))
        }
        let date = [2026, 1, 31, 9, 5, 0]
        XCTAssertEqual(
            TextFormat.printf("%04d-%02d-%02dT%02d:%02d:%02dZ", date[0], date[1], date[2], date[3], date[4], date[5]),
            "2026-01-31T09:05:00Z")
        let long = TextFormat.printf("%.3f", 1e80)
        XCTAssertEqual(long, String(format: "%.3f", 1e80), "longer than the first buffer")
        XCTAssertGreaterThan(long.count, 64)
    }

    func testPaddedCutsOrPadsAsNSStringPadding() {
        for text in ["", "auth", "signature", "a-name-longer-than-twelve", "日本語", "e\u{301}"] {
            for width in [0, 3, 4, 12, 20] {
                XCTAssertEqual(
                    TextFormat.padded(text, toWidth: width), text.padding(toLength: width, withPad: " ", startingAt: 0),
                    "\(text) \(width)")
            }
        }
    }

    func testTrimmingMatchesFoundationsCharacterSets() {
        let samples = [
            "", "   ", "abc", "  abc  ", "\tabc\t", "abc\r", "\r\nabc\n", "\u{00A0}abc\u{3000}", "a b",
            "\u{2028}abc\u{85}", "\u{0B}\u{0C}abc", "  \u{301}x", "-----END CERTIFICATE-----  ",
        ]
        for sample in samples {
            XCTAssertEqual(
                TextFormat.trimmingBlanks(sample), sample.trimmingCharacters(in: .whitespaces), sample.debugDescription)
            XCTAssertEqual(
                TextFormat.trimmingWhitespace(sample), sample.trimmingCharacters(in: .whitespacesAndNewlines),
                sample.debugDescription)
        }
    }

    func testWatchTimestampsKeepTheISO8601Form() {
        for seconds in [0.0, 1_764_374_400.999, 1_780_000_000.5, 4_102_444_799] {
            let date = Date(timeIntervalSince1970: seconds)
            XCTAssertEqual(RFC3339.format(date), ISO8601DateFormatter().string(from: date))
        }
    }

    // MARK: The CCID driver's Info.plist

    func testCCIDInfoPlistReadsTheInstalledDriverAsPropertyListSerializationDoes() throws {
        let path = "/usr/lib/pcsc/drivers/ifd-ccid.bundle/Contents/Info.plist"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw XCTSkip("libccid is not installed (\(path))")
        }
        let info = try XCTUnwrap(CCIDInfoPlist.decode(data))
        let reference = try XCTUnwrap(try PropertyListSerialization.propertyList(from: data, format: nil) as? [String: Any])
        XCTAssertEqual(info.version, reference["CFBundleShortVersionString"] as? String)
        XCTAssertEqual(info.vendorIDs, reference["ifdVendorID"] as? [String])
        XCTAssertEqual(info.productIDs, reference["ifdProductID"] as? [String])
        XCTAssertGreaterThan(info.usbIDs.count, 100)
        XCTAssertTrue(info.usbIDs.contains("054c:0dc8"), "Sony RC-S300/S is in libccid 1.5")
    }

    func testCCIDInfoPlistKeepsWhatItCanAndSkipsWhatIsNotHex() throws {
        let plist = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
            <plist version="1.0">
            <!-- a comment, as the real file has -->
            <dict>
                <key>CFBundleShortVersionString</key>
                <string>1.5.2</string>
                <key>ifdCapabilities</key>
                <string>0x00000000</string>
                <key>ifdVendorID</key>
                <array>
                    <string>0x054C</string>
                    <string>0x072f</string>
                    <string>zz</string>
                    <string>08E6</string>
                </array>
                <key>ifdProductID</key>
                <array>
                    <string>0x0DC9</string>
                    <string>0x90CC</string>
                    <string>0x0001</string>
                    <string>3437</string>
                    <string>0xFFFF</string>
                </array>
                <key>ifdFriendlyName</key>
                <array><string>SONY FeliCa &amp; RC-S300</string></array>
                <key>Copyright</key>
                <string>This driver is protected by terms of the GNU Lesser General Public License</string>
            </dict>
            </plist>
            """
        let info = try XCTUnwrap(CCIDInfoPlist.decode(Data(plist.utf8)))
        XCTAssertEqual(info.version, "1.5.2")
        XCTAssertEqual(info.usbIDs, ["054c:0dc9", "072f:90cc", "08e6:3437"])

        let wrongTypes = """
            <?xml version="1.0" encoding="UTF-8"?>
            <plist version="1.0"><dict>
            <key>CFBundleShortVersionString</key><integer>15</integer>
            <key>ifdVendorID</key><string>0x054C</string>
            <key>ifdProductID</key><array><string>0x0DC9</string></array>
            </dict></plist>
            """
        XCTAssertEqual(
            CCIDInfoPlist.decode(Data(wrongTypes.utf8)),
            CCIDInfoPlist(version: nil, vendorIDs: [], productIDs: ["0x0DC9"]))
        XCTAssertNil(CCIDInfoPlist.decode(Data("<plist version=\"1.0\"><array/></plist>".utf8)))
        XCTAssertNil(CCIDInfoPlist.decode(Data("not a plist".utf8)))
    }
}

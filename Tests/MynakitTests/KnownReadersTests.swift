//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import XCTest

@testable import mynakit

/// The table of known readers and the udev rules rendered from it.
final class KnownReadersTests: XCTestCase {
    private var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    func testCommittedUdevRulesAreTheRenderedTable() throws {
        let committed = try String(
            contentsOf: repositoryRoot.appendingPathComponent("udev/\(UdevRules.fileName)"), encoding: .utf8)
        XCTAssertEqual(
            committed, UdevRules.render(),
            "udev/\(UdevRules.fileName) is stale: run swift run mynakit udev-rules > udev/\(UdevRules.fileName)")
    }

    func testTableHasNoDuplicateUSBIDs() {
        let ids = KnownReaders.all.map(\.usbID)
        XCTAssertEqual(Set(ids).count, ids.count)
    }

    func testEveryReaderHasItsRules() throws {
        let rules = UdevRules.render()
        for reader in KnownReaders.all {
            let match = "ATTR{idVendor}==\"\(reader.vendorHex)\", ATTR{idProduct}==\"\(reader.productHex)\""
            let lines = rules.split(separator: "\n").filter { !$0.hasPrefix("#") && $0.contains(match) }
            XCTAssertTrue(rules.contains("(\(reader.usbID))"), "no comment for \(reader.name)")
            if !reader.hasPCSCDriver {
                XCTAssertTrue(lines.isEmpty, "\(reader.name) has no PC/SC driver and must get no rule")
                continue
            }
            XCTAssertTrue(
                lines.contains { $0.contains("ATTR{power/control}=\"on\"") && $0.contains("TEST==\"power/control\"") },
                reader.name)
            let grants = lines.contains { $0.contains("GROUP=\"pcscd\", MODE=\"0660\"") }
            XCTAssertEqual(grants, !reader.ccidClassRuleGrantsAccess, reader.name)
            for line in lines {
                XCTAssertTrue(line.contains("SUBSYSTEM==\"usb\", ENV{DEVTYPE}==\"usb_device\""), String(line))
            }
        }
    }

    func testTheReadersTheBriefNames() throws {
        let rcs380 = try XCTUnwrap(KnownReaders.reader(vendorID: 0x054C, productID: 0x06C3))
        XCTAssertEqual(rcs380.driver, .none)
        XCTAssertEqual(rcs380.interfaceClass, .vendorSpecific)
        XCTAssertFalse(rcs380.hasPCSCDriver)

        let ntt = try XCTUnwrap(KnownReaders.reader(vendorID: 0x04E6, productID: 0x511A))
        XCTAssertEqual(ntt.interfaceClass, .vendorSpecific)
        XCTAssertTrue(ntt.shortAPDUsOnlyWithT0)
        XCTAssertEqual(ntt.maxCCIDMessageLength, 271)
        XCTAssertFalse(ntt.ccidClassRuleGrantsAccess)

        let rcs300 = try XCTUnwrap(KnownReaders.reader(vendorID: 0x054C, productID: 0x0DC8))
        XCTAssertEqual(rcs300.driver, .libccid)
        XCTAssertEqual(rcs300.usbID, "054c:0dc8")
        XCTAssertEqual(rcs300.maxCCIDMessageLength, 522)

        XCTAssertEqual(KnownReaders.reader(vendorID: 0x072F, productID: 0x2200)?.driver, .acsccid)
        XCTAssertNil(KnownReaders.reader(vendorID: 0x046D, productID: 0xC077))
        XCTAssertGreaterThanOrEqual(KnownReaders.all.count, 25)
    }

    /// Every libccid reader of the table is listed by the CCID driver installed on this machine, when there is one
    /// (a cross-check of the table against the driver's own Info.plist).
    func testLibCCIDReadersAreListedByTheInstalledDriver() throws {
        let doctor = Doctor(systemRoot: "/")
        guard let driver = doctor.ccidDriver() else { throw XCTSkip("libccid is not installed") }
        for reader in KnownReaders.all where reader.driver == .libccid {
            XCTAssertTrue(driver.usbIDs.contains(reader.usbID), "\(reader.name) \(reader.usbID) not in \(driver.bundle)")
        }
        XCTAssertFalse(driver.usbIDs.contains("054c:06c3"))
    }
}

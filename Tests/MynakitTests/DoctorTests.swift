//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import SmartCard
import TestSupport
import XCTest

@testable import mynakit

/// `mynakit doctor`'s checks against a fake sysfs and system tree, with pcscd replaced by a probe.
final class DoctorTests: XCTestCase {
    struct FakeProbe: PCSCProbe {
        var result: Result<[ReaderState], PCSCError>
        func readerStates() async throws -> [ReaderState] { try result.get() }
    }

    private var root: URL!

    override func setUpWithError() throws {
        root = try makeTemporaryDirectory("mynakit-doctor")
    }

    // MARK: Fixtures

    private func write(_ text: String, to relative: String) throws {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// A USB device directory as the kernel lays it out, with one interface `<port>:1.0`.
    private func addUSBDevice(
        port: String, vendor: String, product: String, interfaceClass: String, name: String? = nil,
        manufacturer: String? = nil
    ) throws {
        let base = "sys/bus/usb/devices/\(port)"
        try write("\(vendor)\n", to: "\(base)/idVendor")
        try write("\(product)\n", to: "\(base)/idProduct")
        if let name { try write("\(name)\n", to: "\(base)/product") }
        if let manufacturer { try write("\(manufacturer)\n", to: "\(base)/manufacturer") }
        try write("\(interfaceClass)\n", to: "\(base)/\(port):1.0/bInterfaceClass")
        // The interface also appears at the top level, as in sysfs; the scan must skip it.
        try write("\(interfaceClass)\n", to: "sys/bus/usb/devices/\(port):1.0/bInterfaceClass")
    }

    /// An installed CCID driver whose Info.plist lists the given USB IDs.
    private func installCCIDDriver(listing ids: [(String, String)]) throws {
        let vendors = ids.map { "<string>0x\($0.0.uppercased())</string>" }.joined()
        let products = ids.map { "<string>0x\($0.1.uppercased())</string>" }.joined()
        let plist = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
            <plist version="1.0"><dict>
            <key>CFBundleShortVersionString</key><string>1.5.2</string>
            <key>ifdVendorID</key><array>\(vendors)</array>
            <key>ifdProductID</key><array>\(products)</array>
            </dict></plist>
            """
        try write(plist, to: "usr/lib/pcsc/drivers/ifd-ccid.bundle/Contents/Info.plist")
    }

    private func doctor(_ probe: Result<[ReaderState], PCSCError>) -> Doctor {
        Doctor(
            sysfsRoot: root.path, systemRoot: root.path, environment: [:], probe: FakeProbe(result: probe),
            identify: { $0 == [0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14] ? "My Number card (contact)" : nil })
    }

    private static let rcs300Reader = ReaderState(
        reader: "SONY FeliCa RC-S300/S 00 00", flags: [.present, .inUse], eventCount: 1,
        atr: [0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14])

    private func checks(_ report: DoctorReport, _ name: String) -> [DoctorCheck] {
        report.checks.filter { $0.check == name }
    }

    // MARK: USB readers

    func testFakeSysfsWithRCS300RCS380AndAnUnknownDevice() async throws {
        try addUSBDevice(
            port: "1-2", vendor: "054c", product: "0dc8", interfaceClass: "0b", name: "RC-S300/S", manufacturer: "SONY")
        try addUSBDevice(port: "1-3", vendor: "054c", product: "06c3", interfaceClass: "ff", name: "RC-S380/P")
        try addUSBDevice(port: "1-4", vendor: "046d", product: "c077", interfaceClass: "03", name: "USB Optical Mouse")
        try installCCIDDriver(listing: [("054c", "0dc8")])

        let report = await doctor(.success([Self.rcs300Reader])).run()
        let usb = checks(report, "usb")
        XCTAssertEqual(usb.count, 3, report.checks.map(\.line).joined(separator: "\n"))

        XCTAssertEqual(usb[0].status, .pass)
        XCTAssertTrue(usb[0].detail.contains("2 smart-card readers among 3 USB devices"), usb[0].detail)
        XCTAssertTrue(usb[0].detail.contains("1 other device ignored"), usb[0].detail)

        let rcs300 = try XCTUnwrap(usb.first { $0.detail.contains("054c:0dc8") })
        XCTAssertEqual(rcs300.status, .pass, rcs300.line)
        XCTAssertTrue(rcs300.detail.contains("Sony RC-S300/S"), rcs300.detail)
        XCTAssertTrue(rcs300.detail.contains("driven by libccid"), rcs300.detail)

        let rcs380 = try XCTUnwrap(usb.first { $0.detail.contains("054c:06c3") })
        XCTAssertEqual(rcs380.status, .fail, rcs380.line)
        XCTAssertTrue(rcs380.detail.contains("no PC/SC support on Linux"), rcs380.detail)
        XCTAssertTrue(rcs380.detail.contains("port100"), rcs380.detail)
        XCTAssertTrue(rcs380.fix?.contains("RC-S300") ?? false, rcs380.line)

        XCTAssertFalse(report.checks.contains { $0.detail.contains("046d:c077") })
        XCTAssertFalse(report.checks.contains { $0.detail.contains("1-3:1.0") })

        let reader = try XCTUnwrap(checks(report, "reader 0").first)
        XCTAssertEqual(reader.status, .pass)
        XCTAssertTrue(reader.detail.contains("My Number card (contact)"), reader.detail)
        XCTAssertTrue(reader.detail.contains("mynakit info"), reader.detail)

        // The RC-S380 is a FAIL, pcscd is fine: exit 1.
        XCTAssertEqual(report.exitStatus, 1)
    }

    func testReaderMissingFromTheInstalledDriverAndNoDriverAtAll() async throws {
        try addUSBDevice(port: "2-1", vendor: "054c", product: "0dc9", interfaceClass: "0b", name: "RC-S300/P")
        try installCCIDDriver(listing: [("072f", "b100")])
        var report = await doctor(.success([])).run()
        var line = try XCTUnwrap(checks(report, "usb").first { $0.detail.contains("054c:0dc9") })
        XCTAssertEqual(line.status, .fail)
        XCTAssertTrue(line.detail.contains("does not list 054c:0dc9"), line.detail)
        XCTAssertTrue(line.fix?.contains("upgrade libccid") ?? false, line.line)
        XCTAssertEqual(checks(report, "readers").first?.status, .warn)

        try FileManager.default.removeItem(at: root.appendingPathComponent("usr/lib/pcsc"))
        report = await doctor(.success([])).run()
        line = try XCTUnwrap(checks(report, "usb").first { $0.detail.contains("054c:0dc9") })
        XCTAssertEqual(line.status, .fail)
        XCTAssertEqual(line.fix, "apt install libccid")
        let driver = try XCTUnwrap(checks(report, "ccid-driver").first)
        XCTAssertEqual(driver.status, .fail)
        XCTAssertEqual(driver.fix, "apt install libccid")
        XCTAssertEqual(report.exitStatus, 1)
    }

    func testReaderKnownToTheDriverButNotListedByPCSCD() async throws {
        try addUSBDevice(
            port: "1-2", vendor: "04e6", product: "511a", interfaceClass: "ff", name: "SCR3310-NTTCom USB SmartCard Reader")
        try installCCIDDriver(listing: [("04e6", "511a")])
        let report = await doctor(.success([Self.rcs300Reader])).run()
        let line = try XCTUnwrap(checks(report, "usb").first { $0.detail.contains("04e6:511a") })
        XCTAssertEqual(line.status, .warn, line.line)
        XCTAssertTrue(line.fix?.contains("journalctl -u pcscd") ?? false, line.line)
        XCTAssertTrue(line.detail.contains("short APDUs only with a T=0 card"), line.detail)
    }

    func testNoUSBBusIsAWarning() async throws {
        try installCCIDDriver(listing: [])
        let report = await doctor(.success([])).run()
        let usb = try XCTUnwrap(checks(report, "usb").first)
        XCTAssertEqual(usb.status, .warn)
        XCTAssertTrue(usb.detail.contains("no USB bus in sysfs"), usb.detail)
        XCTAssertEqual(checks(report, "ccid-driver").first?.status, .pass)
        XCTAssertEqual(report.exitStatus, 0)
    }

    // MARK: pcscd and polkit

    func testPolkitDenialIsAnAccessFailureNamingTheRuleFile() async throws {
        let report = await doctor(.failure(.securityViolation)).run()
        XCTAssertEqual(checks(report, "pcscd").first?.status, .pass)
        let access = try XCTUnwrap(checks(report, "access").first)
        XCTAssertEqual(access.status, .fail)
        XCTAssertTrue(access.detail.contains("org.debian.pcsc-lite.access_pcsc"), access.detail)
        XCTAssertTrue(access.detail.contains("SCARD_W_SECURITY_VIOLATION"), access.detail)
        XCTAssertTrue(access.fix?.contains("udev/polkit/60-mynakit-pcsc.rules /etc/polkit-1/rules.d/") ?? false)
        XCTAssertTrue(checks(report, "readers").isEmpty)
        XCTAssertEqual(report.exitStatus, 69)

        try write("// installed\n", to: "etc/polkit-1/rules.d/60-mynakit-pcsc.rules")
        let again = await doctor(.failure(.securityViolation)).run()
        XCTAssertTrue(checks(again, "access").first?.detail.contains("is installed") ?? false)
    }

    func testUnreachablePCSCDNamesTheSocketUnit() async throws {
        for error in [PCSCError.noService, .commError] {
            let report = await doctor(.failure(error)).run()
            let pcscd = try XCTUnwrap(checks(report, "pcscd").first)
            XCTAssertEqual(pcscd.status, .fail)
            XCTAssertTrue(pcscd.detail.contains(error.name), pcscd.detail)
            XCTAssertEqual(pcscd.fix, "systemctl start pcscd.socket (and systemctl enable pcscd.socket)")
            XCTAssertEqual(report.exitStatus, 69)
        }
        let mismatch = await doctor(.failure(.serviceStopped)).run()
        XCTAssertTrue(checks(mismatch, "pcscd").first?.detail.contains("protocol versions") ?? false)
        XCTAssertEqual(mismatch.exitStatus, 69)
    }

    func testMuteCardIsAWarningWithTheFix() async throws {
        let mute = ReaderState(reader: "ACS ACR39U ICC Reader 00 00", flags: [.present, .mute], eventCount: 1, atr: [])
        let report = await doctor(.success([mute])).run()
        let line = try XCTUnwrap(checks(report, "reader 0").first)
        XCTAssertEqual(line.status, .warn)
        XCTAssertNotNil(line.fix)
    }

    func testVirtualReadersAreFlaggedForProduction() async throws {
        let states = ["Virtual PCD 00 00", "Virtual PCD 00 01"].map {
            ReaderState(reader: $0, flags: [.empty], eventCount: 0, atr: [])
        }
        var report = await doctor(.success(states)).run()
        let vpcd = try XCTUnwrap(checks(report, "vpcd").first)
        XCTAssertEqual(vpcd.status, .warn)
        XCTAssertTrue(vpcd.detail.contains("all network interfaces"), vpcd.detail)
        XCTAssertEqual(report.exitStatus, 0)
        report = await doctor(.success([Self.rcs300Reader])).run()
        XCTAssertTrue(checks(report, "vpcd").isEmpty)
    }

    // MARK: udev rules

    func testInstalledUdevRulesAreComparedWithOurs() async throws {
        var report = await doctor(.success([])).run()
        var udev = try XCTUnwrap(checks(report, "udev-rules").first)
        XCTAssertEqual(udev.status, .warn)
        XCTAssertTrue(udev.fix?.contains("/etc/udev/rules.d/") ?? false)

        try write(UdevRules.render(), to: "etc/udev/rules.d/\(UdevRules.fileName)")
        report = await doctor(.success([])).run()
        udev = try XCTUnwrap(checks(report, "udev-rules").first)
        XCTAssertEqual(udev.status, .pass, udev.line)

        try write("# an old version\n", to: "etc/udev/rules.d/\(UdevRules.fileName)")
        report = await doctor(.success([])).run()
        udev = try XCTUnwrap(checks(report, "udev-rules").first)
        XCTAssertEqual(udev.status, .warn)
        XCTAssertTrue(udev.detail.contains("differs"), udev.detail)
    }

    func testEveryFailCarriesAFix() async throws {
        try addUSBDevice(port: "1-3", vendor: "054c", product: "06c3", interfaceClass: "ff")
        for probe in [Result<[ReaderState], PCSCError>.failure(.securityViolation), .failure(.noService)] {
            let report = await doctor(probe).run()
            for check in report.checks where check.status == .fail {
                XCTAssertNotNil(check.fix, check.line)
            }
        }
    }

    // MARK: pcscd's APDU logging

    /// A process in the fake `/proc`: its NUL-separated command line.
    private func addProcess(_ pid: Int, _ argv: [String]) throws {
        try write(argv.map { $0 + "\u{0}" }.joined(), to: "proc/\(pid)/cmdline")
    }

    func testPCSCDWithAPDULoggingIsAWarningNamingTheRiskAndTheFix() async throws {
        try addProcess(1, ["/sbin/init"])
        try addProcess(4242, ["/usr/sbin/pcscd", "--foreground", "--auto-exit", "--apdu", "--debug"])
        let report = await doctor(.success([])).run()
        let line = try XCTUnwrap(checks(report, "apdu-logging").first, report.checks.map(\.line).joined(separator: "\n"))
        XCTAssertEqual(line.status, .warn, line.line)
        XCTAssertTrue(line.detail.contains("pid 4242"), line.detail)
        XCTAssertTrue(line.detail.contains("--apdu"), line.detail)
        XCTAssertTrue(line.detail.contains("PINs"), line.detail)
        XCTAssertTrue(line.detail.contains("Docs/Security.md"), line.detail)
        let fix = try XCTUnwrap(line.fix)
        XCTAssertTrue(fix.contains("remove -a/--apdu from PCSCD_ARGS in /etc/default/pcscd"), fix)
        XCTAssertTrue(fix.contains("systemctl restart pcscd"), fix)
        XCTAssertEqual(report.exitStatus, 0, "a warning, not a failure")
    }

    func testPCSCDWithoutAPDULoggingPassesAndOtherProcessesAreIgnored() async throws {
        try addProcess(7, ["pcscd", "--foreground", "--config", "/etc/reader.conf.d", "-x"])
        try addProcess(8, ["/usr/bin/grep", "-a", "pcscd"])
        try addProcess(9, [])  // a zombie: empty command line
        try write("PCSCD_ARGS=\"--debug\"\n", to: "etc/default/pcscd")
        let report = await doctor(.success([])).run()
        let line = try XCTUnwrap(checks(report, "apdu-logging").first)
        XCTAssertEqual(line.status, .pass, line.line)
        XCTAssertTrue(line.detail.contains("pcscd (pid 7) runs without APDU logging"), line.detail)
        XCTAssertTrue(line.detail.contains("/etc/default/pcscd does not enable it"), line.detail)
        XCTAssertNil(line.fix)
    }

    func testAPDULoggingConfiguredInEtcDefaultIsAWarningEvenWhilePCSCDIsIdle() async throws {
        try addProcess(1, ["/sbin/init"])
        try write("# pcscd options\nexport PCSCD_ARGS='-f -a'\n", to: "etc/default/pcscd")
        let report = await doctor(.success([])).run()
        let line = try XCTUnwrap(checks(report, "apdu-logging").first)
        XCTAssertEqual(line.status, .warn, line.line)
        XCTAssertTrue(line.detail.contains("PCSCD_ARGS in /etc/default/pcscd"), line.detail)
        XCTAssertNotNil(line.fix)
    }

    func testNoProcOrNoPCSCDIsAPassThatSaysWhatWasNotChecked() async throws {
        var report = await doctor(.success([])).run()
        var line = try XCTUnwrap(checks(report, "apdu-logging").first)
        XCTAssertEqual(line.status, .pass)
        XCTAssertTrue(line.detail.contains("cannot list /proc"), line.detail)
        try addProcess(1, ["/sbin/init"])
        report = await doctor(.success([])).run()
        line = try XCTUnwrap(checks(report, "apdu-logging").first)
        XCTAssertEqual(line.status, .pass)
        XCTAssertTrue(line.detail.contains("no pcscd process visible in /proc"), line.detail)
    }

    func testPCSCDArgumentsAreReadAsGetoptReadsThem() {
        let logging: [[String]] = [
            ["-a"], ["-fad"], ["--apdu"], ["--foreground", "--ap"], ["--config=/etc/x", "--apdu"], ["-c", "/x", "-a"],
            ["-t", "4", "-da"],
        ]
        for arguments in logging {
            XCTAssertTrue(Doctor.pcscdArgumentsLogAPDUs(arguments), "\(arguments)")
        }
        let quiet: [[String]] = [
            [], ["--foreground", "--auto-exit"], ["-c", "-a"], ["-ca"], ["--config", "--apdu"], ["--", "-a"],
            ["-fdx"], ["--a"], ["-"],
        ]
        for arguments in quiet {
            XCTAssertFalse(Doctor.pcscdArgumentsLogAPDUs(arguments), "\(arguments)")
        }
    }

    func testJSONReportHasChecksSummaryAndExitStatus() async throws {
        let report = await doctor(.failure(.noService)).run()
        let data = try JSONEncoder().encode(report)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(object["exitStatus"] as? Int, 69)
        let summary = try XCTUnwrap(object["summary"] as? [String: Int])
        XCTAssertEqual(summary["fail"], 1)
        let checks = try XCTUnwrap(object["checks"] as? [[String: Any]])
        XCTAssertEqual(checks.first { $0["check"] as? String == "pcscd" }?["status"] as? String, "FAIL")
    }
}

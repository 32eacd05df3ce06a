//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import FoundationEssentials
import SmartCard

/// What the doctor asks pcscd: one context, the readers and their states. Tests inject failures here.
protocol PCSCProbe: Sendable {
    func readerStates() async throws -> [ReaderState]
}

/// The real pcscd, through ``PCSCContext``.
struct LivePCSCProbe: PCSCProbe {
    func readerStates() async throws -> [ReaderState] {
        try await CardSession.readerStates()
    }
}

/// The checks behind `mynakit doctor`. Pure apart from the files it reads under its two roots and the probe.
struct Doctor: Sendable {
    /// Prefix of `/sys` (tests point it at a fake tree).
    var sysfsRoot = "/"
    /// Prefix of `/usr`, `/etc`, `/var` and `/proc` for the driver, udev rules, polkit rule, package database, pcscd's
    /// defaults file and its command line.
    var systemRoot = "/"
    var environment: [String: String] = ProcessInfo.processInfo.environment
    var probe: any PCSCProbe = LivePCSCProbe()
    /// What an ATR is known to be (``MynaCard/KnownATRs/identify(_:)`` in the CLI).
    var identify: @Sendable ([UInt8]) -> String? = { _ in nil }
    /// The udev rules MynaKit ships, compared with the installed copy.
    var expectedUdevRules = UdevRules.render()

    static let polkitRuleName = "60-mynakit-pcsc.rules"
    static let polkitRulePath = "/etc/polkit-1/rules.d/60-mynakit-pcsc.rules"
    static let udevRuleDirectories = ["etc/udev/rules.d", "usr/lib/udev/rules.d", "lib/udev/rules.d"]
    static let driverDirectories = ["usr/lib/pcsc/drivers", "usr/lib64/pcsc/drivers", "usr/local/lib/pcsc/drivers"]

    func run() async -> DoctorReport {
        var checks = [libraryCheck()]
        let (serviceChecks, states, unavailable) = await serviceChecks()
        checks += serviceChecks
        checks.append(apduLoggingCheck())
        let usb = USBDevice.scan(sysfsRoot: sysfsRoot)
        let driver = ccidDriver()
        checks += usbChecks(usb, driver: driver, readerNames: states?.map(\.reader))
        checks.append(driverCheck(driver, usb: usb))
        checks.append(udevRulesCheck())
        return DoctorReport(checks: checks, serviceUnavailable: unavailable)
    }

    // MARK: libpcsclite

    func libraryCheck() -> DoctorCheck {
        var facts: [String] = []
        if let loaded = Self.loadedLibraryPath() { facts.append("loaded from \(loaded)") }
        if let package = packageVersion("libpcsclite1") { facts.append("package libpcsclite1 \(package)") }
        facts.append("built against pcsc-lite \(PCSCLite.headerVersion)")
        return DoctorCheck("libpcsclite", .pass, facts.joined(separator: "; "))
    }

    /// The path of the libpcsclite this process mapped, from `/proc/self/maps`.
    static func loadedLibraryPath() -> String? {
        // procfs reports a size of 0, so read to the end rather than by size.
        guard let bytes = try? InputFile.read("/proc/self/maps") else { return nil }
        let maps = String(decoding: bytes, as: UTF8.self)
        for line in maps.split(separator: "\n") {
            guard let slash = line.firstIndex(of: "/") else { continue }
            let path = String(line[slash...])
            if path.contains("/libpcsclite.so") { return path }
        }
        return nil
    }

    /// The version of an installed Debian package, from dpkg's status file under ``systemRoot``.
    func packageVersion(_ package: String) -> String? {
        let path = URL(fileURLWithPath: systemRoot).appendingPathComponent("var/lib/dpkg/status").path
        guard let status = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for stanza in status.components(separatedBy: "\n\n") {
            let fields = stanza.split(separator: "\n")
            guard fields.contains(where: { $0 == "Package: \(package)" }),
                fields.contains(where: { $0.hasPrefix("Status:") && $0.hasSuffix(" installed") }),
                let version = fields.first(where: { $0.hasPrefix("Version: ") })
            else { continue }
            return String(version.dropFirst("Version: ".count))
        }
        return nil
    }

    // MARK: pcscd, access, readers

    func serviceChecks() async -> (checks: [DoctorCheck], states: [ReaderState]?, serviceUnavailable: Bool) {
        let socket = PCSCLite.socketPath(environment: environment)
        let overridden = environment["PCSCLITE_CSOCK_NAME"].map { !$0.isEmpty } ?? false
        let states: [ReaderState]
        do {
            states = try await probe.readerStates()
        } catch let error as PCSCError {
            return (serviceFailure(error, socket: socket, overridden: overridden), nil, true)
        } catch {
            let check = DoctorCheck("pcscd", .fail, "unexpected error: \(error)", fix: "journalctl -u pcscd")
            return ([check], nil, true)
        }
        var checks = [
            DoctorCheck("pcscd", .pass, "pcscd answers on \(socket)"),
            DoctorCheck(
                "access", .pass,
                "pcscd accepted this process (polkit access_pcsc, or polkit disabled); access_card is checked per "
                    + "reader when a command connects"),
        ]
        if states.isEmpty {
            checks.append(
                DoctorCheck(
                    "readers", .warn, "pcscd sees no reader",
                    fix: "plug in a reader; see the usb and ccid-driver checks below"))
        } else {
            checks.append(DoctorCheck("readers", .pass, "pcscd sees \(states.count) reader\(states.count == 1 ? "" : "s")"))
        }
        for (index, state) in states.enumerated() {
            checks.append(readerCheck(index: index, state: state))
        }
        let virtual = states.map(\.reader).filter { $0.hasPrefix("Virtual PCD") }
        if !virtual.isEmpty {
            checks.append(
                DoctorCheck(
                    "vpcd", .warn,
                    "vsmartcard's vpcd is loaded (\(virtual.joined(separator: ", "))): it accepts virtual cards over "
                        + "TCP on all network interfaces; fine for development and CI, never on a production terminal",
                    fix: "apt remove vsmartcard-vpcd (on production terminals)"))
        }
        return (checks, states, false)
    }

    func serviceFailure(_ error: PCSCError, socket: String, overridden: Bool) -> [DoctorCheck] {
        let socketShown = overridden ? "\(socket) (from PCSCLITE_CSOCK_NAME)" : socket
        switch error {
        case .securityViolation:
            let installed = fileExists(Self.polkitRulePath)
            let detail =
                "polkit denied this process org.debian.pcsc-lite.access_pcsc (\(error.name)): only active local "
                + "sessions are allowed by default"
                + (installed ? "; \(Self.polkitRulePath) is installed, so check that this user is in its group" : "")
            return [
                DoctorCheck("pcscd", .pass, "pcscd answers on \(socketShown)"),
                DoctorCheck(
                    "access", .fail, detail,
                    fix: "install -m 0644 udev/polkit/\(Self.polkitRuleName) /etc/polkit-1/rules.d/ "
                        + "(set its group; see udev/README.md)"),
            ]
        case .serviceStopped:
            return [
                DoctorCheck(
                    "pcscd", .fail,
                    "pcscd on \(socketShown) refused the client (\(error.name)): libpcsclite and pcscd speak different "
                        + "protocol versions",
                    fix: "install matching libpcsclite1 and pcscd versions (apt install pcscd libpcsclite1)")
            ]
        case _ where error.isServiceLost:
            let fix =
                overridden
                ? "unset PCSCLITE_CSOCK_NAME, or start pcscd listening on \(socket)"
                : "systemctl start pcscd.socket (and systemctl enable pcscd.socket)"
            let running = fileExists(socket, root: "/") ? "its socket exists but nobody answers" : "no socket"
            return [
                DoctorCheck(
                    "pcscd", .fail, "pcscd is unreachable on \(socketShown): \(running) (\(error.name))", fix: fix)
            ]
        default:
            return [
                DoctorCheck("pcscd", .fail, "pcscd on \(socketShown) failed: \(error)", fix: "journalctl -u pcscd")
            ]
        }
    }

    func readerCheck(index: Int, state: ReaderState) -> DoctorCheck {
        let name = "reader \(index)"
        if state.flags.contains(.mute) {
            return DoctorCheck(
                name, .warn, "\(state.reader): the card does not answer reset",
                fix: "take the card out and insert it again (contacts up, fully in); try another card")
        }
        guard state.isCardPresent else {
            return DoctorCheck(name, .pass, "\(state.reader): no card")
        }
        let atr = Hex.encode(state.atr, separator: " ")
        if let card = identify(state.atr) {
            return DoctorCheck(
                name, .pass, "\(state.reader): card present, ATR \(atr): \(card) (full identification: mynakit info)")
        }
        return DoctorCheck(
            name, .pass,
            "\(state.reader): card present, ATR \(atr): not a known My Number card ATR; contactless readers put "
                + "per-card bytes into the ATR, so run mynakit info to identify it")
    }

    // MARK: USB devices and the CCID driver

    /// The installed CCID driver: its bundle and the USB IDs its Info.plist lists.
    struct CCIDDriver {
        var bundle: String
        var version: String?
        var usbIDs: Set<String>
    }

    func ccidDriver() -> CCIDDriver? {
        for directory in Self.driverDirectories {
            let bundle = URL(fileURLWithPath: systemRoot).appendingPathComponent(directory)
                .appendingPathComponent("ifd-ccid.bundle")
            guard FileManager.default.fileExists(atPath: bundle.path) else { continue }
            let plist = bundle.appendingPathComponent("Contents/Info.plist")
            var driver = CCIDDriver(bundle: "/" + directory + "/ifd-ccid.bundle", version: nil, usbIDs: [])
            if let data = try? Data(contentsOf: plist), let info = CCIDInfoPlist.decode(data) {
                driver.version = info.version
                driver.usbIDs = info.usbIDs
            }
            return driver
        }
        return nil
    }

    func usbChecks(_ devices: [USBDevice]?, driver: CCIDDriver?, readerNames: [String]?) -> [DoctorCheck] {
        guard let devices else {
            return [
                DoctorCheck(
                    "usb", .warn,
                    "no USB bus in sysfs (\(displayPath(sysfsRoot, "sys/bus/usb/devices")) is missing): a container "
                        + "or a system without USB, so no reader can be checked",
                    fix: "run mynakit doctor on the host that has the reader")
            ]
        }
        var checks: [DoctorCheck] = []
        var others = 0
        for device in devices {
            if let known = KnownReaders.reader(vendorID: device.vendorID, productID: device.productID) {
                checks.append(knownReaderCheck(device, known, driver: driver, readerNames: readerNames))
            } else if device.hasCCIDInterface {
                let listed = driver?.usbIDs.contains(device.usbID) ?? false
                checks.append(
                    DoctorCheck(
                        "usb", listed ? .pass : .warn,
                        "\(device.usbID) \(device.label) at \(device.port): CCID-class reader not in MynaKit's table; "
                            + (listed ? "the installed CCID driver lists it" : "the installed CCID driver does not list it"),
                        fix: listed ? nil : "check the CCID driver's reader lists; a newer libccid may support it"))
            } else {
                others += 1
            }
        }
        let readers = checks.count
        checks.insert(
            DoctorCheck(
                "usb", readers == 0 ? .warn : .pass,
                "\(readers) smart-card reader\(readers == 1 ? "" : "s") among \(devices.count) USB device"
                    + "\(devices.count == 1 ? "" : "s") in \(displayPath(sysfsRoot, "sys/bus/usb/devices"))"
                    + (others > 0 ? " (\(others) other device\(others == 1 ? "" : "s") ignored)" : ""),
                fix: readers == 0 ? "plug in a reader from the table in udev/README.md (lsusb lists what is there)" : nil),
            at: 0)
        return checks
    }

    func knownReaderCheck(_ device: USBDevice, _ known: KnownReader, driver: CCIDDriver?, readerNames: [String]?)
        -> DoctorCheck
    {
        let head = "\(device.usbID) \(known.name) at \(device.port)"
        var notes = known.notes.isEmpty ? "" : " \(known.notes)"
        if known.shortAPDUsOnlyWithT0, known.notes.isEmpty { notes = " Short APDUs only with a T=0 card." }
        switch known.driver {
        case .none:
            return DoctorCheck(
                "usb", .fail, "\(head): no PC/SC support on Linux.\(notes)",
                fix: "use a CCID reader instead, e.g. Sony RC-S300/S (054c:0dc8) or RC-S300/P (054c:0dc9)")
        case .acsccid:
            return DoctorCheck(
                "usb", .warn, "\(head): needs \(known.needs).\(notes)",
                fix: "apt install libacsccid1; echo 'blacklist pn533_usb' > /etc/modprobe.d/mynakit-acr122u.conf")
        case .libccid:
            guard let driver else {
                return DoctorCheck(
                    "usb", .fail, "\(head): needs \(known.needs), which is not installed.\(notes)",
                    fix: "apt install libccid")
            }
            if !driver.usbIDs.contains(device.usbID) {
                return DoctorCheck(
                    "usb", .fail,
                    "\(head): the installed CCID driver \(driver.version ?? "") does not list \(device.usbID).\(notes)",
                    fix: "upgrade libccid (apt install libccid from a newer release, or build CCID from source)")
            }
            if let readerNames, let product = device.product,
                !readerNames.contains(where: { $0.lowercased().contains(product.lowercased()) })
            {
                return DoctorCheck(
                    "usb", .warn,
                    "\(head): driven by libccid, but pcscd lists no reader named like '\(product)'.\(notes)",
                    fix: "journalctl -u pcscd; check device permissions (udev rules) and replug the reader")
            }
            let access = known.ccidClassRuleGrantsAccess ? "" : " Vendor class: needs MynaKit's udev rules."
            return DoctorCheck("usb", .pass, "\(head): driven by libccid.\(access)\(notes)")
        }
    }

    func driverCheck(_ driver: CCIDDriver?, usb: [USBDevice]?) -> DoctorCheck {
        if let driver {
            let version = driver.version.map { " \($0)" } ?? ""
            return DoctorCheck(
                "ccid-driver", .pass,
                "libccid\(version) at \(driver.bundle), \(driver.usbIDs.count) USB IDs listed")
        }
        let needed = (usb ?? []).contains {
            KnownReaders.reader(vendorID: $0.vendorID, productID: $0.productID)?.driver == .libccid
                || $0.hasCCIDInterface
        }
        return DoctorCheck(
            "ccid-driver", needed ? .fail : .warn,
            "the CCID driver (ifd-ccid.bundle) is not installed in \(Self.driverDirectories.map { "/" + $0 }.joined(separator: ", "))",
            fix: "apt install libccid")
    }

    // MARK: udev rules

    func udevRulesCheck() -> DoctorCheck {
        for directory in Self.udevRuleDirectories {
            let path = "/" + directory + "/" + UdevRules.fileName
            let url = URL(fileURLWithPath: systemRoot).appendingPathComponent(directory)
                .appendingPathComponent(UdevRules.fileName)
            guard let data = try? Data(contentsOf: url) else { continue }
            if String(decoding: data, as: UTF8.self) == expectedUdevRules {
                return DoctorCheck("udev-rules", .pass, "\(path) is installed and current")
            }
            return DoctorCheck(
                "udev-rules", .warn, "\(path) differs from this version's rules",
                fix: "mynakit udev-rules > \(path) && udevadm control --reload-rules && udevadm trigger")
        }
        return DoctorCheck(
            "udev-rules", .warn,
            "MynaKit's udev rules (\(UdevRules.fileName)) are not installed: vendor-class readers may be "
                + "inaccessible to pcscd and USB autosuspend stays on",
            fix: "make install-udev (or: install -m 0644 udev/\(UdevRules.fileName) /etc/udev/rules.d/ && "
                + "udevadm control --reload-rules && udevadm trigger)")
    }

    // MARK: Files

    private func fileExists(_ path: String, root: String? = nil) -> Bool {
        let base = root ?? systemRoot
        return FileManager.default.fileExists(atPath: URL(fileURLWithPath: base).appendingPathComponent(path).path)
    }

    private func displayPath(_ root: String, _ relative: String) -> String {
        URL(fileURLWithPath: root).appendingPathComponent(relative).path
    }
}

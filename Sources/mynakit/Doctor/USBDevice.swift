//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import FoundationEssentials

/// A USB device as sysfs describes it (`/sys/bus/usb/devices/<port>/`).
struct USBDevice: Equatable, Sendable {
    /// The sysfs name, e.g. `1-2` or `3-1.4`.
    var port: String
    var vendorID: UInt16
    var productID: UInt16
    var manufacturer: String?
    var product: String?
    /// `bInterfaceClass` of every interface of the active configuration (`<port>:<config>.<n>/bInterfaceClass`).
    var interfaceClasses: [UInt8]

    var usbID: String { TextFormat.printf("%04x:%04x", vendorID, productID) }

    /// `SONY RC-S300/S` from the manufacturer and product strings, or the USB ID.
    var label: String {
        let words = [manufacturer, product].compactMap { $0 }.filter { !$0.isEmpty }
        return words.isEmpty ? usbID : words.joined(separator: " ")
    }

    var hasCCIDInterface: Bool { interfaceClasses.contains(0x0B) }

    /// Reads every device under `<root>/sys/bus/usb/devices`; `nil` when that directory does not exist (no USB
    /// bus in this system or container). Interfaces (`1-2:1.0`) and entries without `idVendor` are skipped.
    static func scan(sysfsRoot root: String) -> [USBDevice]? {
        let base = URL(fileURLWithPath: root).appendingPathComponent("sys/bus/usb/devices")
        let fileManager = FileManager.default
        guard let entries = try? fileManager.contentsOfDirectory(atPath: base.path) else { return nil }
        var devices: [USBDevice] = []
        for entry in entries.sorted() where !entry.contains(":") {
            let directory = base.appendingPathComponent(entry)
            guard let vendor = readHex(directory.appendingPathComponent("idVendor")),
                let product = readHex(directory.appendingPathComponent("idProduct"))
            else { continue }
            var classes: [UInt8] = []
            let children = (try? fileManager.contentsOfDirectory(atPath: directory.path)) ?? []
            for child in children.sorted() where child.hasPrefix(entry + ":") {
                let file = directory.appendingPathComponent(child).appendingPathComponent("bInterfaceClass")
                if let value = readHex(file), value <= 0xFF { classes.append(UInt8(value)) }
            }
            devices.append(
                USBDevice(
                    port: entry, vendorID: vendor, productID: product,
                    manufacturer: readString(directory.appendingPathComponent("manufacturer")),
                    product: readString(directory.appendingPathComponent("product")), interfaceClasses: classes))
        }
        return devices
    }

    private static func readString(_ url: URL) -> String? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        let text = TextFormat.trimmingWhitespace(String(decoding: data, as: UTF8.self))
        return text.isEmpty ? nil : text
    }

    private static func readHex(_ url: URL) -> UInt16? {
        readString(url).flatMap { UInt16($0, radix: 16) }
    }
}

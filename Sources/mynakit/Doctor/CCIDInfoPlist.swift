//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import FoundationEssentials

/// What the doctor reads from the CCID driver's `ifd-ccid.bundle/Contents/Info.plist`: the driver's version and the
/// USB IDs it lists (`ifdVendorID[i]` with `ifdProductID[i]`).
///
/// Decoded with FoundationEssentials' `PropertyListDecoder` (XML and binary plists), so the CLI needs no full
/// Foundation. A key that is missing or holds another type reads as absent or empty, and the other keys still count.
struct CCIDInfoPlist: Decodable, Equatable {
    var version: String?
    var vendorIDs: [String]
    var productIDs: [String]

    private enum CodingKeys: String, CodingKey {
        case version = "CFBundleShortVersionString"
        case vendorIDs = "ifdVendorID"
        case productIDs = "ifdProductID"
    }

    init(version: String?, vendorIDs: [String], productIDs: [String]) {
        self.version = version
        self.vendorIDs = vendorIDs
        self.productIDs = productIDs
    }

    init(from decoder: any Decoder) throws {
        let keys = try decoder.container(keyedBy: CodingKeys.self)
        version = try? keys.decode(String.self, forKey: .version)
        vendorIDs = (try? keys.decode([String].self, forKey: .vendorIDs)) ?? []
        productIDs = (try? keys.decode([String].self, forKey: .productIDs)) ?? []
    }

    /// The plist in `data`; `nil` when it is not a property list whose top level is a dictionary.
    static func decode(_ data: Data) -> CCIDInfoPlist? {
        try? PropertyListDecoder().decode(CCIDInfoPlist.self, from: data)
    }

    /// The listed USB IDs as `vvvv:pppp` (lower-case hex, as ``USBDevice/usbID``); pairs that are not 16-bit hex
    /// numbers (with or without `0x`) are skipped.
    var usbIDs: Set<String> {
        var ids: Set<String> = []
        for (vendor, product) in zip(vendorIDs, productIDs) {
            if let v = UInt16(vendor.lowercased().replacing("0x", with: ""), radix: 16),
                let p = UInt16(product.lowercased().replacing("0x", with: ""), radix: 16)
            {
                ids.insert(TextFormat.printf("%04x:%04x", v, p))
            }
        }
        return ids
    }
}

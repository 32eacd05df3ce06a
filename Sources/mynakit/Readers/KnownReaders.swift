//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// A USB smart-card reader sold or used in Japan, with what Linux needs to drive it through PC/SC.
///
/// The entries come from the CCID driver's reader lists (`readers/supported_readers.txt`, sections "supported",
/// "should work", "unsupported") and its udev rules; `mynakit doctor` matches the USB devices it finds in sysfs
/// against ``KnownReaders/all``, and `udev/95-mynakit-readers.rules` is rendered from the same table.
///
/// The table lives with the CLI because only the CLI reads it (`doctor`, `udev-rules`); the libraries work with any
/// reader pcscd offers and never look a reader up.
struct KnownReader: Sendable, Hashable {
    /// The USB interface class the reader's smart-card interface announces.
    enum InterfaceClass: UInt8, Sendable, Hashable {
        /// 0x0B, Chip Card Interface Device: any CCID driver can talk to it.
        case ccid = 0x0B
        /// 0xFF, vendor specific: only a driver that lists the reader's USB ID claims it.
        case vendorSpecific = 0xFF
    }

    /// The PC/SC reader driver (IFD handler) the reader needs under pcscd.
    enum Driver: String, Sendable, Hashable {
        /// The CCID driver, Debian/Ubuntu package `libccid` (`/usr/lib/pcsc/drivers/ifd-ccid.bundle`).
        case libccid
        /// ACS's own CCID driver, Debian/Ubuntu package `libacsccid1` (`ifd-acsccid.bundle`).
        case acsccid
        /// No PC/SC driver exists on Linux.
        case none
    }

    /// Vendor and model, as sold.
    var name: String
    var vendorID: UInt16
    var productID: UInt16
    var interfaceClass: InterfaceClass
    var driver: Driver
    /// Whether the CCID package's class rule (`ENV{ID_USB_INTERFACES}=="*:0b0000:*", GROUP="pcscd"`, CCID 2025 and
    /// later) already gives pcscd's group access to the device; when it does not, MynaKit's udev rules do.
    var ccidClassRuleGrantsAccess: Bool
    /// Contactless (ISO 14443 / FeliCa) rather than, or as well as, a contact slot.
    var contactless: Bool
    /// `dwMaxCCIDMessageLength` from the reader's CCID descriptor, when the CCID driver's reader notes record it.
    var maxCCIDMessageLength: Int?
    /// A TPDU reader that carries short APDUs only when the card speaks T=0 (a T=1 card gets block chaining).
    var shortAPDUsOnlyWithT0: Bool
    /// What a technician should know about the reader, in one or two sentences.
    var notes: String

    init(
        name: String, vendorID: UInt16, productID: UInt16, interfaceClass: InterfaceClass, driver: Driver,
        ccidClassRuleGrantsAccess: Bool, contactless: Bool, maxCCIDMessageLength: Int? = nil,
        shortAPDUsOnlyWithT0: Bool = false, notes: String = ""
    ) {
        self.name = name
        self.vendorID = vendorID
        self.productID = productID
        self.interfaceClass = interfaceClass
        self.driver = driver
        self.ccidClassRuleGrantsAccess = ccidClassRuleGrantsAccess
        self.contactless = contactless
        self.maxCCIDMessageLength = maxCCIDMessageLength
        self.shortAPDUsOnlyWithT0 = shortAPDUsOnlyWithT0
        self.notes = notes
    }

    /// `vvvv:pppp` in lower-case hex, as `lsusb` prints it and sysfs stores it.
    var usbID: String { "\(vendorHex):\(productHex)" }

    /// The vendor ID as four lower-case hex digits, as udev's `ATTR{idVendor}` matches it.
    var vendorHex: String { Self.hex4(vendorID) }

    /// The product ID as four lower-case hex digits, as udev's `ATTR{idProduct}` matches it.
    var productHex: String { Self.hex4(productID) }

    /// Whether pcscd can use the reader at all on Linux.
    var hasPCSCDriver: Bool { driver != .none }

    /// What the reader needs, in words, with the package that provides it.
    var needs: String {
        switch driver {
        case .libccid:
            return "the CCID driver (package libccid)"
        case .acsccid:
            return "ACS's acsccid driver (package libacsccid1) and the kernel's pn533_usb/nfc modules blacklisted"
        case .none:
            return "nothing that exists: there is no PC/SC driver for it on Linux"
        }
    }

    static func hex4(_ value: UInt16) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}

/// The table of known readers.
enum KnownReaders {
    /// Every known reader, in the order the udev rules list them.
    static let all: [KnownReader] = [
        // Sony (FeliCa Port / PaSoRi)
        KnownReader(
            name: "Sony RC-S300/S (PaSoRi)", vendorID: 0x054C, productID: 0x0DC8, interfaceClass: .ccid,
            driver: .libccid, ccidClassRuleGrantsAccess: true, contactless: true, maxCCIDMessageLength: 522,
            notes: "T=1, short and extended APDU exchange: reads a certificate in one READ BINARY."),
        KnownReader(
            name: "Sony RC-S300/P (PaSoRi)", vendorID: 0x054C, productID: 0x0DC9, interfaceClass: .ccid,
            driver: .libccid, ccidClassRuleGrantsAccess: true, contactless: true,
            notes: "Same family as the RC-S300/S."),
        KnownReader(
            name: "Sony RC-S660/U", vendorID: 0x054C, productID: 0x0D8F, interfaceClass: .ccid, driver: .libccid,
            ccidClassRuleGrantsAccess: true, contactless: true,
            notes: "FeliCa module reader; listed by CCID as \"should work\"."),
        KnownReader(
            name: "Sony RC-S380 (PaSoRi)", vendorID: 0x054C, productID: 0x06C3, interfaceClass: .vendorSpecific,
            driver: .none, ccidClassRuleGrantsAccess: false, contactless: true,
            notes: "Not a CCID reader: the kernel's port100 driver and libnfc claim it and there is no PC/SC path on "
                + "Linux (Sony's PC/SC activator is Windows-only). Replace it with an RC-S300/S or RC-S300/P."),
        // NTT Communications and SCM Microsystems / Identiv
        KnownReader(
            name: "NTT Com SCR3310-NTTCom", vendorID: 0x04E6, productID: 0x511A, interfaceClass: .vendorSpecific,
            driver: .libccid, ccidClassRuleGrantsAccess: false, contactless: false, maxCCIDMessageLength: 271,
            shortAPDUsOnlyWithT0: true,
            notes: "Vendor-class TPDU reader, T=0 and T=1: short APDUs only with a T=0 card."),
        KnownReader(
            name: "NTT Com SCR331-DI-NTTCom", vendorID: 0x04E6, productID: 0x5120, interfaceClass: .vendorSpecific,
            driver: .libccid, ccidClassRuleGrantsAccess: false, contactless: true,
            notes: "Vendor-class dual-interface reader; the CCID package lists it among its explicit udev lines."),
        KnownReader(
            name: "SCM Microsystems SCR 3310", vendorID: 0x04E6, productID: 0x5116, interfaceClass: .ccid,
            driver: .libccid, ccidClassRuleGrantsAccess: true, contactless: false,
            notes: "Listed by CCID as supported."),
        KnownReader(
            name: "SCM Microsystems SCR3310 USB", vendorID: 0x04E6, productID: 0x511F, interfaceClass: .ccid,
            driver: .libccid, ccidClassRuleGrantsAccess: true, contactless: false),
        KnownReader(
            name: "Identive CLOUD 2700 R", vendorID: 0x04E6, productID: 0x5810, interfaceClass: .ccid,
            driver: .libccid, ccidClassRuleGrantsAccess: true, contactless: false),
        KnownReader(
            name: "Identiv uTrust 2900 R", vendorID: 0x04E6, productID: 0x5811, interfaceClass: .ccid,
            driver: .libccid, ccidClassRuleGrantsAccess: true, contactless: false),
        KnownReader(
            name: "Identiv SCR3500 A", vendorID: 0x04E6, productID: 0x5814, interfaceClass: .ccid, driver: .libccid,
            ccidClassRuleGrantsAccess: true, contactless: false),
        KnownReader(
            name: "Identiv SCR3500 B", vendorID: 0x04E6, productID: 0x5815, interfaceClass: .ccid, driver: .libccid,
            ccidClassRuleGrantsAccess: true, contactless: false),
        KnownReader(
            name: "Identiv uTrust 3700 F", vendorID: 0x04E6, productID: 0x5790, interfaceClass: .ccid,
            driver: .libccid, ccidClassRuleGrantsAccess: true, contactless: true),
        // Advanced Card Systems
        KnownReader(
            name: "ACS ACR39U", vendorID: 0x072F, productID: 0xB100, interfaceClass: .ccid, driver: .libccid,
            ccidClassRuleGrantsAccess: true, contactless: false, maxCCIDMessageLength: 271,
            shortAPDUsOnlyWithT0: true, notes: "TPDU reader, T=0 and T=1."),
        KnownReader(
            name: "ACS ACR3901U", vendorID: 0x072F, productID: 0xB000, interfaceClass: .ccid, driver: .libccid,
            ccidClassRuleGrantsAccess: true, contactless: false),
        KnownReader(
            name: "ACS ACR1251 Dual", vendorID: 0x072F, productID: 0x221A, interfaceClass: .ccid, driver: .libccid,
            ccidClassRuleGrantsAccess: true, contactless: true,
            notes: "Two CCID interfaces: extended-APDU T=1, and short-APDU T=0/T=1."),
        KnownReader(
            name: "ACS ACR1252 Dual", vendorID: 0x072F, productID: 0x223B, interfaceClass: .ccid, driver: .libccid,
            ccidClassRuleGrantsAccess: true, contactless: true),
        KnownReader(
            name: "ACS ACR1252", vendorID: 0x072F, productID: 0x223E, interfaceClass: .ccid, driver: .libccid,
            ccidClassRuleGrantsAccess: true, contactless: true),
        KnownReader(
            name: "ACS ACR1252IMP", vendorID: 0x072F, productID: 0x2259, interfaceClass: .ccid, driver: .libccid,
            ccidClassRuleGrantsAccess: true, contactless: true),
        KnownReader(
            name: "ACS ACR1255U-J1", vendorID: 0x072F, productID: 0x223F, interfaceClass: .ccid, driver: .libccid,
            ccidClassRuleGrantsAccess: true, contactless: true),
        KnownReader(
            name: "ACS ACR122U", vendorID: 0x072F, productID: 0x2200, interfaceClass: .ccid, driver: .acsccid,
            ccidClassRuleGrantsAccess: true, contactless: true,
            notes: "The CCID driver lists it as unsupported (old firmware is refused); use ACS's acsccid and keep "
                + "the kernel's pn533_usb from claiming it."),
        // Japanese manufacturers
        KnownReader(
            name: "Panasonic 7A-Smart", vendorID: 0x04DA, productID: 0x117A, interfaceClass: .ccid,
            driver: .libccid, ccidClassRuleGrantsAccess: true, contactless: false, maxCCIDMessageLength: 271,
            shortAPDUsOnlyWithT0: true, notes: "TPDU reader, T=0 and T=1."),
        KnownReader(
            name: "Hitachi Biometric Reader", vendorID: 0x04A4, productID: 0x00C7, interfaceClass: .ccid,
            driver: .libccid, ccidClassRuleGrantsAccess: true, contactless: false),
        KnownReader(
            name: "Hitachi Portable Biometric Reader", vendorID: 0x04A4, productID: 0x00D4, interfaceClass: .ccid,
            driver: .libccid, ccidClassRuleGrantsAccess: true, contactless: false),
        KnownReader(
            name: "Fujitsu Smartcard Reader D323", vendorID: 0x0BF8, productID: 0x1024, interfaceClass: .ccid,
            driver: .libccid, ccidClassRuleGrantsAccess: true, contactless: false),
    ]

    /// The known reader with this USB ID, or `nil`.
    static func reader(vendorID: UInt16, productID: UInt16) -> KnownReader? {
        all.first { $0.vendorID == vendorID && $0.productID == productID }
    }
}

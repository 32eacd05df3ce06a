//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// Reader attributes for ``CardConnection/attribute(_:)`` (`SCARD_ATTR_*`).
public struct ReaderAttribute: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static var atrString: ReaderAttribute { ReaderAttribute(rawValue: PCSCBridge.attributeATR) }
    public static var vendorName: ReaderAttribute { ReaderAttribute(rawValue: PCSCBridge.attributeVendorName) }
    public static var vendorIFDType: ReaderAttribute { ReaderAttribute(rawValue: PCSCBridge.attributeVendorIFDType) }
    public static var vendorIFDVersion: ReaderAttribute {
        ReaderAttribute(rawValue: PCSCBridge.attributeVendorIFDVersion)
    }
    public static var channelID: ReaderAttribute { ReaderAttribute(rawValue: PCSCBridge.attributeChannelID) }
}

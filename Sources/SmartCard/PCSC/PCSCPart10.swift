//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// What PC/SC part 10 (reader features over `SCardControl`) tells about a reader.
///
/// A reader lists its features in answer to `CM_IOCTL_GET_FEATURE_REQUEST`: for each, a tag, the length 4 and the
/// big-endian control code that invokes it. `FEATURE_GET_TLV_PROPERTIES` answers with properties: a tag, a length and
/// a little-endian value. The CCID driver reports `dwMaxAPDUDataSize` there: `0x10000` for readers that carry
/// extended APDUs, `0` for short APDUs only (CCID `src/ifdhandler.c`).
enum PCSCPart10 {
    /// Finds `FEATURE_GET_TLV_PROPERTIES` among `features`, asks for the properties through `control` and returns
    /// `dwMaxAPDUDataSize`; `0` when the reader does not list the feature or the property.
    ///
    /// Malformed lists end the search instead of being read out of bounds.
    static func maxAPDUDataSize(features: [UInt8], control: (UInt32) throws -> [UInt8]) throws -> Int {
        var i = 0
        var code: UInt32?
        while i + 6 <= features.count {
            let tag = features[i]
            let length = Int(features[i + 1])
            guard length == 4 else { break }
            if tag == PCSCBridge.featureGetTLVProperties {
                code = features[(i + 2)..<(i + 6)].reduce(0) { $0 << 8 | UInt32($1) }
            }
            i += 2 + length
        }
        guard let code else { return 0 }
        let properties = try control(code)
        var j = 0
        while j + 2 <= properties.count {
            let tag = properties[j]
            let length = Int(properties[j + 1])
            guard j + 2 + length <= properties.count else { break }
            if tag == PCSCBridge.propertyMaxAPDUDataSize {
                return properties[(j + 2)..<(j + 2 + length)].reversed().reduce(0) { $0 << 8 | Int($1) }
            }
            j += 2 + length
        }
        return 0
    }
}

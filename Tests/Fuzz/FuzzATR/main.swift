//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// Fuzz target (b): the ATR parser and the historical bytes. Input: the ATR as the reader reports it.

import FuzzSupport
import SmartCard

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    ATRTarget.run(fuzzBytes(data, size))
    return 0
}

enum ATRTarget {
    static func run(_ bytes: [UInt8]) {
        if let atr = try? ATR(bytes: bytes) {
            fuzzCheck(atr.bytes == bytes, "bytes not kept")
            fuzzCheck(atr.historicalBytes.count == Int(bytes[1] & 0x0F), "historical byte count differs from T0")
            // Every byte is accounted for: TS T0, interface bytes, historical bytes, TCK, extra bytes.
            let interface = atr.interfaceBytes.reduce(0) { count, group in
                count + [group.ta, group.tb, group.tc, group.td].compactMap { $0 }.count
            }
            let accounted = 2 + interface + atr.historicalBytes.count + (atr.tck == nil ? 0 : 1) + atr.extraBytes.count
            fuzzCheck(accounted == bytes.count, "\(accounted) bytes accounted for, \(bytes.count) given")
            fuzzCheck((atr.tck == nil) == (atr.isChecksumValid == nil), "TCK and its check disagree")
            fuzzCheck(!atr.protocols.isEmpty, "no protocol")
            _ = atr.clockRateConversion
            _ = atr.extraGuardTime
            _ = atr.ifsc
            _ = atr.t1WaitingTimes
            _ = atr.usesCRC
            _ = atr.isContactlessPseudoATR
            if let historical = atr.historical { inspect(historical) }
            fuzzCheck((try? ATR(hex: Hex.encode(bytes, separator: " "))) == atr, "hex round trip")
        }
        // The historical-byte decoder also sees raw input of any length (a reader may hand over more than 15).
        if let historical = HistoricalBytes(bytes: bytes) { inspect(historical) }
        _ = CardCapabilities(bytes: bytes).summary
        // The same bytes as text, as `mynakit atr HEX` receives it.
        if let decoded = try? Hex.decode(String(decoding: bytes, as: UTF8.self)) {
            fuzzCheck((try? Hex.decode(Hex.encode(decoded, separator: " "))) == decoded, "hex text round trip")
            _ = try? ATR(bytes: decoded)
        }
    }

    static func inspect(_ historical: HistoricalBytes) {
        for object in historical.objects {
            fuzzCheck(object.value.count <= 15, "compact-TLV longer than 15 bytes")
            _ = object.name
        }
        _ = historical.countryCode
        if let capabilities = historical.cardCapabilities {
            _ = capabilities.summary
            fuzzCheck((1...8).contains(capabilities.logicalChannels), "logical channels")
        }
    }
}

FuzzDriver.main(name: "FuzzATR") { data, size in
    guard let data else { return 0 }
    return fuzz(data, size)
}

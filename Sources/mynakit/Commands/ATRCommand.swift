//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import MynaCard
import SmartCard

struct ATRCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "atr",
        abstract: "Decode an ATR: protocols, interface bytes, historical bytes, card capabilities, TCK, identification.",
        discussion: "Exit status 0 for a well-formed ATR, 64 for a truncated or malformed one (the reason is printed)."
    )

    @Argument(help: "The ATR in hex, spaces allowed: \"3B E0 00 FF 81 31 FE 45 14\".")
    var hex: [String]

    @OptionGroup var output: OutputOptions

    struct Decoded: Encodable {
        var atr: String
        var convention: String
        var protocols: [String]
        var interfaceBytes: [String]
        var historicalBytes: String
        var compactTLV: [String]
        var cardCapabilities: [String]
        var extendedLength: Bool
        var tck: String?
        var tckValid: Bool?
        var problems: [String]
        var card: String?
    }

    func run() async throws {
        try await Reporter.run(json: output.json) {
            let atr = try ATR(hex: hex.joined(separator: " "))
            let decoded = Self.decode(atr)
            if output.json {
                Reporter.printJSON(decoded)
            } else {
                print(Self.text(atr, decoded))
            }
            if !decoded.problems.isEmpty { throw ExitCode(ExitStatus.usage.rawValue) }
        }
    }

    static func decode(_ atr: ATR) -> Decoded {
        var interface: [String] = []
        for group in atr.interfaceBytes {
            let i = group.index
            if let ta = group.ta { interface.append("TA\(i) = \(Hex.encode([ta])) --> \(describeTA(ta, index: i, atr))") }
            if let tb = group.tb { interface.append("TB\(i) = \(Hex.encode([tb])) --> \(describeTB(tb, index: i, atr))") }
            if let tc = group.tc { interface.append("TC\(i) = \(Hex.encode([tc])) --> \(describeTC(tc, index: i, atr))") }
            if let td = group.td {
                interface.append("TD\(i) = \(Hex.encode([td])) --> Y(\(i + 1)): b\(String(td >> 4, radix: 2)), Protocol T = \(td & 0x0F)")
            }
        }
        var problems: [String] = []
        if atr.isChecksumValid == false {
            let expected = atr.bytes.dropFirst().dropLast().reduce(0, ^)
            problems.append("WRONG CHECKSUM: TCK is \(Hex.encode([atr.tck ?? 0])), expected \(Hex.encode([expected]))")
        }
        if !atr.extraBytes.isEmpty {
            problems.append("ATR is too long: \(atr.extraBytes.count) extra byte(s) \(Hex.encode(atr.extraBytes, separator: " "))")
        }
        let historical = atr.historical
        problems += historical?.problems ?? []
        let capabilities = historical?.cardCapabilities
        return Decoded(
            atr: Hex.encode(atr.bytes, separator: " "),
            convention: atr.convention.rawValue,
            protocols: atr.protocols.map { "T=\($0)" },
            interfaceBytes: interface,
            historicalBytes: Hex.encode(atr.historicalBytes, separator: " "),
            compactTLV: historical?.objects.map { "\($0.name): \(Hex.encode($0.value, separator: " "))" } ?? [],
            cardCapabilities: capabilities?.summary ?? [],
            extendedLength: capabilities?.supportsExtendedLength ?? false,
            tck: atr.tck.map { Hex.encode([$0]) },
            tckValid: atr.isChecksumValid,
            problems: problems,
            card: KnownATRs.identify(atr.bytes)
                ?? (atr.isContactlessPseudoATR ? "contactless card (PC/SC part 3 pseudo-ATR)" : nil)
        )
    }

    static func describeTA(_ value: UInt8, index: Int, _ atr: ATR) -> String {
        if index == 1 {
            let (fi, di, fMax) = atr.clockRateConversion
            guard let fi, let di else { return "Fi/Di RFU" }
            let rate = Int(Double(di) / Double(fi) * 4_000_000)
            return "Fi=\(fi), Di=\(di), \(fi / di) cycles/ETU (\(rate) bits/s at 4 MHz, fMax \(fMax ?? 0) MHz)"
        }
        if index == 2 {
            return "specific mode: protocol T=\(value & 0x0F)\(value & 0x80 != 0 ? ", unable to change" : ", able to change")"
        }
        if atr.interfaceBytes[index - 2].protocolAnnounced == 1 { return "IFSC: \(value)" }
        if atr.interfaceBytes[index - 2].protocolAnnounced == 15 {
            return "clock stop \(["not supported", "state L", "state H", "no preference"][Int(value >> 6)]), class \(["", "A", "B", "AB", "C", "AC", "BC", "ABC"][Int(value & 0x07)])"
        }
        return "protocol-specific"
    }

    static func describeTB(_ value: UInt8, index: Int, _ atr: ATR) -> String {
        if index <= 2 { return value == 0 ? "VPP is not electrically connected" : "programming parameters (deprecated)" }
        if atr.interfaceBytes[index - 2].protocolAnnounced == 1 {
            return "Block Waiting Integer: \(value >> 4), Character Waiting Integer: \(value & 0x0F)"
        }
        return "protocol-specific"
    }

    static func describeTC(_ value: UInt8, index: Int, _ atr: ATR) -> String {
        if index == 1 { return value == 255 ? "extra guard time: 255 (minimum, 11 etu / 12 for T=0)" : "extra guard time: \(value)" }
        if index == 2 { return "work waiting time: 960 x \(value) x (Fi/F)" }
        if atr.interfaceBytes[index - 2].protocolAnnounced == 1 {
            return "error detection code: \(value & 0x01 == 0 ? "LRC" : "CRC")"
        }
        return "protocol-specific"
    }

    static func text(_ atr: ATR, _ decoded: Decoded) -> String {
        var lines = ["ATR: \(decoded.atr)"]
        lines.append("+ TS = \(Hex.encode([atr.bytes[0]])) --> \(atr.convention == .direct ? "Direct" : "Inverse") Convention")
        lines.append("+ T0 = \(Hex.encode([atr.bytes[1]])), Y(1): b\(String(atr.bytes[1] >> 4, radix: 2)), K: \(atr.historicalBytes.count) (historical bytes)")
        lines += decoded.interfaceBytes.map { "  \($0)" }
        lines.append("+ Protocols: \(decoded.protocols.joined(separator: ", "))")
        lines.append("+ Historical bytes: \(decoded.historicalBytes.isEmpty ? "(none)" : decoded.historicalBytes)")
        if let historical = atr.historical {
            lines.append("  Category indicator byte: \(Hex.encode([historical.categoryIndicator])) (compact TLV data object)")
            for object in historical.objects {
                lines.append("    Tag: \(object.tag), len: \(object.value.count) (\(object.name)): \(Hex.encode(object.value, separator: " "))")
            }
            if let country = historical.countryCode { lines.append("    Country code: \(country)\(country == "392" ? " (Japan)" : "")") }
            if let status = historical.statusIndicator { lines.append("    Status indicator: \(Hex.encode(status, separator: " "))") }
            for capability in decoded.cardCapabilities { lines.append("      - \(capability)") }
        } else if !atr.historicalBytes.isEmpty {
            lines.append("  (proprietary format)")
        }
        if let tck = decoded.tck {
            lines.append("+ TCK = \(tck) \(decoded.tckValid == true ? "(correct checksum)" : "")")
        }
        for problem in decoded.problems { lines.append("! \(problem)") }
        lines.append("Extended length (card capabilities): \(decoded.extendedLength ? "yes" : "not announced")")
        lines.append("Possibly identified card: \(decoded.card ?? "unknown")")
        return lines.joined(separator: "\n")
    }
}

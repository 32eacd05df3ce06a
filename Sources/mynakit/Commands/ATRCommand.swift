//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import MynaCard
import SmartCard

struct ATRCommand: AsyncParsableCommand, GlobalOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "atr",
        abstract: "Decode an ATR: protocols, interface bytes, historical bytes, card capabilities, TCK, identification.",
        discussion: "Exit status 0 for a well-formed ATR, 64 for a truncated or malformed one (the reason is printed)."
    )

    @Argument(help: "The ATR in hex, spaces allowed: \"3B E0 00 FF 81 31 FE 45 14\".")
    var hex: [String]

    @OptionGroup var output: OutputOptions
    @OptionGroup var global: GlobalOptions

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
            output.emit(decoded) { Self.text(atr, $0) }
            if !decoded.problems.isEmpty { throw ExitCode(ExitStatus.usage.rawValue) }
        }
    }

    /// The fields of the report; the meaning of each byte comes from ``ATR`` itself (SmartCard's ATRInterpretation).
    static func decode(_ atr: ATR) -> Decoded {
        let historical = atr.historical
        let capabilities = historical?.cardCapabilities
        let interface = atr.interfaceByteMeanings.map { "\($0.name) = \(Hex.encode([$0.value])) --> \($0.meaning)" }
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
            problems: atr.problems,
            card: KnownATRs.identify(atr.bytes)
                ?? (atr.isContactlessPseudoATR ? "contactless card (PC/SC part 3 pseudo-ATR)" : nil)
        )
    }

    static func text(_ atr: ATR, _ decoded: Decoded) -> String {
        var lines = ["ATR: \(decoded.atr)"]
        lines.append("+ TS = \(Hex.encode([atr.bytes[0]])) --> \(atr.convention == .direct ? "Direct" : "Inverse") Convention")
        lines.append("+ T0 = \(Hex.encode([atr.bytes[1]])), \(atr.formatByteMeaning)")
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

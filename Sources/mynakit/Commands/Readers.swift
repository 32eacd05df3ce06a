//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import MynaCard
import SmartCard

struct Readers: AsyncParsableCommand, GlobalOptionsCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the smart-card readers, their card state and the card's ATR.",
        discussion: "Exit status 0 (also with no reader: the list is empty), 69 when pcscd is unreachable or denies access."
    )

    @OptionGroup var output: OutputOptions
    @OptionGroup var global: GlobalOptions

    struct Report: Encodable {
        var readers: [ReaderJSON]
    }

    struct ReaderJSON: Encodable {
        var index: Int
        var name: String
        var cardPresent: Bool
        /// The reader state as pcsc_scan words it ("Card inserted", "Shared Mode"): for people.
        var state: [String]
        /// The same state as stable codes, one per `SCARD_STATE_*` bit set: for programs.
        var stateCodes: [String]
        var atr: String?
        var card: String?
    }

    func run() async throws {
        try await Reporter.run(json: output.json) {
            let states = try await CardSession.readerStates()
            let rows = states.enumerated().map { index, state in
                ReaderJSON(
                    index: index, name: state.reader, cardPresent: state.isCardPresent, state: state.flags.phrases,
                    stateCodes: Self.codes(state.flags),
                    atr: state.atr.isEmpty ? nil : Hex.encode(state.atr, separator: " "),
                    card: state.atr.isEmpty ? nil : KnownATRs.identify(state.atr))
            }
            output.emit(Report(readers: rows)) { report in
                guard !report.readers.isEmpty else { return "No reader connected." }
                var lines: [String] = []
                for row in report.readers {
                    lines.append("\(row.index): \(row.name)")
                    lines.append("   state: \(row.state.joined(separator: ", "))")
                    if let atr = row.atr { lines.append("   ATR:   \(atr)\(row.card.map { "  (\($0))" } ?? "")") }
                }
                return lines.joined(separator: "\n")
            }
        }
    }

    /// The stable codes of the `SCARD_STATE_*` bits set in `flags`, in pcsc-lite's bit order.
    static func codes(_ flags: ReaderStateFlags) -> [String] {
        let names: [(ReaderStateFlags, String)] = [
            (.ignore, "ignore"), (.unknown, "unknown"), (.unavailable, "unavailable"), (.empty, "empty"),
            (.present, "present"), (.atrMatch, "atr-match"), (.exclusive, "exclusive"), (.inUse, "in-use"),
            (.mute, "mute"), (.unpowered, "unpowered"),
        ]
        return names.filter { flags.contains($0.0) }.map(\.1)
    }
}

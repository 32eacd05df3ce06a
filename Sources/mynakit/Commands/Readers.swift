//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import MynaCard
import SmartCard

struct Readers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the smart-card readers, their card state and the card's ATR.",
        discussion: "Exit status 0 (also with no reader: the list is empty), 69 when pcscd is unreachable or denies access."
    )

    @OptionGroup var output: OutputOptions

    struct ReaderJSON: Encodable {
        var index: Int
        var name: String
        var cardPresent: Bool
        var state: [String]
        var atr: String?
        var card: String?
    }

    func run() async throws {
        try await Reporter.run(json: output.json) {
            let states = try await PCSCContext().readerStates()
            let rows = states.enumerated().map { index, state in
                ReaderJSON(
                    index: index, name: state.reader, cardPresent: state.isCardPresent, state: state.flags.phrases,
                    atr: state.atr.isEmpty ? nil : Hex.encode(state.atr, separator: " "),
                    card: state.atr.isEmpty ? nil : KnownATRs.identify(state.atr))
            }
            if output.json {
                Reporter.printJSON(["readers": rows])
                return
            }
            if rows.isEmpty {
                print("No reader connected.")
                return
            }
            for row in rows {
                print("\(row.index): \(row.name)")
                print("   state: \(row.state.joined(separator: ", "))")
                if let atr = row.atr {
                    print("   ATR:   \(atr)\(row.card.map { "  (\($0))" } ?? "")")
                }
            }
        }
    }
}

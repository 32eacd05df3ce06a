//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import MynaCard
import SmartCard

struct APDUCommand: AsyncParsableCommand, CardCommand {
    static let configuration = CommandConfiguration(
        commandName: "apdu",
        abstract: "Send raw APDUs in one transaction and print each response (for technicians).",
        discussion: """
            Each argument is one command APDU in hex ("00A4040C0A\(Hex.encode(JPKIApplet.aid))"). 61xx and 6Cxx \
            are handled as everywhere else. A VERIFY typed here would put a PIN on the command line: this command \
            refuses VERIFY, CHANGE REFERENCE DATA and RESET RETRY COUNTER with data; use 'mynakit pin verify'.
            """
    )

    @Argument(help: "Command APDUs in hex.")
    var apdus: [String]

    @OptionGroup var card: CardOptions
    @OptionGroup var output: OutputOptions

    struct Exchange: Encodable {
        var command: String
        var data: String
        var sw: String
        var meaning: String
    }

    struct APDUReport: Encodable {
        var reader: String
        var exchanges: [Exchange]
    }

    func run() async throws {
        try await Reporter.run(json: output.json) {
            let commands = try apdus.map { try CommandAPDU(bytes: Hex.decode($0)) }
            if let secret = commands.first(where: { $0.isPINCommand && !$0.data.isEmpty }) {
                throw CommandFailure(
                    status: .usage, code: "usage",
                    message: "refusing INS \(Hex.encode([secret.ins])) with data: PINs never go on the command line")
            }
            let outcome = try await CardSession.withChannel(card) { channel in
                try commands.map { command in
                    let response = try channel.transmit(command)
                    return Exchange(
                        command: Hex.encode(command.bytes, separator: " "),
                        data: Hex.encode(response.data, separator: " "),
                        sw: Hex.encode([response.statusWord.sw1, response.statusWord.sw2]),
                        meaning: response.statusWord.meaning)
                }
            }
            output.emit(APDUReport(reader: outcome.reader, exchanges: outcome.value)) { report in
                report.exchanges.map { exchange in
                    "> \(exchange.command)\n"
                        + "< \(exchange.data.isEmpty ? "" : exchange.data + " ")\(exchange.sw) (\(exchange.meaning))"
                }.joined(separator: "\n")
            }
        }
    }
}

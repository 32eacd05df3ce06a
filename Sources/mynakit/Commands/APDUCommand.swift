//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import SmartCard

struct APDUCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apdu",
        abstract: "Send raw APDUs in one transaction and print each response (for technicians).",
        discussion: """
            Each argument is one command APDU in hex ("00A4040C0AD392F000260100000001"). 61xx and 6Cxx are handled \
            as everywhere else. A VERIFY typed here would put a PIN on the command line: this command refuses \
            VERIFY, CHANGE REFERENCE DATA and RESET RETRY COUNTER with data; use 'mynakit pin verify'.
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
            let reader = try await card.resolveReader()
            let connection = try await CardConnection.connect(reader: reader)
            let exchanges = try await connection.withTransaction(tracer: card.tracer) { channel in
                try commands.map { command in
                    let response = try channel.transmit(command)
                    return Exchange(
                        command: Hex.encode(command.bytes, separator: " "), data: Hex.encode(response.data, separator: " "),
                        sw: Hex.encode([response.statusWord.sw1, response.statusWord.sw2]),
                        meaning: response.statusWord.meaning)
                }
            }
            try? await connection.disconnect()
            if output.json {
                Reporter.printJSON(APDUReport(reader: reader, exchanges: exchanges))
                return
            }
            for exchange in exchanges {
                print("> \(exchange.command)")
                print("< \(exchange.data.isEmpty ? "" : exchange.data + " ")\(exchange.sw) (\(exchange.meaning))")
            }
        }
    }
}

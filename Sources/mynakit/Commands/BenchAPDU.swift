//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Dispatch
import FoundationEssentials
import MynaCard
import SmartCard

struct BenchAPDU: AsyncParsableCommand, CardCommand {
    static let configuration = CommandConfiguration(
        commandName: "apdu",
        abstract: "N READ BINARY round trips through the library; prints '<rate> apdu/s'.",
        discussion: """
            Selects the application (--aid) and the EF (--file), then sends READ BINARY 00 B0 00 00 <--le> --count \
            times in one transaction through CardConnection and CardChannel. The C baseline \
            (CBaselinePCSC) sends the same APDUs; scripts/bench-apdu.sh runs both side by side.
            """
    )

    @Option(help: "Number of READ BINARY round trips.")
    var count = 2000

    @Option(help: "Application to select (hex). Default: the JPKI applet.")
    var aid = Hex.encode(JPKIApplet.aid)

    @Option(help: "EF to read (hex FID). Default: the authentication certificate.")
    var file = TextFormat.printf("%04X", JPKIApplet.EF.authenticationCertificate)

    @Option(help: "Le of each READ BINARY (hex, 00 = 256).")
    var le = "00"

    @OptionGroup var card: CardOptions
    @OptionGroup var output: OutputOptions

    /// `--json`: the READ BINARY round trips timed, their seconds and the rate.
    struct Report: Encodable {
        var count: Int
        var seconds: Double
        var apduPerSecond: Double
        var reader: String
    }

    func run() async throws {
        try await Reporter.run(json: output.json) {
            guard count > 0 else { throw CommandFailure(status: .usage, code: "usage", message: "--count must be positive") }
            let aidBytes = try Hex.decode(aid)
            let fid = try Hex.decode(file)
            let leByte = try Hex.decode(le)
            guard fid.count == 2, leByte.count == 1 else {
                throw CommandFailure(status: .usage, code: "usage", message: "--file takes 2 bytes, --le 1 byte")
            }
            let readBinary = try CommandAPDU.readBinary(offset: 0, expectedLength: leByte[0] == 0 ? 256 : Int(leByte[0]))
            let selectApplication = try CommandAPDU.selectApplication(aid: aidBytes)
            let selectEF = CommandAPDU.selectEF(UInt16(fid[0]) << 8 | UInt16(fid[1]))
            let count = self.count
            let outcome = try await CardSession.withChannel(card) { channel in
                try channel.transmit(selectApplication).requireSuccess("SELECT application")
                try channel.transmit(selectEF).requireSuccess("SELECT EF")
                // Only the READ BINARY loop is timed, as in the C baseline.
                let start = DispatchTime.now().uptimeNanoseconds
                for _ in 0..<count {
                    let response = try channel.transmit(readBinary)
                    guard response.statusWord.isSuccess || response.statusWord == .endOfFileReached else {
                        throw CardError(.unexpectedStatus, "READ BINARY answered \(response.statusWord)")
                    }
                }
                return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            }
            let seconds = outcome.value
            let rate = Double(count) / seconds
            if output.json {
                Reporter.printJSON(Report(count: count, seconds: seconds, apduPerSecond: rate, reader: outcome.reader))
            } else {
                print(TextFormat.printf("%.1f apdu/s", rate))
            }
        }
    }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import MynaCard
import SmartCard

struct Info: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Identify the card: applets, token, PIN tries left (no try spent), extended-length support.",
        discussion: "Exit status 3 when there is no card or it is not a My Number card."
    )

    @OptionGroup var card: CardOptions
    @OptionGroup var output: OutputOptions

    struct Report: Encodable {
        struct Tries: Encodable {
            var triesLeft: Int
            var maximumTries: Int
            var blocked: Bool
        }
        var reader: String
        var atr: String
        var token: String?
        var jpkiApplet: Bool
        var cardInfoApplet: Bool
        var authPIN: Tries?
        var signPassword: Tries?
        var cardInfoPIN: Tries?
        var cardExtendedLength: Bool
        var readerMaxAPDUDataSize: Int
        var usesExtendedLength: Bool
        var apduCount: Int
    }

    func run() async throws {
        try await Reporter.run(json: output.json) {
            let outcome = try await CardSession.run(card) { card in
                (try card.identify(), card.channel.transport.atr)
            }
            let (identification, atr) = outcome.value
            func tries(_ status: PINStatus?) -> Report.Tries? {
                status.map { Report.Tries(triesLeft: $0.triesLeft, maximumTries: $0.maximumTries, blocked: $0.isBlocked) }
            }
            let report = Report(
                reader: outcome.reader, atr: Hex.encode(atr, separator: " "),
                token: identification.token.map(String.init(describing:)), jpkiApplet: identification.hasJPKI,
                cardInfoApplet: identification.hasCardInfo, authPIN: tries(identification.authenticationPIN),
                signPassword: tries(identification.signingPassword), cardInfoPIN: tries(identification.cardInfoPIN),
                cardExtendedLength: identification.profile.cardSupportsExtendedLength,
                readerMaxAPDUDataSize: identification.profile.readerMaxAPDUDataSize,
                usesExtendedLength: identification.profile.usesExtendedLength, apduCount: outcome.apduCount)
            if output.json {
                Reporter.printJSON(report)
                return
            }
            print("reader:        \(report.reader)")
            print("ATR:           \(report.atr)")
            print("card:          \(report.token ?? "unknown")")
            print("applets:       JPKI \(report.jpkiApplet ? "yes" : "no"), card-info input support \(report.cardInfoApplet ? "yes" : "no")")
            for (name, value) in [("auth PIN", report.authPIN), ("sign password", report.signPassword), ("card-info PIN", report.cardInfoPIN)] {
                guard let value else { continue }
                let label = (name + ":").padding(toLength: 15, withPad: " ", startingAt: 0)
                print("\(label)\(value.triesLeft) of \(value.maximumTries) tries left\(value.blocked ? " (BLOCKED)" : "")")
            }
            print("extended APDU: card \(report.cardExtendedLength ? "yes" : "no"), reader max \(report.readerMaxAPDUDataSize) -> \(report.usesExtendedLength ? "whole-EF reads" : "short APDUs")")
        }
    }
}

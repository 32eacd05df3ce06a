//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import MynaCard

struct MyNumberCommand: AsyncParsableCommand, CardCommand {
    static let configuration = CommandConfiguration(
        commandName: "mynumber",
        abstract: "Read the My Number (check digit validated) and the four basic attributes (card-info PIN).",
        discussion: "The output is personal data: do not log it. --trace shows only the lengths of these responses."
    )

    @OptionGroup var card: CardOptions
    @OptionGroup var pin: PINOptions
    @OptionGroup var output: OutputOptions

    @Flag(help: "Show all 12 digits of the My Number (default: only the last 4, as on a receipt).")
    var reveal = false

    struct Report: Encodable {
        /// The 12 digits with `--reveal`, else `********` and the last 4.
        var myNumber: String
        var myNumberMasked: Bool
        var name: String
        var address: String
        var birthDate: String
        var sex: SexReport
    }

    /// ISO 5218 code and an English label: `{"code": "2", "label": "female"}`.
    struct SexReport: Encodable {
        var code: String
        var label: String

        init(_ sex: Sex) {
            code = sex.code
            switch sex {
            case .male: label = "male"
            case .female: label = "female"
            case .notApplicable: label = "not applicable"
            case .other: label = "unknown"
            }
        }
    }

    func run() async throws {
        try await Reporter.run(json: output.json) {
            _ = try OutputTarget.prepare("-")  // the result goes to stdout: it must be open before a PIN is spent
            let secret = try pin.readPIN(.cardInfo)
            let allowLastTry = pin.allowLastTry
            let outcome = try await CardSession.run(card) { card in
                try card.cardInfo.read(pin: secret, allowLastTry: allowLastTry)
            }
            let (number, attributes) = outcome.value
            let digits = number.digits
            let report = Report(
                myNumber: reveal ? digits : String(repeating: "*", count: 8) + digits.suffix(4), myNumberMasked: !reveal,
                name: attributes.name, address: attributes.address, birthDate: attributes.birthDate,
                sex: SexReport(attributes.sex))
            output.emit(report) { report in
                """
                My Number:  \(report.myNumber)
                name:       \(report.name)
                address:    \(report.address)
                birth date: \(report.birthDate)
                sex:        \(report.sex.label) (\(report.sex.code))
                """
            }
        }
    }
}

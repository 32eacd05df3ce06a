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

    struct Report: Encodable {
        var myNumber: String
        var name: String
        var address: String
        var birthDate: String
        var sex: String
    }

    func run() async throws {
        try await Reporter.run(json: output.json) {
            let secret = try pin.readPIN(.cardInfo)
            let allowLastTry = pin.allowLastTry
            let outcome = try await CardSession.run(card) { card in
                try card.cardInfo.read(pin: secret, allowLastTry: allowLastTry)
            }
            let (number, attributes) = outcome.value
            let sex: String
            switch attributes.sex {
            case .male: sex = "male (1)"
            case .female: sex = "female (2)"
            case .notApplicable: sex = "not applicable (9)"
            case .other(let code): sex = "unknown code '\(code)'"
            }
            let report = Report(
                myNumber: number.digits, name: attributes.name, address: attributes.address,
                birthDate: attributes.birthDate, sex: sex)
            output.emit(report) { report in
                """
                My Number:  \(report.myNumber)
                name:       \(report.name)
                address:    \(report.address)
                birth date: \(report.birthDate)
                sex:        \(report.sex)
                """
            }
        }
    }
}

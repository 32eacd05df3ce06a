//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import MynaCard
import MynaVerify

struct MyNumberCommand: AsyncParsableCommand, CardCommand {
    static let configuration = CommandConfiguration(
        commandName: "mynumber",
        abstract: "Read the My Number (check digit validated) and the four basic attributes (card-info PIN).",
        discussion: """
            The output is personal data: do not log it. --trace shows only the lengths of these responses. The My \
            Number is masked (last 4 digits) unless --reveal. --verify-authenticity also reads the applet's digests \
            and card-verifiable certificate and checks the card's signature over the My Number and the four \
            attributes up to a CA key (built in, or --card-ca FILE); exit 5 when the data is not authentic or its CA \
            key is unknown.
            """
    )

    @OptionGroup var card: CardOptions
    @OptionGroup var pin: PINOptions
    @OptionGroup var output: OutputOptions

    @Flag(help: "Show all 12 digits of the My Number (default: only the last 4, as on a receipt).")
    var reveal = false

    @Flag(help: "Check the card's signature over the My Number and the attributes (exit 5 when not authentic).")
    var verifyAuthenticity = false

    @OptionGroup var cardCA: CardCAOptions

    func validate() throws {
        if !cardCA.files.isEmpty && !verifyAuthenticity { throw ValidationError("--card-ca goes with --verify-authenticity") }
    }

    struct Report: Encodable {
        /// `********` and the last 4 digits, always.
        var myNumberMasked: String
        /// All 12 digits, only with `--reveal`.
        var myNumber: String?
        var name: String
        var address: String
        var birthDate: String
        var sex: SexReport
        /// With `--verify-authenticity`.
        var authenticity: AuthenticityJSON?
        var apduCount: Int
        var reader: String
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
            let table = verifyAuthenticity ? try cardCA.table() : nil
            let secret = try pin.readPIN(.cardInfo)
            let allowLastTry = pin.allowLastTry
            let withEvidence = verifyAuthenticity
            let outcome = try await CardSession.run(card) { card -> (MyNumber, BasicAttributes, CardDataEvidence?) in
                if withEvidence {
                    let read = try card.cardInfo.readWithEvidence(pin: secret, allowLastTry: allowLastTry)
                    return (read.myNumber, read.attributes, read.evidence)
                }
                let (number, attributes) = try card.cardInfo.read(pin: secret, allowLastTry: allowLastTry)
                return (number, attributes, nil)
            }
            let (number, attributes, evidence) = outcome.value
            let authenticity = both(table, evidence).map { AuthenticityJSON(CardDataAuthenticity(caKeys: $0).verify($1)) }
            let report = Report(
                myNumberMasked: number.masked, myNumber: reveal ? number.digits : nil, name: attributes.name,
                address: attributes.address, birthDate: attributes.birthDate, sex: SexReport(attributes.sex),
                authenticity: authenticity, apduCount: outcome.apduCount, reader: outcome.reader)
            output.emit(report) { report in
                var lines = [
                    "My Number:  \(report.myNumber ?? report.myNumberMasked)", "name:       \(report.name)",
                    "address:    \(report.address)", "birth date: \(report.birthDate)",
                    "sex:        \(report.sex.label) (\(report.sex.code))",
                ]
                lines += report.authenticity?.lines ?? []
                return lines.joined(separator: "\n")
            }
            if let authenticity, authenticity.verdict != AuthenticityReport.Verdict.authentic.rawValue {
                throw ExitCode(ExitStatus.verificationFailed.rawValue)
            }
        }
    }
}

/// Both values when both are there.
private func both<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import MynaCard

struct Pin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "PIN tries left, and PIN verification that never spends the last try unless told.",
        subcommands: [PinStatus.self, PinVerify.self]
    )
}

struct PinStatus: AsyncParsableCommand, CardCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Tries left on the authentication PIN, signing password and card-info PIN (no try is spent)."
    )

    @OptionGroup var card: CardOptions
    @OptionGroup var output: OutputOptions

    struct Report: Encodable {
        var pins: [PINTriesReport]
    }

    func run() async throws {
        try await Reporter.run(json: output.json) {
            let outcome = try await CardSession.run(card) { card in
                var statuses = [try card.jpki.pinStatus(.authentication), try card.jpki.pinStatus(.signing)]
                do {
                    statuses.append(try card.cardInfo.pinStatus())
                } catch let error as MynaCardError where error.code == .fileNotFound {
                    // A card without the card-info applet (the older resident registry card).
                }
                return statuses
            }
            let report = Report(pins: outcome.value.map { PINTriesReport($0) })
            output.emit(report) { report in
                report.pins.map { $0.line(label: $0.kind + ":", width: 11) }.joined(separator: "\n")
            }
        }
    }
}

struct PinVerify: AsyncParsableCommand, CardCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a PIN. With one try left, refuses unless --allow-last-try; a blocked PIN is not sent.",
        discussion: "Exit status 4 when the PIN is wrong, blocked, or the last try was refused."
    )

    @Option(help: "auth, sign or card-info.")
    var kind: PINKind

    @OptionGroup var card: CardOptions
    @OptionGroup var pin: PINOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await Reporter.run(json: output.json) {
            _ = try OutputTarget.prepare("-")  // the result goes to stdout: it must be open before a PIN is spent
            let secret = try pin.readPIN(kind)
            let kind = self.kind
            let allowLastTry = pin.allowLastTry
            let outcome = try await CardSession.run(card) { card in
                switch kind {
                case .cardInfo: try card.cardInfo.verify(secret, allowLastTry: allowLastTry)
                case .authentication, .signing: try card.jpki.verify(secret, allowLastTry: allowLastTry)
                }
            }
            let report = Report(verified: true, kind: kind.rawValue, apduCount: outcome.apduCount, reader: outcome.reader)
            output.emit(report) { _ in "PIN verified (\(kind.displayName))" }
        }
    }

    /// A verified PIN (every failure is an error document instead).
    struct Report: Encodable {
        var verified: Bool
        var kind: String
        var apduCount: Int
        var reader: String
    }
}

/// The tries left on one PIN, as `pin status` and `info` report them: `auth`, `sign` or `card-info`, as everywhere.
struct PINTriesReport: Encodable {
    var kind: String
    var triesLeft: Int
    var maximumTries: Int
    var blocked: Bool

    init(_ status: PINStatus) {
        kind = status.kind.rawValue
        triesLeft = status.triesLeft
        maximumTries = status.maximumTries
        blocked = status.isBlocked
    }

    /// `label`, padded to `width`, then `N of M tries left` and `(BLOCKED)` when it is.
    func line(label: String, width: Int) -> String {
        TextFormat.padded(label, toWidth: width)
            + "\(triesLeft) of \(maximumTries) tries left\(blocked ? " (BLOCKED)" : "")"
    }
}

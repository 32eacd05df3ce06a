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

/// `--kind` of `pin verify`.
enum PINKindArgument: String, ExpressibleByArgument, CaseIterable {
    case auth, sign
    case cardInfo = "card-info"

    var kind: PINKind {
        switch self {
        case .auth: .authentication
        case .sign: .signing
        case .cardInfo: .cardInfo
        }
    }
}

struct PinStatus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Tries left on the authentication PIN, signing password and card-info PIN (no try is spent)."
    )

    @OptionGroup var card: CardOptions
    @OptionGroup var output: OutputOptions

    struct Entry: Encodable {
        var kind: String
        var triesLeft: Int
        var maximumTries: Int
        var blocked: Bool
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
            let entries = outcome.value.map {
                Entry(kind: $0.kind.rawValue, triesLeft: $0.triesLeft, maximumTries: $0.maximumTries, blocked: $0.isBlocked)
            }
            if output.json {
                Reporter.printJSON(["pins": entries])
                return
            }
            for entry in entries {
                let label = (entry.kind + ":").padding(toLength: 11, withPad: " ", startingAt: 0)
                print("\(label)\(entry.triesLeft) of \(entry.maximumTries) tries left\(entry.blocked ? " (BLOCKED)" : "")")
            }
        }
    }
}

struct PinVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a PIN. With one try left, refuses unless --allow-last-try; a blocked PIN is not sent.",
        discussion: "Exit status 4 when the PIN is wrong, blocked, or the last try was refused."
    )

    @Option(help: "auth, sign or card-info.")
    var kind: PINKindArgument

    @OptionGroup var card: CardOptions
    @OptionGroup var pin: PINOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await Reporter.run(json: output.json) {
            let secret = try pin.readPIN(kind.kind)
            let kind = self.kind.kind
            let allowLastTry = pin.allowLastTry
            let outcome = try await CardSession.run(card) { card in
                switch kind {
                case .cardInfo: try card.cardInfo.verify(secret, allowLastTry: allowLastTry)
                case .authentication, .signing: try card.jpki.verify(secret, allowLastTry: allowLastTry)
                }
            }
            if output.json {
                Reporter.printJSON(["verified": "true", "kind": kind.rawValue, "apduCount": "\(outcome.apduCount)"])
            } else {
                print("PIN verified (\(kind.displayName))")
            }
        }
    }
}

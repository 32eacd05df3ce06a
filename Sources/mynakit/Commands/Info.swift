//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import MynaCard
import SmartCard

struct Info: AsyncParsableCommand, CardCommand {
    static let configuration = CommandConfiguration(
        abstract: "Identify the card: applets, token, PIN tries left (no try spent), extended-length support.",
        discussion: "Exit status 3 when there is no card or it is not a My Number card."
    )

    @OptionGroup var card: CardOptions
    @OptionGroup var output: OutputOptions

    struct Report: Encodable {
        var reader: String
        var atr: String
        /// The JPKI token for people: `My Number card (JPKIAPICCTOKEN2)`.
        var token: String?
        /// The same token as a stable code: `my-number-card`, `resident-registry-card`, `smartphone` or `other`.
        var tokenCode: String?
        var jpkiApplet: Bool
        var cardInfoApplet: Bool
        var authPIN: PINTriesReport?
        var signPassword: PINTriesReport?
        var cardInfoPIN: PINTriesReport?
        var cardExtendedLength: Bool
        var readerMaxAPDUDataSize: Int
        var usesExtendedLength: Bool
        var extendedLength: ExtendedLengthReport
        var apduCount: Int
    }

    /// `"extendedLength": {"policy":"on","card":true,"reader":0,"used":true}`: the `--extended` policy, what the ATR
    /// announces, the reader's `dwMaxAPDUDataSize` and the decision.
    struct ExtendedLengthReport: Encodable {
        var policy: String
        var card: Bool
        var reader: Int
        var used: Bool

        init(_ profile: CardProfile) {
            policy = profile.extendedLength.rawValue
            card = profile.cardSupportsExtendedLength
            reader = profile.readerMaxAPDUDataSize
            used = profile.usesExtendedLength
        }
    }

    func run() async throws {
        try await Reporter.run(json: output.json) {
            let outcome = try await CardSession.run(card) { card in
                (try card.identify(), card.channel.transport.atr)
            }
            let (identification, atr) = outcome.value
            func tries(_ status: PINStatus?) -> PINTriesReport? { status.map { PINTriesReport($0) } }
            let report = Report(
                reader: outcome.reader, atr: Hex.encode(atr, separator: " "),
                token: identification.token.map(String.init(describing:)),
                tokenCode: identification.token.map(Self.code), jpkiApplet: identification.hasJPKI,
                cardInfoApplet: identification.hasCardInfo, authPIN: tries(identification.authenticationPIN),
                signPassword: tries(identification.signingPassword), cardInfoPIN: tries(identification.cardInfoPIN),
                cardExtendedLength: identification.profile.cardSupportsExtendedLength,
                readerMaxAPDUDataSize: identification.profile.readerMaxAPDUDataSize,
                usesExtendedLength: identification.profile.usesExtendedLength,
                extendedLength: ExtendedLengthReport(identification.profile), apduCount: outcome.apduCount)
            output.emit(report) { $0.text }
        }
    }

    /// The stable code of a JPKI token (`tokenCode`).
    static func code(_ token: JPKIToken) -> String {
        switch token {
        case .myNumberCard: "my-number-card"
        case .residentRegistryCard: "resident-registry-card"
        case .smartphone: "smartphone"
        case .other: "other"
        }
    }
}

extension Info.Report {
    var text: String {
        var lines = [
            "reader:        \(reader)",
            "ATR:           \(atr)",
            "card:          \(token ?? "unknown")",
            "applets:       JPKI \(jpkiApplet ? "yes" : "no"), card-info input support \(cardInfoApplet ? "yes" : "no")",
        ]
        for (name, tries) in [("auth PIN", authPIN), ("sign password", signPassword), ("card-info PIN", cardInfoPIN)] {
            if let tries { lines.append(tries.line(label: name + ":", width: 15)) }
        }
        let reads = usesExtendedLength ? "whole-EF reads" : "short APDUs"
        lines.append(
            "extended APDU: card \(cardExtendedLength ? "yes" : "no"), reader max \(readerMaxAPDUDataSize), "
                + "--extended \(extendedLength.policy) -> \(reads)")
        return lines.joined(separator: "\n")
    }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import ArgumentParser
import FoundationEssentials
import Logging
import MynaCard
import SmartCard

/// `--extended`: auto, on, off (the policy's raw values).
extension CardProfile.ExtendedLengthPolicy: ExpressibleByArgument {}

/// `--reader` (`-r`), `--extended`, `--trace` and `--timeout`, shared by every command that talks to a card, with
/// the global options.
struct CardOptions: ParsableArguments {
    @Option(
        name: [.long, .customShort("r")],
        help: "Reader name or index from 'mynakit readers' (default: the first reader holding a card).",
        completion: .custom(ReaderCompletion.candidates))
    var reader: String?

    @Option(
        help: ArgumentHelp(
            "Extended-length APDUs: auto (when the ATR announces them and the reader reports dwMaxAPDUDataSize > "
                + "256), on (when the ATR announces them, even if the reader reports nothing, e.g. vpcd) or off "
                + "(short APDUs only). Commands that send their own APDUs (apdu, bench apdu) ignore it.",
            valueName: "auto|on|off"))
    var extended: CardProfile.ExtendedLengthPolicy = .automatic

    @Flag(help: "Print every APDU and status word with its time on stderr (VERIFY data shown as **).")
    var trace = false

    @Option(help: "Give up when the card flow takes longer than this many seconds (checked before each APDU).")
    var timeout: Double?

    @OptionGroup var global: GlobalOptions

    var timeoutDuration: Duration? { timeout.map { .milliseconds(Int($0 * 1000)) } }

    /// The card profile for a session on `channel`: its ATR and reader limit under the `--extended` policy.
    func profile(for channel: CardChannel) -> CardProfile {
        CardProfile(
            atr: channel.transport.atr, readerMaxAPDUDataSize: channel.transport.maxAPDUDataSize,
            extendedLength: extended)
    }

    /// The reader to use: the named one, the one at the index, or the first with a card.
    ///
    /// - Throws: a failure with exit status 3 when there is no reader, no such reader, or no card.
    func resolveReader(logger: Logger) async throws -> String {
        let states = try await CardSession.readerStates()
        guard !states.isEmpty else {
            throw CommandFailure(status: .noCard, code: "no-reader", message: "no smart-card reader is connected")
        }
        if let reader {
            if let index = Int(reader), states.indices.contains(index) { return states[index].reader }
            if let state = states.first(where: { $0.reader == reader }) { return state.reader }
            throw CommandFailure(
                status: .noCard, code: "unknown-reader",
                message: "no reader '\(reader)'; readers: \(states.map(\.reader).joined(separator: ", "))")
        }
        if let first = states.first(where: \.isCardPresent) {
            logger.debug("no --reader given: the first reader holding a card", metadata: ["reader": "\(first.reader)"])
            return first.reader
        }
        throw CommandFailure(
            status: .noCard, code: "no-card",
            message: "no card in any reader (\(states.map(\.reader).joined(separator: ", ")))")
    }

    /// With `--trace`, every APDU exchange printed on stderr; `-vv` gets the same lines through the channel's own
    /// trace-level logging. Both show the channel's trace event line, in which VERIFY data is `**` and card-info
    /// responses are lengths only. Without either, the channel does no formatting work at all.
    func tracer() -> APDUTracer? {
        guard trace else { return nil }
        return { event in StandardStreams.writeError("trace: \(event.line)\n") }
    }
}

/// A command that talks to a card: it takes ``CardOptions``, and the global options come with them.
protocol CardCommand: GlobalOptionsCommand {
    var card: CardOptions { get }
}

extension CardCommand {
    var global: GlobalOptions { card.global }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Foundation
import SmartCard

/// `--reader` and `--trace`, shared by every command that talks to a card.
struct CardOptions: ParsableArguments {
    @Option(help: "Reader name or index from 'mynakit readers' (default: the first reader holding a card).")
    var reader: String?

    @Flag(help: "Print every APDU and status word with its time on stderr (VERIFY data shown as **).")
    var trace = false

    @Option(help: "Give up when the card flow takes longer than this many seconds (checked before each APDU).")
    var timeout: Double?

    var timeoutDuration: Duration? { timeout.map { .milliseconds(Int($0 * 1000)) } }

    /// The reader to use: the named one, the one at the index, or the first with a card.
    ///
    /// - Throws: a failure with exit status 3 when there is no reader, no such reader, or no card.
    func resolveReader(preferring matches: (ReaderState) -> Bool = { _ in true }) async throws -> String {
        let states = try await PCSCContext().readerStates()
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
        let withCard = states.filter(\.isCardPresent)
        if let preferred = withCard.first(where: matches) ?? withCard.first { return preferred.reader }
        throw CommandFailure(
            status: .noCard, code: "no-card",
            message: "no card in any reader (\(states.map(\.reader).joined(separator: ", ")))")
    }

    /// A tracer printing to stderr when `--trace` is set.
    var tracer: APDUTracer? {
        guard trace else { return nil }
        return { event in FileHandle.standardError.write(Data("trace: \(event.line)\n".utf8)) }
    }
}

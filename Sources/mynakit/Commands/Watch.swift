//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import FoundationEssentials
import MynaCard
import SmartCard

struct Watch: AsyncParsableCommand, GlobalOptionsCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show reader hot-plug and card insertion/removal events as they happen (like pcsc_scan).",
        discussion: """
            Runs until interrupted (SIGINT, SIGTERM), until --events changes were seen, or until --timeout seconds \
            passed; each event is printed and flushed as it happens (with --json: one JSON object per line). A pcscd \
            restart is reported and watching carries on once pcscd is back. Exit 0 when the watch ended as asked; \
            75 when --events were asked for and fewer came before the timeout or the interrupt.
            """
    )

    @Option(help: "Stop after this many events (the initial reader list does not count).")
    var events: Int?

    @Option(help: "Stop after this many seconds.")
    var timeout: Double?

    @OptionGroup var output: OutputOptions
    @OptionGroup var global: GlobalOptions

    struct EventJSON: Encodable {
        var time: String
        var event: String
        var reader: String?
        var atr: String?
        var card: String?
        var eventNumber: Int?
        var detail: String?
    }

    func validate() throws {
        if let events, events < 1 { throw ValidationError("--events must be at least 1") }
        if let timeout, timeout <= 0 { throw ValidationError("--timeout must be positive") }
    }

    func run() async throws {
        try await Reporter.run(json: output.json, jsonLines: true) {
            let json = output.json
            let limit = events
            let seen = try await withThrowingTaskGroup(of: Int?.self) { group in
                group.addTask {
                    var count = 0
                    for try await event in CardSession.readerEvents() {
                        let lines = Self.describe(event)
                        for line in lines {
                            // One record per event, flushed at once: a pipe reader sees each as it happens (NDJSON
                            // with --json), and a reader that went away ends the watch with exit 74.
                            try StandardStreams.write(json ? Reporter.encodeJSONLine(line) : Self.human(line))
                            try StandardStreams.flush()
                        }
                        if case .snapshot = event { continue }
                        count += lines.count
                        if let limit, count >= limit { return count }
                    }
                    return count
                }
                if let timeout {
                    group.addTask {
                        try await Task.sleep(for: .milliseconds(Int(timeout * 1000)))
                        return nil
                    }
                }
                group.addTask {
                    _ = await InterruptSignal.next()
                    return nil
                }
                // Whichever ends first ends the watch; what was printed stays printed.
                let first = try await group.next() ?? nil
                group.cancelAll()
                return first
            }
            if let limit, (seen ?? 0) < limit {
                throw CommandFailure(
                    status: .timedOut, code: "too-few-events",
                    message: "the watch ended (timeout or interrupt) before \(limit) event\(limit == 1 ? "" : "s") were seen")
            }
        }
    }

    static func describe(_ event: ReaderEvent) -> [EventJSON] {
        let now = RFC3339.format(Date())
        func line(_ kind: String, _ state: ReaderState?, reader: String? = nil, detail: String? = nil) -> EventJSON {
            let atr = state.flatMap { $0.atr.isEmpty ? nil : $0.atr }
            return EventJSON(
                time: now, event: kind, reader: state?.reader ?? reader,
                atr: atr.map { Hex.encode($0, separator: " ") }, card: atr.flatMap(KnownATRs.identify),
                eventNumber: state?.eventCount, detail: detail)
        }
        switch event {
        case .snapshot(let states):
            if states.isEmpty { return [line("no-reader", nil, detail: "waiting for the first reader")] }
            return states.map { line($0.isCardPresent ? "reader-with-card" : "reader-empty", $0) }
        case .readerAdded(let state): return [line("reader-added", state)]
        case .readerRemoved(let name): return [line("reader-removed", nil, reader: name)]
        case .cardInserted(let state): return [line("card-inserted", state)]
        case .cardRemoved(let state):
            var removed = line("card-removed", state)
            removed.atr = nil
            removed.card = nil
            return [removed]
        case .serviceUnavailable(let error):
            return [line("pcscd-unavailable", nil, detail: error.description)]
        case .serviceRestored:
            return [line("pcscd-restored", nil)]
        }
    }

    static func human(_ event: EventJSON) -> String {
        var text = "\(event.time)  \(event.event)"
        if let reader = event.reader { text += "  \(reader)" }
        if let number = event.eventNumber { text += "  (event \(number))" }
        if let atr = event.atr { text += "\n    ATR: \(atr)\(event.card.map { "  (\($0))" } ?? "")" }
        if let detail = event.detail { text += "\n    \(detail)" }
        return text + "\n"
    }
}

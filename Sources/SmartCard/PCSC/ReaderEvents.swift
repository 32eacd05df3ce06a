//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Dispatch
import Synchronization

/// Something that happened to the readers or the cards in them.
public enum ReaderEvent: Hashable, Sendable {
    /// Every reader and its state when monitoring starts, and again once pcscd is back after a restart.
    case snapshot([ReaderState])
    case readerAdded(ReaderState)
    case readerRemoved(String)
    case cardInserted(ReaderState)
    case cardRemoved(ReaderState)
    /// pcscd became unreachable; monitoring retries until it is back.
    case serviceUnavailable(PCSCError)
    /// pcscd answers again (a ``snapshot`` follows).
    case serviceRestored
}

/// Reader hot-plug and card insertion/removal events, as an `AsyncSequence`.
///
/// Built on `SCardGetStatusChange` with the `\\?PnP?\Notification` pseudo-reader and pcsc-lite's per-reader event
/// counters, so a card removed and put back between two wake-ups still yields both events. Monitoring runs on a
/// dedicated thread with its own context; ending the iteration (or cancelling its task) wakes that thread with
/// `SCardCancel`. When pcscd restarts, the sequence reports ``ReaderEvent/serviceUnavailable(_:)``, re-establishes
/// its context with back-off, and carries on.
public struct ReaderEvents: AsyncSequence, Sendable {
    public typealias Element = ReaderEvent

    /// How long one `SCardGetStatusChange` may block before the monitor checks for cancellation again, in ms.
    let pollTimeout: UInt32

    public init(pollTimeoutMilliseconds: UInt32 = 1000) {
        self.pollTimeout = pollTimeoutMilliseconds
    }

    public func makeAsyncIterator() -> AsyncThrowingStream<ReaderEvent, any Error>.Iterator {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: ReaderEvent.self, throwing: (any Error).self)
        let monitor = Monitor(continuation: continuation, pollTimeout: pollTimeout)
        continuation.onTermination = { _ in monitor.stop() }
        let thread = DispatchQueue(label: "mynakit.pcsc.events")
        thread.async { monitor.run() }
        return stream.makeAsyncIterator()
    }

    final class Monitor: Sendable {
        private let continuation: AsyncThrowingStream<ReaderEvent, any Error>.Continuation
        private let pollTimeout: UInt32
        /// The context the blocking call uses, so that `stop()` can cancel it from another thread.
        private let state = Mutex<(context: Int?, stopped: Bool)>((nil, false))

        init(continuation: AsyncThrowingStream<ReaderEvent, any Error>.Continuation, pollTimeout: UInt32) {
            self.continuation = continuation
            self.pollTimeout = pollTimeout
        }

        func stop() {
            state.withLock { state in
                state.stopped = true
                if let context = state.context { PCSCBridge.cancel(context) }
            }
        }

        private var isStopped: Bool { state.withLock { $0.stopped } }

        func run() {
            var reportedOutage = false
            var backoff = 0.1
            var known: [String: ReaderState] = [:]
            var first = true
            while !isStopped {
                let established = Result { () throws(PCSCError) -> Int in try PCSCBridge.establishContext() }
                guard case .success(let context) = established else {
                    if case .failure(let error) = established, error.isServiceLost {
                        if !reportedOutage {
                            continuation.yield(.serviceUnavailable(error))
                            reportedOutage = true
                        }
                        pause(seconds: backoff)
                        backoff = Swift.min(backoff * 2, 2.0)
                        continue
                    }
                    if case .failure(let error) = established { continuation.finish(throwing: error) }
                    return
                }
                state.withLock { $0.context = context }
                defer {
                    state.withLock { $0.context = nil }
                    PCSCBridge.releaseContext(context)
                }
                if reportedOutage {
                    continuation.yield(.serviceRestored)
                    reportedOutage = false
                }
                backoff = 0.1
                do {
                    try watch(context, known: &known, first: &first)
                    continuation.finish()
                    return
                } catch let error as PCSCError where error.isServiceLost {
                    continuation.yield(.serviceUnavailable(error))
                    reportedOutage = true
                    // Readers come back with the service; diff against what was known before the outage.
                } catch let error as PCSCError where error == .cancelled {
                    continuation.finish()
                    return
                } catch {
                    continuation.finish(throwing: error)
                    return
                }
            }
            continuation.finish()
        }

        /// Watches until stopped (returns) or pcscd goes away (throws).
        private func watch(_ context: Int, known: inout [String: ReaderState], first: inout Bool) throws {
            var slots = try PCSCBridge.currentSlots(context)
            let states = slots.map(ReaderState.init(slot:))
            continuation.yield(.snapshot(states))
            // After a pcscd restart, what changed while it was away.
            if !first { report(from: known, to: states) }
            first = false
            known = Dictionary(states.map { ($0.reader, $0) }, uniquingKeysWith: { a, _ in a })
            var pnp = [ReaderStateSlot(reader: PCSCBridge.plugAndPlayReader, currentState: 0)]
            // Learn the PnP counter without waiting.
            try? PCSCBridge.getStatusChange(context, timeout: 0, slots: &pnp)
            while !isStopped {
                for i in slots.indices { slots[i].currentState = slots[i].eventState }
                pnp[0].currentState = pnp[0].eventState & ~ReaderStateFlags.changed.rawValue
                var all = pnp + slots
                let outcome = Result { () throws(PCSCError) in
                    try PCSCBridge.getStatusChange(context, timeout: pollTimeout, slots: &all)
                }
                if case .failure(let error) = outcome {
                    if error == .timeout { continue }
                    throw error
                }
                pnp = [all[0]]
                slots = Array(all.dropFirst())
                let readersChanged = pnp[0].eventState & ReaderStateFlags.changed.rawValue != 0
                    || slots.contains { $0.eventState & (ReaderStateFlags.unknown.rawValue | ReaderStateFlags.unavailable.rawValue) != 0 }
                if readersChanged {
                    // Re-list: two readers plugged at once can arrive as one PnP event.
                    slots = try PCSCBridge.currentSlots(context)
                }
                let states = slots.map(ReaderState.init(slot:))
                report(from: known, to: states)
                known = Dictionary(states.map { ($0.reader, $0) }, uniquingKeysWith: { a, _ in a })
            }
        }

        private func report(from old: [String: ReaderState], to new: [ReaderState]) {
            let newNames = Set(new.map(\.reader))
            for name in old.keys.sorted() where !newNames.contains(name) {
                if let previous = old[name], previous.isCardPresent { continuation.yield(.cardRemoved(previous)) }
                continuation.yield(.readerRemoved(name))
            }
            for state in new {
                guard let previous = old[state.reader] else {
                    continuation.yield(.readerAdded(state))
                    if state.isCardPresent { continuation.yield(.cardInserted(state)) }
                    continue
                }
                let wasPresent = previous.isCardPresent
                let isPresent = state.isCardPresent
                switch (wasPresent, isPresent) {
                case (true, false):
                    continuation.yield(.cardRemoved(state))
                case (false, true):
                    continuation.yield(.cardInserted(state))
                case (true, true) where state.eventCount - previous.eventCount >= 2 || state.atr != previous.atr:
                    // Removed and inserted again between two wake-ups.
                    continuation.yield(.cardRemoved(previous))
                    continuation.yield(.cardInserted(state))
                default:
                    break
                }
            }
        }

        private func pause(seconds: Double) {
            let deadline = DispatchTime.now() + seconds
            while !isStopped && DispatchTime.now() < deadline {
                usleepSafe(20_000)
            }
        }
    }
}

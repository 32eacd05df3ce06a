//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Dispatch
internal import Glibc
public import Logging
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
    let logger: Logger

    /// - Parameters:
    ///   - pollTimeoutMilliseconds: how long one `SCardGetStatusChange` may block before the monitor checks whether
    ///     the iteration ended.
    ///   - logger: where the monitor logs the events it reports, pcscd going away and coming back, and its retries
    ///     (`debug` and `trace`). `nil` logs nothing.
    public init(pollTimeoutMilliseconds: UInt32 = 1000, logger: Logger? = nil) {
        self.pollTimeout = pollTimeoutMilliseconds
        self.logger = PCSCLogging.logger(logger)
    }

    public func makeAsyncIterator() -> AsyncThrowingStream<ReaderEvent, any Error>.Iterator {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: ReaderEvent.self, throwing: (any Error).self)
        let monitor = Monitor(continuation: continuation, pollTimeout: pollTimeout, logger: logger)
        continuation.onTermination = { _ in monitor.stop() }
        let thread = DispatchQueue(label: "mynakit.pcsc.events")
        thread.async { monitor.run() }
        return stream.makeAsyncIterator()
    }

    final class Monitor: Sendable {
        private let continuation: AsyncThrowingStream<ReaderEvent, any Error>.Continuation
        private let pollTimeout: UInt32
        private let logger: Logger
        /// The context the blocking call uses, so that `stop()` can cancel it from another thread.
        private let state = Mutex<(context: ContextHandle?, stopped: Bool)>((nil, false))

        init(
            continuation: AsyncThrowingStream<ReaderEvent, any Error>.Continuation, pollTimeout: UInt32, logger: Logger
        ) {
            self.continuation = continuation
            self.pollTimeout = pollTimeout
            self.logger = logger
        }

        func stop() {
            state.withLock { state in
                state.stopped = true
                state.context?.cancel()
            }
            logger.trace("reader monitor stopping")
        }

        /// Reports `event` to the iteration, and to the log.
        private func yield(_ event: ReaderEvent) {
            logger.debug("reader event", metadata: Self.metadata(of: event))
            continuation.yield(event)
        }

        private static func metadata(of event: ReaderEvent) -> Logger.Metadata {
            switch event {
            case .snapshot(let states): ["pcsc.event": "snapshot", "pcsc.readers": "\(states.count)"]
            case .readerAdded(let state): ["pcsc.event": "readerAdded", PCSCLogging.readerKey: "\(state.reader)"]
            case .readerRemoved(let reader): ["pcsc.event": "readerRemoved", PCSCLogging.readerKey: "\(reader)"]
            case .cardInserted(let state): ["pcsc.event": "cardInserted", PCSCLogging.readerKey: "\(state.reader)"]
            case .cardRemoved(let state): ["pcsc.event": "cardRemoved", PCSCLogging.readerKey: "\(state.reader)"]
            case .serviceUnavailable(let error):
                ["pcsc.event": "serviceUnavailable", PCSCLogging.errorKey: "\(error.name)"]
            case .serviceRestored: ["pcsc.event": "serviceRestored"]
            }
        }

        private var isStopped: Bool { state.withLock { $0.stopped } }

        func run() {
            logger.trace("reader monitor started")
            var reportedOutage = false
            var backoff = 0.1
            var known: [String: ReaderState] = [:]
            var first = true
            while !isStopped {
                let established = Result { () throws(PCSCError) -> ContextHandle in try ContextHandle() }
                guard case .success(let context) = established else {
                    if case .failure(let error) = established, error.isServiceLost {
                        if !reportedOutage {
                            yield(.serviceUnavailable(error))
                            reportedOutage = true
                        }
                        logger.trace("pcscd unreachable; retrying", metadata: ["pcsc.backoffSeconds": "\(backoff)"])
                        pause(seconds: backoff)
                        backoff = Swift.min(backoff * 2, 2.0)
                        continue
                    }
                    if case .failure(let error) = established { finish(throwing: error) }
                    return
                }
                state.withLock { $0.context = context }
                defer {
                    state.withLock { $0.context = nil }
                    context.release()
                }
                if reportedOutage {
                    yield(.serviceRestored)
                    reportedOutage = false
                }
                backoff = 0.1
                do {
                    try watch(context, known: &known, first: &first)
                    continuation.finish()
                    return
                } catch let error as PCSCError where error.isServiceLost {
                    yield(.serviceUnavailable(error))
                    reportedOutage = true
                    // Readers come back with the service; diff against what was known before the outage.
                } catch let error as PCSCError where error == .cancelled {
                    continuation.finish()
                    return
                } catch {
                    finish(throwing: error)
                    return
                }
            }
            continuation.finish()
        }

        private func finish(throwing error: any Error) {
            logger.debug("reader monitor failed", metadata: ["pcsc.failure": "\(error)"])
            continuation.finish(throwing: error)
        }

        /// Watches until stopped (returns) or pcscd goes away (throws).
        private func watch(_ context: ContextHandle, known: inout [String: ReaderState], first: inout Bool) throws {
            var slots = try context.currentSlots()
            let states = slots.map(ReaderState.init(slot:))
            yield(.snapshot(states))
            // After a pcscd restart, what changed while it was away.
            if !first { report(from: known, to: states) }
            first = false
            known = Dictionary(states.map { ($0.reader, $0) }, uniquingKeysWith: { a, _ in a })
            var pnp = [ReaderStateSlot(reader: PCSCBridge.plugAndPlayReader, currentState: 0)]
            // Learn the PnP counter without waiting.
            try? context.getStatusChange(timeout: 0, slots: &pnp)
            while !isStopped {
                for i in slots.indices { slots[i].currentState = slots[i].eventState }
                pnp[0].currentState = pnp[0].eventState & ~ReaderStateFlags.changed.rawValue
                var all = pnp + slots
                let outcome = Result { () throws(PCSCError) in
                    try context.getStatusChange(timeout: pollTimeout, slots: &all)
                }
                if case .failure(let error) = outcome {
                    if error == .timeout { continue }
                    throw error
                }
                pnp = [all[0]]
                slots = Array(all.dropFirst())
                let goneBits = ReaderStateFlags([.unknown, .unavailable]).rawValue
                let readersChanged = pnp[0].eventState & ReaderStateFlags.changed.rawValue != 0
                    || slots.contains { $0.eventState & goneBits != 0 }
                if readersChanged {
                    // Re-list: two readers plugged at once can arrive as one PnP event.
                    slots = try context.currentSlots()
                }
                let states = slots.map(ReaderState.init(slot:))
                report(from: known, to: states)
                known = Dictionary(states.map { ($0.reader, $0) }, uniquingKeysWith: { a, _ in a })
            }
        }

        private func report(from old: [String: ReaderState], to new: [ReaderState]) {
            let newNames = Set(new.map(\.reader))
            for name in old.keys.sorted() where !newNames.contains(name) {
                if let previous = old[name], previous.isCardPresent { yield(.cardRemoved(previous)) }
                yield(.readerRemoved(name))
            }
            for state in new {
                guard let previous = old[state.reader] else {
                    yield(.readerAdded(state))
                    if state.isCardPresent { yield(.cardInserted(state)) }
                    continue
                }
                let wasPresent = previous.isCardPresent
                let isPresent = state.isCardPresent
                switch (wasPresent, isPresent) {
                case (true, false):
                    yield(.cardRemoved(state))
                case (false, true):
                    yield(.cardInserted(state))
                case (true, true) where state.eventCount - previous.eventCount >= 2 || state.atr != previous.atr:
                    // Removed and inserted again between two wake-ups.
                    yield(.cardRemoved(previous))
                    yield(.cardInserted(state))
                default:
                    break
                }
            }
        }

        private func pause(seconds: Double) {
            let deadline = DispatchTime.now() + seconds
            while !isStopped && DispatchTime.now() < deadline {
                _ = usleep(20_000)
            }
        }
    }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import CMynaKit
import Dispatch
import MynaCard
import SmartCard
import Synchronization

/// A `mynakit_session`: one connection to the card in one reader, opened by ``open(reader:)``.
///
/// Every call runs one card flow in one PC/SC transaction on the connection's own queue, with a fresh
/// `MyNumberCard` (another application may have selected something else between two calls), the profile decided once
/// when the session opened, and the CLI's rule for resets: a flow that sent no PIN runs once more after another
/// application reset the card, a flow that sent one never does. Calls are serialized by the lock of `lockedState`.
final class Session: Sendable {
    private struct State {
        var isClosed = false
        /// A VERIFY with a PIN was sent: closing resets the card so that no verified PIN outlives the session.
        var sentPIN = false
    }

    let reader: String
    /// `reader` as a C string for `mynakit_session_reader`, alive as long as the session.
    let readerName: OwnedCString
    private let connection: CardConnection
    private let profile: CardProfile
    private let lockedState = Mutex(State())

    private init(reader: String, connection: CardConnection, profile: CardProfile) {
        self.reader = reader
        self.readerName = OwnedCString(reader)
        self.connection = connection
        self.profile = profile
    }

    /// Opens a session on `reader`, or with `nil` on the first reader whose card has the JPKI applet of a My Number
    /// card.
    ///
    /// - Throws: a failure with `MYNAKIT_E_NO_CARD` when there is no reader, no card, or no My Number card; PC/SC and
    ///   card errors as they come.
    static func open(reader: String?) throws -> Session {
        if let reader { return try identify(reader) }
        let states = try Blocking.run { try await PCSCContext().readerStates() }
        guard !states.isEmpty else {
            throw ABIFailure(
                code: Int32(MYNAKIT_E_NO_CARD), name: "no-reader", message: "no smart-card reader is connected")
        }
        var passed: [String] = []
        for state in states where state.isCardPresent {
            do {
                return try identify(state.reader)
            } catch {
                passed.append("\(state.reader): \(ABIFailure(error).message)")
            }
        }
        let why = passed.isEmpty ? "no card in any reader" : passed.joined(separator: "; ")
        throw ABIFailure(
            code: Int32(MYNAKIT_E_NO_CARD), name: "no-card",
            message: "no My Number card in any reader (\(states.map(\.reader).joined(separator: ", "))): \(why)")
    }

    /// Connects to `reader` and checks, in one transaction, that its card is a My Number card (SELECT JPKI applet,
    /// SELECT and READ BINARY of the token EF); the card profile comes from the same transaction.
    private static func identify(_ reader: String) throws -> Session {
        let connection = try Blocking.run { try await CardConnection.connect(reader: reader) }
        do {
            let profile = try connection.withTransactionBlocking { channel in
                let card = MyNumberCard(channel: channel)
                let token: JPKIToken
                do {
                    token = try card.retryingAfterReset { try card.jpki.token() }
                } catch let error as MynaCardError
                    where error.code == .fileNotFound || error.code == .unexpectedStatus
                {
                    throw MynaCardError(.notMyNumberCard, "the card has no JPKI applet: it is not a My Number card")
                }
                guard token == .myNumberCard else {
                    throw MynaCardError(.notMyNumberCard, "not a My Number card: \(token)")
                }
                return card.profile
            }
            return Session(reader: reader, connection: connection, profile: profile)
        } catch {
            try? Blocking.run { try await connection.disconnect() }
            throw error
        }
    }

    /// Runs `flow` on the card in one transaction.
    ///
    /// - Throws: a usage failure naming `function` when the session was closed (by another thread); whatever the
    ///   flow or PC/SC throws.
    func run<T: Sendable>(_ function: StaticString, _ flow: (MyNumberCard) throws -> T) throws -> T {
        try lockedState.withLock { state in
            guard !state.isClosed else { throw ABIFailure.usage(function, "the session was closed") }
            let connection = self.connection
            let profile = self.profile
            return try connection.withTransactionBlocking { channel in
                let card = MyNumberCard(channel: channel, profile: profile)
                defer { if card.hasSentPIN { state.sentPIN = true } }
                return try card.retryingAfterReset { try flow(card) }
            }
        }
    }

    /// Ends the connection, resetting the card when a PIN was sent in this session; a second call does nothing.
    /// Waits for a call running on another thread to finish first.
    func close() {
        lockedState.withLock { state in
            guard !state.isClosed else { return }
            state.isClosed = true
            let disposition: CardConnection.Disposition = state.sentPIN ? .reset : .leave
            let connection = self.connection
            // A failure here (the card or pcscd already gone) leaves nothing to do: the context is released anyway.
            try? Blocking.run { try await connection.disconnect(disposition) }
        }
    }
}

/// Every `mynakit_session` not yet closed.
let sessions = HandleTable<Session>()

/// Runs the library's async calls (connect, reader lists, disconnect) for a C caller, whose thread waits.
///
/// The async calls run their blocking pcsc-lite work on the PC/SC objects' own queues and only suspend the task. The
/// task runs on ``CallerExecutor``, never on Swift's cooperative pool, so the wait cannot deadlock when the caller is
/// itself a thread of that pool (a Swift application calling the C interface from a task, with every pool thread
/// waiting here): nothing the waiting thread waits for needs a pool thread.
enum Blocking {
    static func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let outcome = Outcome<T>()
        let done = DispatchSemaphore(value: 0)
        Task(executorPreference: CallerExecutor.shared) {
            do {
                outcome.result = .success(try await body())
            } catch {
                outcome.result = .failure(error)
            }
            done.signal()
        }
        done.wait()
        guard let result = outcome.result else {
            throw ABIFailure(
                code: Int32(MYNAKIT_E_CARD), name: "error", message: "an async call ended without a result")
        }
        return try result.get()
    }

    /// The result, handed from the task to the waiting thread; the semaphore orders the write before the read.
    private final class Outcome<T>: @unchecked Sendable {
        var result: Result<T, any Error>?
    }
}

/// Where the tasks of ``Blocking`` run: a concurrent dispatch queue of the library's own. Its jobs never block (the
/// blocking calls run on the PC/SC objects' serial queues), they only carry a call from one suspension to the next.
final class CallerExecutor: TaskExecutor {
    static let shared = CallerExecutor()

    private let queue = DispatchQueue(label: "mynakit.c-interface", attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}

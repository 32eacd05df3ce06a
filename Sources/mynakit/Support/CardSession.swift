//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Dispatch
import Logging
import MynaCard
import SmartCard

/// The one way commands reach pcscd: reader lists, reader events, and card flows that pick the reader, connect, run
/// inside one PC/SC transaction and always disconnect, whether the flow succeeded or not.
///
/// Every PC/SC object the CLI uses is created here, with ``CommandLog/logger``: the connection hands it to the
/// channel (APDUs at trace level, with VERIFY data redacted) and the channel to `MyNumberCard`.
enum CardSession {
    /// What a flow returned, with where and how it ran.
    struct Outcome<T> {
        var value: T
        var reader: String
        var apduCount: Int
        var seconds: Double
    }

    /// Runs a My Number card flow in one transaction on the reader `options` names (or the first with a card).
    ///
    /// Flows that send no PIN are run once more when another application resets the card in between; flows that
    /// sent a PIN never are.
    static func run<T>(_ options: CardOptions, _ flow: (MyNumberCard) throws -> T) async throws -> Outcome<T> {
        try await withChannel(options) { channel in
            let card = MyNumberCard(channel: channel, profile: options.profile(for: channel))
            return try card.retryingAfterReset { try flow(card) }
        }
    }

    /// Runs `body` on the bare channel in one transaction, for commands that send APDUs of their own (`apdu`,
    /// `bench apdu`). The channel still handles `61xx`/`6Cxx`, counts APDUs and traces.
    static func withChannel<T>(_ options: CardOptions, _ body: (CardChannel) throws -> T) async throws -> Outcome<T> {
        let logger = CommandLog.logger
        let reader = try await options.resolveReader(logger: logger)
        let connection = try await CardConnection.connect(reader: reader, logger: logger)
        logger.debug("connected", metadata: ["reader": "\(reader)"])
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            let (value, count) = try await connection.withTransaction(
                tracer: options.tracer(), timeout: options.timeoutDuration
            ) { channel in
                (try body(channel), channel.apduCount)
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            logger.debug("transaction ended", metadata: ["apdus": "\(count)", "seconds": "\(seconds)"])
            await disconnect(connection, logger: logger)
            return Outcome(value: value, reader: reader, apduCount: count, seconds: seconds)
        } catch {
            logger.debug("flow failed; disconnecting", metadata: ["error": "\(CommandFailure(error).code)"])
            await disconnect(connection, logger: logger)
            throw error
        }
    }

    /// The readers pcscd knows and their states, from a context of its own.
    static func readerStates() async throws -> [ReaderState] {
        try await PCSCContext(logger: CommandLog.logger).readerStates()
    }

    /// Reader and card events as they happen (``ReaderEvents``).
    static func readerEvents() -> ReaderEvents {
        ReaderEvents(logger: CommandLog.logger)
    }

    /// Ends the connection. A failure here changes nothing for the command (its result is already known), so it is
    /// only logged.
    private static func disconnect(_ connection: CardConnection, logger: Logger) async {
        do {
            try await connection.disconnect()
        } catch {
            logger.debug("disconnect failed", metadata: ["error": "\(error)"])
        }
    }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Dispatch

extension CardConnection {
    /// Sends one command outside of any transaction, with GET RESPONSE / Le correction.
    public func transmit(_ command: CommandAPDU) async throws -> ResponseAPDU {
        try await withTransaction { channel in try channel.transmit(command) }
    }

    /// Runs `body` inside a PC/SC transaction (`SCardBeginTransaction` ... `SCardEndTransaction(LEAVE)`), on the
    /// connection's queue.
    ///
    /// `body` runs synchronously on a thread that may block; it gets a fresh ``CardChannel`` whose APDU count starts
    /// at zero. Another application's transaction on the same card makes this wait until that one ends.
    ///
    /// - Throws: whatever `body` throws, or the ``PCSCError`` of beginning the transaction.
    ///
    /// With a `timeout`, no APDU is sent once it has passed: the flow ends at the next APDU boundary with
    /// ``CardError`` `.timedOut` (an APDU already on its way to a slow card is waited for; PC/SC cannot interrupt
    /// `SCardTransmit`). The wait to begin the transaction, behind another application's, is not bounded.
    public func withTransaction<T>(
        tracer: APDUTracer? = nil,
        timeout: Duration? = nil,
        _ body: (CardChannel) throws -> T
    ) async throws -> T {
        try await withoutActuallyEscaping(body) { body in
            // The closure must be released before the continuation resumes (withoutActuallyEscaping checks that
            // it did not escape), so the queue takes it out of the box inside an inner scope.
            let box = ClosureBox(body)
            let result: UncheckedTransfer<Result<T, any Error>> = await withCheckedContinuation { continuation in
                queue.async {
                    let outcome: Result<T, any Error> = {
                        let body = box.take()
                        return Result { try self.runTransaction(tracer: tracer, timeout: timeout, body) }
                    }()
                    continuation.resume(returning: UncheckedTransfer(outcome))
                }
            }
            return try result.value.get()
        }
    }

    /// The blocking form of ``withTransaction(tracer:timeout:_:)``, for threads that are not part of Swift
    /// concurrency's pool (benchmarks, simple command-line tools).
    public func withTransactionBlocking<T>(tracer: APDUTracer? = nil, _ body: (CardChannel) throws -> T) throws -> T {
        try queue.sync { try runTransaction(tracer: tracer, body) }
    }

    // MARK: - On the queue

    private func runTransaction<T>(tracer: APDUTracer?, timeout: Duration? = nil, _ body: (CardChannel) throws -> T)
        throws -> T
    {
        let card = try requireCard()
        do {
            try card.beginTransaction()
        } catch .resetCard {
            try recoverFromReset(card)
            try card.beginTransaction()
        }
        logger.trace("transaction begun")
        let transport = ConnectionTransport(connection: self)
        if let timeout { transport.deadline = (ContinuousClock.now + timeout, timeout) }
        let channel = CardChannel(transport: transport, tracer: tracer, logger: logger)
        // A channel kept beyond the transaction must not send anything outside of it.
        defer { transport.isOpen = false }
        let result: T
        do {
            result = try body(channel)
        } catch {
            try? card.endTransaction(.leave)
            logger.trace("transaction ended", metadata: ["pcsc.outcome": "error"])
            throw error
        }
        try card.endTransaction(.leave)
        logger.trace("transaction ended")
        return result
    }

    fileprivate func transmitOnQueue(_ command: [UInt8]) throws -> [UInt8] {
        let card = try requireCard()
        do {
            return try card.transmit(command, activeProtocol: activeProtocolRaw, buffer: &receiveBuffer)
        } catch .resetCard {
            // Clear pcsc-lite's reset indication so the connection is usable again, then tell the caller: its
            // selection and verified PINs are gone and nothing may be resent on its own.
            try recoverFromReset(card)
            throw PCSCError.resetCard
        }
    }
}

/// The transport handed to channels inside a transaction; it calls back into the connection on its queue.
private final class ConnectionTransport: CardTransport {
    let connection: CardConnection
    var isOpen = true
    var deadline: (instant: ContinuousClock.Instant, timeout: Duration)?
    init(connection: CardConnection) { self.connection = connection }

    func transmit(_ command: [UInt8]) throws -> [UInt8] {
        guard isOpen else {
            throw CardError(.channelClosed, "the channel was used after its transaction ended")
        }
        if let deadline, ContinuousClock.now >= deadline.instant {
            throw CardError(.timedOut, "the card did not finish within \(deadline.timeout); nothing more was sent")
        }
        dispatchPrecondition(condition: .onQueue(connection.queue))
        return try connection.transmitOnQueue(command)
    }

    var atr: [UInt8] {
        guard let card = connection.card else { return [] }
        return (try? card.atr()) ?? []
    }

    var maxAPDUDataSize: Int { (try? connection.queryMaxAPDUDataSize()) ?? 0 }
}

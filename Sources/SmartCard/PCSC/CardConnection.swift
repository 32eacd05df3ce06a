//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Dispatch
public import Logging

/// A connection to the card in one reader.
///
/// Each connection owns a PC/SC context and a serial queue of its own: every blocking call (`SCardConnect`,
/// `SCardTransmit`, `SCardBeginTransaction`, ...) runs there, off Swift's cooperative thread pool, one thread per
/// context as pcsc-lite requires. Group the APDUs of a flow with ``withTransaction(tracer:timeout:_:)`` so that no
/// other process can interleave a SELECT.
///
/// When another application resets the card, the next exchange throws ``PCSCError/resetCard`` after the connection
/// has already been re-established with `SCardReconnect(SCARD_LEAVE_CARD)`: the caller re-selects and, for a PIN,
/// asks the user again. When pcscd restarts, the connection is gone for good: open a new one.
///
/// The connection ends with ``disconnect(_:)``, or, leaving the card as it is, when the last reference goes.
///
/// This file holds the connection's life cycle; transactions are in `CardConnection+Transaction.swift`, reader
/// attributes and controls in `CardConnection+Reader.swift`.
public final class CardConnection: @unchecked Sendable {
    // @unchecked: every mutable property is read and written on `queue` only.

    public enum ShareMode: Sendable {
        case shared
        case exclusive
        /// No card needed: for `SCardControl` on the reader.
        case direct

        var raw: UInt32 {
            switch self {
            case .shared: PCSCBridge.shareShared
            case .exclusive: PCSCBridge.shareExclusive
            case .direct: PCSCBridge.shareDirect
            }
        }
    }

    /// Transmission protocols (`SCARD_PROTOCOL_*`).
    public struct Protocols: OptionSet, Hashable, Sendable {
        public var rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let t0 = Protocols(rawValue: PCSCBridge.protocolT0)
        public static let t1 = Protocols(rawValue: PCSCBridge.protocolT1)
        public static let raw = Protocols(rawValue: PCSCBridge.protocolRaw)
    }

    /// What happens to the card when a connection or transaction ends.
    public enum Disposition: UInt32, Sendable {
        /// Keep the card as it is (a verified PIN stays verified for the next application).
        case leave = 0
        /// Warm reset: drops every security state.
        case reset = 1
        /// Power the card down.
        case unpower = 2
        case eject = 3
    }

    /// The reader this connection is for.
    public let reader: String
    /// The serial queue of every pcsc-lite call on this connection.
    let queue: DispatchQueue
    /// Diagnostics, with the reader's name as metadata.
    let logger: Logger
    let share: ShareMode
    /// The card; `nil` once disconnected.
    var card: CardHandle?
    var activeProtocolRaw: UInt32
    /// Where `SCardTransmit` receives responses: allocated once, reused by every exchange.
    var receiveBuffer: [UInt8]
    var cachedMaxAPDUDataSize: Int?

    private init(reader: String, share: ShareMode, queue: DispatchQueue, card: CardHandle, logger: Logger) {
        self.reader = reader
        self.share = share
        self.queue = queue
        self.card = card
        self.activeProtocolRaw = card.connectedProtocol
        self.logger = logger
        self.receiveBuffer = [UInt8](repeating: 0, count: PCSCBridge.receiveBufferSize)
    }

    /// Connects to the card in `reader`.
    ///
    /// - Parameters:
    ///   - share: shared by default, so other applications keep working; transactions keep flows apart.
    ///   - protocols: T=0 and T=1 by default; the negotiated one is used for every exchange.
    ///   - logger: where the connection logs its life cycle, transactions and reconnects after a reset (`debug` and
    ///     `trace`; never APDU data). `nil` logs nothing.
    /// - Throws: ``PCSCError``: `.noSmartcard` when the reader is empty, `.unknownReader` for a wrong name,
    ///   `.noService` when pcscd is unreachable, `.securityViolation` when polkit denies access.
    public static func connect(
        reader: String,
        share: ShareMode = .shared,
        protocols: Protocols = [.t0, .t1],
        logger: Logger? = nil
    ) async throws -> CardConnection {
        var logger = PCSCLogging.logger(logger)
        logger[metadataKey: PCSCLogging.readerKey] = "\(reader)"
        let queue = DispatchQueue(label: "mynakit.pcsc.connection")
        return try await queue.runSuspending { [logger] in
            // A context of its own: pcsc-lite wants one context per thread, and this queue is this connection's
            // thread. The card handle keeps the context; a failed connect releases it on the way out.
            let context = try ContextHandle()
            let requested = share == .direct ? 0 : protocols.rawValue
            let card = try context.connect(reader: reader, share: share.raw, protocols: requested)
            let connection = CardConnection(reader: reader, share: share, queue: queue, card: card, logger: logger)
            logger.debug("connected", metadata: ["pcsc.protocol": "\(connection.activeProtocolName)"])
            return connection
        }
    }

    /// The protocol negotiated with the card.
    public var activeProtocol: Protocols {
        queue.sync { Protocols(rawValue: activeProtocolRaw) }
    }

    /// Re-establishes the connection (after a reset by someone else, or to reset the card yourself).
    public func reconnect(initialization: Disposition = .leave, protocols: Protocols = [.t0, .t1]) async throws {
        try await perform { connection in
            let card = try connection.requireCard()
            connection.activeProtocolRaw = try card.reconnect(
                share: connection.share.raw, protocols: protocols.rawValue, initialization: initialization)
            connection.logger.debug(
                "reconnected", metadata: ["pcsc.initialization": "\(initialization)"])
        }
    }

    /// Ends the connection; later calls throw ``PCSCError/invalidHandle``. Calling it twice is harmless.
    public func disconnect(_ disposition: Disposition = .leave) async throws {
        try await perform { connection in
            guard let card = connection.card else { return }
            connection.card = nil
            // The context goes too, whether or not pcscd accepted the disconnect.
            defer { card.context.release() }
            try card.disconnect(disposition)
            connection.logger.debug("disconnected", metadata: ["pcsc.disposition": "\(disposition)"])
        }
    }

    /// The card's ATR, as the reader reports it now.
    public func atr() async throws -> [UInt8] {
        try await perform { connection in try connection.requireCard().atr() }
    }

    // MARK: - On the queue

    func requireCard() throws(PCSCError) -> CardHandle {
        guard let card else { throw PCSCError.invalidHandle }
        return card
    }

    /// Clears pcsc-lite's reset indication after another application reset the card (`SCardReconnect` with
    /// `SCARD_LEAVE_CARD`), so that the connection is usable again.
    func recoverFromReset(_ card: CardHandle) throws(PCSCError) {
        logger.debug("the card was reset by another application; reconnecting")
        activeProtocolRaw = try card.reconnect(
            share: share.raw, protocols: Protocols([.t0, .t1]).rawValue, initialization: .leave)
    }

    /// `T=0`, `T=1` or `raw`, for log messages.
    var activeProtocolName: String {
        switch activeProtocolRaw {
        case PCSCBridge.protocolT0: "T=0"
        case PCSCBridge.protocolT1: "T=1"
        case PCSCBridge.protocolRaw: "raw"
        default: "0x\(String(activeProtocolRaw, radix: 16))"
        }
    }

    /// Runs `body` on the connection's queue while the caller suspends.
    func perform<T>(_ body: @escaping @Sendable (CardConnection) throws -> T) async throws -> T {
        try await queue.runSuspending { try body(self) }
    }
}

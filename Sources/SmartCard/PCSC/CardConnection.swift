//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Dispatch

/// A connection to the card in one reader.
///
/// Each connection owns a PC/SC context and a serial queue of its own: every blocking call (`SCardConnect`,
/// `SCardTransmit`, `SCardBeginTransaction`, ...) runs there, off Swift's cooperative thread pool, one thread per
/// context as pcsc-lite requires. Group the APDUs of a flow with ``withTransaction(tracer:_:)`` so that no other
/// process can interleave a SELECT.
///
/// When another application resets the card, the next exchange throws ``PCSCError/resetCard`` after the connection
/// has already been re-established with `SCardReconnect(SCARD_LEAVE_CARD)`: the caller re-selects and, for a PIN,
/// asks the user again. When pcscd restarts, the connection is gone for good: open a new one.
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
    private let queue: DispatchQueue
    private var context: Int?
    private var handle: Int?
    private var activeProtocolRaw: UInt32
    private let share: ShareMode
    private var receiveBuffer: [UInt8]
    private var cachedMaxAPDUDataSize: Int?

    private init(reader: String, share: ShareMode, queue: DispatchQueue, context: Int, handle: Int, activeProtocol: UInt32) {
        self.reader = reader
        self.share = share
        self.queue = queue
        self.context = context
        self.handle = handle
        self.activeProtocolRaw = activeProtocol
        self.receiveBuffer = [UInt8](repeating: 0, count: PCSCBridge.receiveBufferSize)
    }

    deinit {
        if let handle { try? PCSCBridge.disconnect(handle, disposition: Disposition.leave.rawValue) }
        if let context { PCSCBridge.releaseContext(context) }
    }

    /// Connects to the card in `reader`.
    ///
    /// - Parameters:
    ///   - share: shared by default, so other applications keep working; transactions keep flows apart.
    ///   - protocols: T=0 and T=1 by default; the negotiated one is used for every exchange.
    /// - Throws: ``PCSCError``: `.noSmartcard` when the reader is empty, `.unknownReader` for a wrong name,
    ///   `.noService` when pcscd is unreachable, `.securityViolation` when polkit denies access.
    public static func connect(
        reader: String,
        share: ShareMode = .shared,
        protocols: Protocols = [.t0, .t1]
    ) async throws -> CardConnection {
        let queue = DispatchQueue(label: "mynakit.pcsc.connection")
        return try await run(on: queue) {
            let context = try PCSCBridge.establishContext()
            do {
                let requested = share == .direct ? 0 : protocols.rawValue
                let (handle, active) = try PCSCBridge.connect(
                    context, reader: reader, share: share.raw, protocols: requested)
                return CardConnection(
                    reader: reader, share: share, queue: queue, context: context, handle: handle,
                    activeProtocol: active)
            } catch {
                PCSCBridge.releaseContext(context)
                throw error
            }
        }
    }

    /// The protocol negotiated with the card.
    public var activeProtocol: Protocols {
        queue.sync { Protocols(rawValue: activeProtocolRaw) }
    }

    /// Re-establishes the connection (after a reset by someone else, or to reset the card yourself).
    public func reconnect(initialization: Disposition = .leave, protocols: Protocols = [.t0, .t1]) async throws {
        try await perform { connection in
            let handle = try connection.requireHandle()
            connection.activeProtocolRaw = try PCSCBridge.reconnect(
                handle, share: connection.share.raw, protocols: protocols.rawValue,
                initialization: initialization.rawValue)
        }
    }

    /// Ends the connection; later calls throw ``PCSCError/invalidHandle``. Calling it twice is harmless.
    public func disconnect(_ disposition: Disposition = .leave) async throws {
        try await perform { connection in
            guard let handle = connection.handle else { return }
            connection.handle = nil
            defer {
                if let context = connection.context { PCSCBridge.releaseContext(context) }
                connection.context = nil
            }
            try PCSCBridge.disconnect(handle, disposition: disposition.rawValue)
        }
    }

    /// The card's ATR, as the reader reports it now.
    public func atr() async throws -> [UInt8] {
        try await perform { connection in try PCSCBridge.status(connection.requireHandle()).atr }
    }

    /// A reader attribute (`SCardGetAttrib`).
    public func attribute(_ attribute: ReaderAttribute) async throws -> [UInt8] {
        try await perform { connection in
            try PCSCBridge.attribute(connection.requireHandle(), id: attribute.rawValue)
        }
    }

    /// The reader's vendor name (`SCARD_ATTR_VENDOR_NAME`), when it reports one.
    public func vendorName() async -> String? {
        guard let bytes = try? await attribute(.vendorName) else { return nil }
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// The largest data field the reader carries, from PC/SC part 10 `FEATURE_GET_TLV_PROPERTIES`
    /// (`dwMaxAPDUDataSize`); `0` when the reader takes short APDUs only or does not say.
    public func maxAPDUDataSize() async throws -> Int {
        try await perform { connection in try connection.queryMaxAPDUDataSize() }
    }

    /// Sends `SCardControl` to the reader.
    public func control(code: UInt32, input: [UInt8] = []) async throws -> [UInt8] {
        try await perform { connection in
            try PCSCBridge.control(connection.requireHandle(), code: code, input: input)
        }
    }

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

    /// The blocking form of ``withTransaction(tracer:_:)``, for threads that are not part of Swift concurrency's pool
    /// (benchmarks, simple command-line tools).
    public func withTransactionBlocking<T>(tracer: APDUTracer? = nil, _ body: (CardChannel) throws -> T) throws -> T {
        try queue.sync { try runTransaction(tracer: tracer, body) }
    }

    // MARK: - On the queue

    private func runTransaction<T>(tracer: APDUTracer?, timeout: Duration? = nil, _ body: (CardChannel) throws -> T)
        throws -> T
    {
        let handle = try requireHandle()
        do {
            try PCSCBridge.beginTransaction(handle)
        } catch .resetCard {
            try recoverFromReset(handle)
            try PCSCBridge.beginTransaction(handle)
        }
        let transport = Transport(connection: self)
        if let timeout { transport.deadline = (ContinuousClock.now + timeout, timeout) }
        let channel = CardChannel(transport: transport, tracer: tracer)
        // A channel kept beyond the transaction must not send anything outside of it.
        defer { transport.isOpen = false }
        let result: T
        do {
            result = try body(channel)
        } catch {
            try? PCSCBridge.endTransaction(handle, disposition: Disposition.leave.rawValue)
            throw error
        }
        try PCSCBridge.endTransaction(handle, disposition: Disposition.leave.rawValue)
        return result
    }

    fileprivate func transmitOnQueue(_ command: [UInt8]) throws -> [UInt8] {
        let handle = try requireHandle()
        do {
            return try PCSCBridge.transmit(
                handle, activeProtocol: activeProtocolRaw, command: command, buffer: &receiveBuffer)
        } catch .resetCard {
            // Clear pcsc-lite's reset indication so the connection is usable again, then tell the caller: its
            // selection and verified PINs are gone and nothing may be resent on its own.
            try recoverFromReset(handle)
            throw PCSCError.resetCard
        }
    }

    private func recoverFromReset(_ handle: Int) throws(PCSCError) {
        activeProtocolRaw = try PCSCBridge.reconnect(
            handle, share: share.raw, protocols: Protocols([.t0, .t1]).rawValue,
            initialization: Disposition.leave.rawValue)
    }

    fileprivate func queryMaxAPDUDataSize() throws -> Int {
        if let cachedMaxAPDUDataSize { return cachedMaxAPDUDataSize }
        let handle = try requireHandle()
        let size: Int
        do {
            let features = try PCSCBridge.control(handle, code: PCSCBridge.ioctlGetFeatureRequest, input: [])
            size = try Self.maxAPDUDataSize(features: features) { code in
                try PCSCBridge.control(handle, code: code, input: [])
            }
        } catch let error as PCSCError where error.isCardGone || error.isServiceLost {
            throw error
        } catch {
            size = 0  // the reader does not implement part 10: short APDUs only
        }
        cachedMaxAPDUDataSize = size
        return size
    }

    /// Finds `FEATURE_GET_TLV_PROPERTIES` among the part 10 features (tag, length 4, big-endian control code) and
    /// reads `dwMaxAPDUDataSize` from its properties (tag, length, little-endian value).
    static func maxAPDUDataSize(features: [UInt8], control: (UInt32) throws -> [UInt8]) throws -> Int {
        var i = 0
        var code: UInt32?
        while i + 6 <= features.count {
            let tag = features[i]
            let length = Int(features[i + 1])
            guard length == 4 else { break }
            if tag == PCSCBridge.featureGetTLVProperties {
                code = features[(i + 2)..<(i + 6)].reduce(0) { $0 << 8 | UInt32($1) }
            }
            i += 2 + length
        }
        guard let code else { return 0 }
        let properties = try control(code)
        var j = 0
        while j + 2 <= properties.count {
            let tag = properties[j]
            let length = Int(properties[j + 1])
            guard j + 2 + length <= properties.count else { break }
            if tag == PCSCBridge.propertyMaxAPDUDataSize {
                return properties[(j + 2)..<(j + 2 + length)].reversed().reduce(0) { $0 << 8 | Int($1) }
            }
            j += 2 + length
        }
        return 0
    }

    private func requireHandle() throws(PCSCError) -> Int {
        guard let handle else { throw PCSCError.invalidHandle }
        return handle
    }

    private func perform<T>(_ body: @escaping @Sendable (CardConnection) throws -> T) async throws -> T {
        let box: UncheckedTransfer<T> = try await Self.run(on: queue) { UncheckedTransfer(try body(self)) }
        return box.value
    }

    private static func run<T>(on queue: DispatchQueue, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        let box: UncheckedTransfer<T> = try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { UncheckedTransfer(try body()) }) }
        }
        return box.value
    }

    /// The transport handed to channels inside a transaction; it calls back into the connection on its queue.
    private final class Transport: CardTransport {
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
            guard let handle = connection.handle else { return [] }
            return (try? PCSCBridge.status(handle).atr) ?? []
        }

        var maxAPDUDataSize: Int { (try? connection.queryMaxAPDUDataSize()) ?? 0 }
    }
}

/// Reader attributes for ``CardConnection/attribute(_:)``.
public struct ReaderAttribute: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static var atrString: ReaderAttribute { ReaderAttribute(rawValue: PCSCBridge.attributeATR) }
    public static var vendorName: ReaderAttribute { ReaderAttribute(rawValue: PCSCBridge.attributeVendorName) }
    public static var vendorIFDType: ReaderAttribute { ReaderAttribute(rawValue: PCSCBridge.attributeVendorIFDType) }
    public static var vendorIFDVersion: ReaderAttribute {
        ReaderAttribute(rawValue: PCSCBridge.attributeVendorIFDVersion)
    }
    public static var channelID: ReaderAttribute { ReaderAttribute(rawValue: PCSCBridge.attributeChannelID) }
}

/// Moves a value across a queue hop whose caller is suspended until the hop returns, so the value is never used by
/// two threads at once.
struct UncheckedTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Holds a non-escaping closure while a queue runs it; `take()` empties the box so no reference outlives the call.
private final class ClosureBox<Argument, Result>: @unchecked Sendable {
    private var closure: ((Argument) throws -> Result)?
    init(_ closure: @escaping (Argument) throws -> Result) { self.closure = closure }
    func take() -> (Argument) throws -> Result {
        defer { closure = nil }
        return closure!
    }
}

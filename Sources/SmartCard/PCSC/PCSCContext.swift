//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Dispatch

/// A PC/SC resource-manager context: lists readers and reports their state.
///
/// The context is established lazily and rebuilt transparently when pcscd restarts (pcsc-lite never reconnects a
/// context; the old one fails with `SCARD_E_NO_SERVICE` or `SCARD_F_COMM_ERROR`). Every blocking PC/SC call runs on
/// the context's own serial queue, off Swift's cooperative thread pool, so the context is used by one thread at a
/// time as pcsc-lite requires.
///
/// Connections (``CardConnection``) and event monitors (``ReaderEvents``) establish contexts of their own.
public final class PCSCContext: @unchecked Sendable {
    // @unchecked: `context` is only read and written on `queue`.
    private let queue = DispatchQueue(label: "mynakit.pcsc.context")
    private var context: Int?

    public init() {}

    deinit {
        if let context { PCSCBridge.releaseContext(context) }
    }

    /// The names of the connected readers; an empty list when there is none.
    ///
    /// - Throws: ``PCSCError`` when pcscd is unreachable (``PCSCError/noService``) or denies access
    ///   (``PCSCError/securityViolation``).
    public func readers() async throws -> [String] {
        try await perform { context in try PCSCBridge.listReaders(context) }
    }

    /// Every reader with its current state and ATR.
    public func readerStates() async throws -> [ReaderState] {
        try await perform { context in try Self.currentStates(context) }
    }

    /// The state of one reader.
    ///
    /// - Throws: ``PCSCError/unknownReader`` when no reader has that name.
    public func state(of reader: String) async throws -> ReaderState {
        try await perform { context in
            var slots = [ReaderStateSlot(reader: reader, currentState: 0)]
            try PCSCBridge.getStatusChange(context, timeout: 0, slots: &slots)
            let state = ReaderState(slot: slots[0])
            if state.flags.contains(.unknown) { throw PCSCError.unknownReader }
            return state
        }
    }

    /// Establishes the context now rather than on first use (to report an unreachable pcscd early).
    public func establish() async throws {
        try await perform { _ in () }
    }

    static func currentStates(_ context: Int) throws(PCSCError) -> [ReaderState] {
        try PCSCBridge.currentSlots(context).map(ReaderState.init(slot:))
    }

    /// Runs `body` on the queue with an established context; when pcscd went away since the last call, the context
    /// is rebuilt and `body` runs once more.
    private func perform<T: Sendable>(_ body: @escaping @Sendable (Int) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try self.performOnQueue(body) })
            }
        }
    }

    private func performOnQueue<T>(_ body: (Int) throws -> T) throws -> T {
        let current: Int
        if let context {
            current = context
        } else {
            current = try PCSCBridge.establishContext()
            context = current
        }
        do {
            return try body(current)
        } catch let error as PCSCError where error.isServiceLost {
            PCSCBridge.releaseContext(current)
            context = nil
            let fresh = try PCSCBridge.establishContext()
            context = fresh
            return try body(fresh)
        }
    }
}

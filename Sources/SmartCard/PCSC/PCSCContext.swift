//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Dispatch
public import Logging

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
    private var context: ContextHandle?
    private let logger: Logger

    /// Creates a context; it is established on first use.
    ///
    /// - Parameter logger: where the context logs that it was established or rebuilt after pcscd went away (`debug`
    ///   and `trace`). `nil` logs nothing.
    public init(logger: Logger? = nil) {
        self.logger = PCSCLogging.logger(logger)
    }

    /// The names of the connected readers; an empty list when there is none.
    ///
    /// - Throws: ``PCSCError`` when pcscd is unreachable (``PCSCError/noService``) or denies access
    ///   (``PCSCError/securityViolation``).
    public func readers() async throws -> [String] {
        try await perform { context in try context.listReaders() }
    }

    /// Every reader with its current state and ATR.
    public func readerStates() async throws -> [ReaderState] {
        try await perform { context in try context.currentSlots().map(ReaderState.init(slot:)) }
    }

    /// The state of one reader.
    ///
    /// - Throws: ``PCSCError/unknownReader`` when no reader has that name.
    public func state(of reader: String) async throws -> ReaderState {
        try await perform { context in
            var slots = [ReaderStateSlot(reader: reader, currentState: 0)]
            try context.getStatusChange(timeout: 0, slots: &slots)
            let state = ReaderState(slot: slots[0])
            if state.flags.contains(.unknown) { throw PCSCError.unknownReader }
            return state
        }
    }

    /// Establishes the context now rather than on first use (to report an unreachable pcscd early).
    public func establish() async throws {
        try await perform { _ in () }
    }

    /// Runs `body` on the queue with an established context; when pcscd went away since the last call, the context
    /// is rebuilt and `body` runs once more.
    private func perform<T: Sendable>(_ body: @escaping @Sendable (ContextHandle) throws -> T) async throws -> T {
        try await queue.runSuspending { try self.performOnQueue(body) }
    }

    private func performOnQueue<T>(_ body: (ContextHandle) throws -> T) throws -> T {
        let current: ContextHandle
        if let context {
            current = context
        } else {
            current = try ContextHandle()
            context = current
            logger.trace("PC/SC context established")
        }
        do {
            return try body(current)
        } catch let error as PCSCError where error.isServiceLost {
            logger.debug(
                "pcscd went away; rebuilding the PC/SC context", metadata: [PCSCLogging.errorKey: "\(error.name)"])
            current.release()
            context = nil
            let fresh = try ContextHandle()
            context = fresh
            logger.debug("PC/SC context rebuilt")
            return try body(fresh)
        }
    }
}

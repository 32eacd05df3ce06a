//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Synchronization

/// Owns one PC/SC context (`SCARDCONTEXT`) and releases it exactly once.
///
/// A pcsc-lite context is a Unix socket to pcscd that stays open until `SCardReleaseContext`. The context is released
/// when its owner lets go of it (`deinit`), or earlier with ``release()`` when pcscd went away and a new context must
/// take its place. Later calls throw ``PCSCError/invalidHandle`` without reaching pcsc-lite.
///
/// The owner calls everything from its own queue or thread, except ``cancel()``: `SCardCancel` is the one call
/// pcsc-lite allows on a context from another thread, to end a blocking `SCardGetStatusChange`. The lock makes sure
/// a cancel and a release never overlap, so a released context is never cancelled. It is not held during the other
/// calls, which may block for as long as pcscd takes.
final class ContextHandle: Sendable {
    /// The raw context; `nil` once released.
    private let raw: Mutex<Int?>

    /// Establishes a context with pcscd (`SCardEstablishContext`, system scope).
    ///
    /// - Throws: ``PCSCError/noService`` when pcscd is unreachable, ``PCSCError/securityViolation`` when polkit denies
    ///   access, ``PCSCError/serviceStopped`` when libpcsclite and pcscd speak different protocol versions.
    init() throws(PCSCError) {
        raw = Mutex(try PCSCBridge.establishContext())
    }

    deinit {
        release()
    }

    /// Releases the context now; calling it again does nothing.
    func release() {
        let context = raw.withLock { raw in
            defer { raw = nil }
            return raw
        }
        if let context { PCSCBridge.releaseContext(context) }
    }

    /// Wakes a blocking call on this context from another thread (`SCardCancel`); it returns ``PCSCError/cancelled``.
    func cancel() {
        raw.withLock { raw in
            if let raw { PCSCBridge.cancel(raw) }
        }
    }

    private func context() throws(PCSCError) -> Int {
        guard let context = raw.withLock({ $0 }) else { throw PCSCError.invalidHandle }
        return context
    }

    /// The names of the connected readers; none is an empty list.
    func listReaders() throws(PCSCError) -> [String] {
        try PCSCBridge.listReaders(context())
    }

    /// Waits until one of `slots` changes or `timeout` milliseconds pass (`SCardGetStatusChange`).
    func getStatusChange(timeout: UInt32, slots: inout [ReaderStateSlot]) throws(PCSCError) {
        try PCSCBridge.getStatusChange(context(), timeout: timeout, slots: &slots)
    }

    /// Every reader with its current state, without waiting.
    func currentSlots() throws(PCSCError) -> [ReaderStateSlot] {
        try PCSCBridge.currentSlots(context())
    }

    /// Connects to the card in `reader` (`SCardConnect`); the card handle keeps this context alive.
    func connect(reader: String, share: UInt32, protocols: UInt32) throws(PCSCError) -> CardHandle {
        let (handle, activeProtocol) = try PCSCBridge.connect(
            context(), reader: reader, share: share, protocols: protocols)
        return CardHandle(context: self, raw: handle, activeProtocol: activeProtocol)
    }
}

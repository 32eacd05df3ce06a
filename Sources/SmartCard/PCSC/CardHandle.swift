//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// Owns one connection to a card (`SCARDHANDLE`) and ends it exactly once.
///
/// The connection ends with ``disconnect(_:)``, or with `SCardDisconnect(SCARD_LEAVE_CARD)` when its owner lets go
/// of it (`deinit`). Later calls throw ``PCSCError/invalidHandle`` without reaching pcsc-lite.
///
/// A card handle is only valid while the context it was made in is: the handle holds on to its ``context``, so the
/// card is always disconnected before the context is released.
///
/// Not `Sendable`: its owner, ``CardConnection``, uses it from the connection's serial queue only.
final class CardHandle {
    /// The context this handle belongs to.
    let context: ContextHandle
    /// The protocol negotiated by `SCardConnect`.
    let connectedProtocol: UInt32
    private let raw: Int
    private var isConnected = true

    init(context: ContextHandle, raw: Int, activeProtocol: UInt32) {
        self.context = context
        self.raw = raw
        self.connectedProtocol = activeProtocol
    }

    deinit {
        if isConnected { try? PCSCBridge.disconnect(raw, disposition: CardConnection.Disposition.leave.rawValue) }
    }

    /// Ends the connection (`SCardDisconnect`) and leaves the card as `disposition` says; calling it again does
    /// nothing.
    func disconnect(_ disposition: CardConnection.Disposition) throws(PCSCError) {
        guard isConnected else { return }
        isConnected = false
        try PCSCBridge.disconnect(raw, disposition: disposition.rawValue)
    }

    private func handle() throws(PCSCError) -> Int {
        guard isConnected else { throw PCSCError.invalidHandle }
        return raw
    }

    /// Re-establishes the connection (`SCardReconnect`); returns the protocol now active.
    func reconnect(share: UInt32, protocols: UInt32, initialization: CardConnection.Disposition) throws(PCSCError)
        -> UInt32
    {
        try PCSCBridge.reconnect(handle(), share: share, protocols: protocols, initialization: initialization.rawValue)
    }

    func beginTransaction() throws(PCSCError) {
        try PCSCBridge.beginTransaction(handle())
    }

    func endTransaction(_ disposition: CardConnection.Disposition) throws(PCSCError) {
        try PCSCBridge.endTransaction(handle(), disposition: disposition.rawValue)
    }

    /// Sends `command` and returns the response, received into `buffer` (reused across calls).
    func transmit(_ command: [UInt8], activeProtocol: UInt32, buffer: inout [UInt8]) throws(PCSCError) -> [UInt8] {
        try PCSCBridge.transmit(handle(), activeProtocol: activeProtocol, command: command, buffer: &buffer)
    }

    /// The card's ATR as the reader reports it now (`SCardStatus`).
    func atr() throws(PCSCError) -> [UInt8] {
        try PCSCBridge.status(handle()).atr
    }

    /// A reader attribute (`SCardGetAttrib`).
    func attribute(_ id: UInt32) throws(PCSCError) -> [UInt8] {
        try PCSCBridge.attribute(handle(), id: id)
    }

    /// Sends a control code to the reader (`SCardControl`).
    func control(_ code: UInt32, input: [UInt8]) throws(PCSCError) -> [UInt8] {
        try PCSCBridge.control(handle(), code: code, input: input)
    }
}

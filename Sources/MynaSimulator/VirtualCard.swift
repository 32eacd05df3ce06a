//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// The card side of a smart card: what a reader's contacts (or antenna) talk to.
///
/// A virtual card is served to pcscd through vpcd by ``VPCDLink``, or to code in the same process by
/// ``InMemoryTransport``. Implementations are driven from one thread at a time.
public protocol VirtualCard: AnyObject {
    /// The answer to reset the card gives after power-on or reset.
    var atr: [UInt8] { get }

    /// Contacts powered: the card starts with a fresh security state.
    func powerOn()

    /// Contacts unpowered.
    func powerOff()

    /// Warm reset: like power-on, every volatile state (selection, verified PINs) is dropped.
    func reset()

    /// Processes one command APDU and returns the response APDU (data followed by SW1 SW2).
    ///
    /// A card never throws: malformed commands get the status word a card would give (`67 00`, `6E 00`, ...).
    func process(_ command: [UInt8]) -> [UInt8]
}

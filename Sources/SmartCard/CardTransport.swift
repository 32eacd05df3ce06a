//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// Something that carries raw APDUs to a card and back.
///
/// A PC/SC ``CardConnection`` is one (inside a transaction); `MynaSimulator`'s in-memory transport is another. A
/// transport does no ISO 7816 processing: ``CardChannel`` adds GET RESPONSE, Le correction, counting and tracing on
/// top of it.
///
/// Transports are used from one thread at a time; they are not required to be `Sendable`.
public protocol CardTransport: AnyObject {
    /// Sends one command APDU and returns the raw response: data followed by SW1 SW2.
    ///
    /// - Throws: ``PCSCError`` (or another transport error) when the exchange did not happen. A response shorter than
    ///   two bytes is returned as is; ``ResponseAPDU`` rejects it.
    func transmit(_ command: [UInt8]) throws -> [UInt8]

    /// The card's answer to reset.
    var atr: [UInt8] { get }

    /// The largest command or response data field the reader carries (PC/SC part 10 `dwMaxAPDUDataSize`).
    ///
    /// `0` means the reader takes short APDUs only, or did not say.
    var maxAPDUDataSize: Int { get }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import SmartCard

/// A card that answers from fuzz input, like OpenSC's fuzz reader: block 1 is the ATR (cut to 33 bytes), every later
/// block one response APDU whose last two bytes are SW1 SW2. A block shorter than two bytes, or the end of the input,
/// answers `6D 00`, so every flow ends.
public final class FuzzedCardTransport: CardTransport {
    public let atr: [UInt8]
    public var maxAPDUDataSize: Int
    /// Every command the host sent, in order.
    public private(set) var commands: [[UInt8]] = []
    private var chunks: FuzzChunks

    public init(_ input: [UInt8], maxAPDUDataSize: Int = 0) {
        var chunks = FuzzChunks(input)
        self.atr = Array(chunks.next().prefix(ATR.maximumLength))
        self.chunks = chunks
        self.maxAPDUDataSize = maxAPDUDataSize
    }

    public func transmit(_ command: [UInt8]) throws -> [UInt8] {
        commands.append(command)
        let block = chunks.next()
        return block.count >= 2 ? block : [0x6D, 0x00]
    }
}

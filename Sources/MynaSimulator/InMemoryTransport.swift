//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import SmartCard

/// A ``SmartCard/CardTransport`` that hands APDUs straight to a ``VirtualCard`` in the same process: a reader with a
/// card in it, for unit tests.
///
/// The transport powers the card on when it is created. ``maxAPDUDataSize`` plays the reader's limit: with `0` (a
/// short-only reader) an extended APDU is refused with ``SimulatorError/Code/readerCannotCarryAPDU`` before it reaches
/// the card; with a positive value, command data longer than that is refused. After ``remove()`` every transmit
/// throws ``SimulatorError/Code/cardRemoved`` until ``insert()``.
///
/// Like every transport it is used from one thread at a time.
public final class InMemoryTransport: CardTransport {
    /// The card in the reader.
    public let card: any VirtualCard

    /// The reader's `dwMaxAPDUDataSize`: `0` for a short-APDU-only reader, `65536` for an extended-capable one.
    public var maxAPDUDataSize: Int

    /// How many APDUs reached the card (refused ones are not counted).
    public private(set) var apduCount = 0

    /// Whether the card has been removed.
    public private(set) var isRemoved = false

    /// Puts `card` into a reader with the given limit and powers it on.
    public init(card: any VirtualCard, maxAPDUDataSize: Int = 0) {
        self.card = card
        self.maxAPDUDataSize = maxAPDUDataSize
        card.powerOn()
    }

    /// The card's ATR (empty while the card is removed).
    public var atr: [UInt8] {
        isRemoved ? [] : card.atr
    }

    /// Sends one command APDU to the card.
    ///
    /// - Throws: ``SimulatorError`` with code ``SimulatorError/Code/cardRemoved`` after ``remove()``, or
    ///   ``SimulatorError/Code/readerCannotCarryAPDU`` when the reader's limit forbids the APDU.
    public func transmit(_ command: [UInt8]) throws -> [UInt8] {
        guard !isRemoved else { throw SimulatorError(.cardRemoved, "the card was removed from the reader") }
        if let dataCount = Self.extendedCommandDataCount(command) {
            guard maxAPDUDataSize > 0 else {
                throw SimulatorError(.readerCannotCarryAPDU, "the reader takes short APDUs only")
            }
            guard dataCount <= maxAPDUDataSize else {
                throw SimulatorError(
                    .readerCannotCarryAPDU,
                    "the reader carries at most \(maxAPDUDataSize) data bytes, the command has \(dataCount)"
                )
            }
        }
        apduCount += 1
        return card.process(command)
    }

    /// Warm-resets the card: it drops its selection and security state, as after `SCardReconnect(SCARD_RESET_CARD)`.
    public func reset() {
        guard !isRemoved else { return }
        card.reset()
    }

    /// Takes the card out of the reader: it is powered off and every later transmit throws.
    public func remove() {
        guard !isRemoved else { return }
        isRemoved = true
        card.powerOff()
    }

    /// Puts the card back and powers it on (with a fresh security state).
    public func insert() {
        guard isRemoved else { return }
        isRemoved = false
        card.powerOn()
    }

    /// The data length of an extended-length command, or `nil` for a short one (or one too short to tell).
    static func extendedCommandDataCount(_ command: [UInt8]) -> Int? {
        guard command.count >= 7, command[4] == 0x00 else { return nil }
        if command.count == 7 { return 0 }  // case 2E
        return Int(command[5]) << 8 | Int(command[6])
    }
}

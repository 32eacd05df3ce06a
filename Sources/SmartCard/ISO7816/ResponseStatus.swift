//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// One status word a command is specified to answer, and what it means for that command.
///
/// ``StatusWord/meaning`` says what a status word means in general (ISO 7816-4 table 6). The same status word can
/// mean something more precise for one command: `6B 00` is "wrong parameters P1-P2" in general, "offset outside the
/// EF" for READ BINARY. A ``CommandAPDU/Kind`` lists its expected answers as `ResponseStatus` values, so that logs and
/// errors can say what the card meant, and so that a reader of the code sees which answers a flow has to handle.
///
/// A few answers are families rather than one value (`61 xx`, `6C xx`, `63 Cx`): ``mask`` says which bits of the
/// status word are fixed.
public struct ResponseStatus: Hashable, Sendable {
    /// The status word, or for a family its member with the variable bits at zero (`63 C0` for `63 Cx`).
    public var statusWord: StatusWord
    /// The bits of a status word that must equal those of ``statusWord``: `FFFF` for one value, `FFF0` for `63 Cx`,
    /// `FF00` for `61 xx`.
    public var mask: UInt16
    /// What the answer means for the command.
    public var meaning: String

    /// An expected answer: one status word, or a family of them when `mask` leaves bits free.
    public init(_ statusWord: StatusWord, mask: UInt16 = 0xFFFF, _ meaning: String) {
        self.statusWord = StatusWord(rawValue: statusWord.rawValue & mask)
        self.mask = mask
        self.meaning = meaning
    }

    /// Whether `statusWord` is this answer (or a member of this family).
    public func matches(_ statusWord: StatusWord) -> Bool {
        statusWord.rawValue & mask == self.statusWord.rawValue
    }

    // MARK: The answers many commands share

    /// `90 00`.
    public static func success(_ meaning: String = "success") -> ResponseStatus {
        ResponseStatus(.success, meaning)
    }

    /// `61 xx`: xx more bytes wait for GET RESPONSE (``CardChannel`` collects them).
    public static let bytesRemaining = ResponseStatus(
        StatusWord(sw1: 0x61, sw2: 0x00), mask: 0xFF00, "more response bytes wait for GET RESPONSE")

    /// `6C xx`: wrong Le, xx bytes are available (``CardChannel`` resends once when that is safe).
    public static let correctLength = ResponseStatus(
        StatusWord(sw1: 0x6C, sw2: 0x00), mask: 0xFF00, "wrong Le; the right one is in SW2")
}

extension ResponseStatus: CustomStringConvertible {
    /// `63 Cx: verification failed, x tries left`.
    public var description: String {
        let high = Hex.encode([statusWord.sw1])
        let low: String
        switch mask & 0x00FF {
        case 0x00FF: low = Hex.encode([statusWord.sw2])
        case 0x00F0: low = String(Hex.encode([statusWord.sw2]).prefix(1)) + "x"
        default: low = "xx"
        }
        return "\(high) \(low): \(meaning)"
    }
}

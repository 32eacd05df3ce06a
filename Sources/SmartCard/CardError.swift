//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// An error at the ISO 7816 level: a command that cannot be encoded, or a card answer that cannot be used.
///
/// Errors compare equal by ``code``; the ``reason`` says what exactly happened.
public struct CardError: Error, Hashable, Sendable {
    /// What kind of failure this is. New codes may be added.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A command APDU with inconsistent fields.
        public static let invalidCommand = Code(rawValue: "invalid-command")
        /// A response shorter than a status word, or data that contradicts what was asked.
        public static let malformedResponse = Code(rawValue: "malformed-response")
        /// A status word the operation cannot continue with.
        public static let unexpectedStatus = Code(rawValue: "unexpected-status")
        /// The card kept answering `61 xx` or `6C xx` beyond the bound.
        public static let responseLoop = Code(rawValue: "response-loop")
        /// Bytes that do not parse as BER-TLV.
        public static let malformedTLV = Code(rawValue: "malformed-tlv")
        /// Bytes that do not parse as an ATR.
        public static let malformedATR = Code(rawValue: "malformed-atr")
        /// A channel used after the transaction it belonged to had ended.
        public static let channelClosed = Code(rawValue: "channel-closed")
        /// The caller's time limit passed; the flow stopped at an APDU boundary.
        public static let timedOut = Code(rawValue: "timed-out")
        /// Text that is not hexadecimal.
        public static let invalidHex = Code(rawValue: "invalid-hex")
    }

    public var code: Code
    public var reason: String
    /// The status word the card answered, when the error is about one.
    public var statusWord: StatusWord?

    public init(_ code: Code, _ reason: String, statusWord: StatusWord? = nil) {
        self.code = code
        self.reason = reason
        self.statusWord = statusWord
    }

    public static func == (lhs: CardError, rhs: CardError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}

extension CardError: CustomStringConvertible {
    public var description: String { reason }
}

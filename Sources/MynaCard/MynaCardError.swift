//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import SmartCard
@_exported public import MynaSpec

/// A failure of a My Number card flow, with the reason in words.
///
/// Errors compare equal by ``code``. PIN failures carry the tries left; card failures carry the status word.
public struct MynaCardError: Error, Hashable, Sendable {
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The PIN text does not have the required format (nothing was sent to the card).
        public static let invalidPINFormat = Code(rawValue: "invalid-pin-format")
        /// The card rejected the PIN; ``MynaCardError/triesLeft`` says how many tries remain.
        public static let wrongPIN = Code(rawValue: "wrong-pin")
        /// The PIN is blocked; nothing was sent. Unblocking needs the municipal office.
        public static let pinBlocked = Code(rawValue: "pin-blocked")
        /// One try is left and the caller did not allow spending it; nothing was sent.
        public static let lastTryRefused = Code(rawValue: "last-try-refused")
        /// The card does not hold the JPKI applet (not a My Number card, or not this kind).
        public static let notMyNumberCard = Code(rawValue: "not-my-number-card")
        /// An applet or file the flow needs is missing.
        public static let fileNotFound = Code(rawValue: "file-not-found")
        /// The card refused because a PIN must be verified first (the signing certificate).
        public static let securityStatusNotSatisfied = Code(rawValue: "security-status-not-satisfied")
        /// The card answered a status word the flow cannot continue with.
        public static let unexpectedStatus = Code(rawValue: "unexpected-status")
        /// The card's data does not parse or contradicts itself.
        public static let malformedData = Code(rawValue: "malformed-data")
        /// The card was reset by another application during the flow; nothing was resent.
        public static let cardReset = Code(rawValue: "card-reset")
        /// The My Number read from the card fails its check digit.
        public static let invalidMyNumber = Code(rawValue: "invalid-my-number")
        /// The card or reader failed during the flow: removed, reader gone, pcscd gone (exit 6 in the CLI).
        public static let communicationFailed = Code(rawValue: "communication-failed")
        /// The caller's time limit passed before the flow finished; nothing more was sent (exit 6 in the CLI).
        public static let timedOut = Code(rawValue: "timed-out")
        /// A caller argument is out of range (a digest of the wrong length).
        public static let invalidArgument = Code(rawValue: "invalid-argument")
    }

    public var code: Code
    public var reason: String
    public var triesLeft: Int?
    public var statusWord: StatusWord?
    /// The PC/SC error behind a ``Code/communicationFailed``.
    public var pcscError: PCSCError?

    public init(
        _ code: Code, _ reason: String, triesLeft: Int? = nil, statusWord: StatusWord? = nil,
        pcscError: PCSCError? = nil
    ) {
        self.code = code
        self.reason = reason
        self.triesLeft = triesLeft
        self.statusWord = statusWord
        self.pcscError = pcscError
    }

    public static func == (lhs: MynaCardError, rhs: MynaCardError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// Whether this is about a PIN (exit status 4 in the CLI).
    public var isPINProblem: Bool {
        [.invalidPINFormat, .wrongPIN, .pinBlocked, .lastTryRefused].contains(code)
    }
}

extension MynaCardError: CustomStringConvertible {
    public var description: String { reason }
}

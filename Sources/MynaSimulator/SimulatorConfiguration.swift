//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// Everything that makes one virtual My Number card differ from another: its ATR and length profile, its PINs and
/// counters, its cardholder, and the faults it injects.
///
/// The PINs here are the virtual card's own settings for tests, not anybody's secret.
public struct SimulatorConfiguration: Sendable {
    /// How the card answers a READ BINARY whose Le asks for more bytes than remain in the EF (the read starting
    /// inside the EF). A read starting at or after the end always answers `6B 00`.
    public enum EndOfFileBehaviour: String, Hashable, Sendable, CaseIterable {
        /// The remaining bytes with `62 82` (end of file reached before reading Ne bytes). The default.
        case warning
        /// `6B 00` and no data: the card refuses reads that run past the end.
        case wrongParameters
        /// The remaining bytes with `90 00`: the card treats Le as an upper bound.
        case success
    }

    /// Named ways in which the card sends responses a host must survive.
    public enum MalformedResponse: String, Hashable, Sendable, CaseIterable {
        /// Every READ BINARY is answered with the single byte `90` (no data, no SW2).
        case oneByteReadBinary
        /// The certificate EFs (0001, 0002, 000A, 000B) start with a DER header whose length is 16 bytes larger than
        /// the certificate; the EF itself ends where the real certificate ends. A reader that trusts the header runs
        /// off the end.
        case certificateLengthOverstated
        /// Every response carrying data answers `61 10`, and every GET RESPONSE returns 16 bytes and `61 10` again,
        /// for ever.
        case endlessGetResponse
        /// COMPUTE DIGITAL SIGNATURE returns 255 bytes (the signature without its last byte) with `90 00`.
        case shortSignature
    }

    /// Faults the card injects. All off by default. (Latency and removal belong to the link serving the card.)
    public struct Faults: Hashable, Sendable {
        /// When set, a response with more than this many data bytes is answered `61 xx` (xx = bytes available, `00`
        /// for 256 or more) and its data is served through GET RESPONSE. `0` chains every response with data.
        public var getResponseThreshold: Int?
        /// A READ BINARY whose Le asks for more than remains answers `6C xx` (xx = bytes remaining) instead of
        /// following ``SimulatorConfiguration/endOfFileBehaviour``.
        public var wrongLeAnswers6C: Bool
        /// Malformed responses to inject.
        public var malformedResponses: Set<MalformedResponse>

        /// Creates a fault set; everything is off by default.
        public init(
            getResponseThreshold: Int? = nil,
            wrongLeAnswers6C: Bool = false,
            malformedResponses: Set<MalformedResponse> = []
        ) {
            self.getResponseThreshold = getResponseThreshold
            self.wrongLeAnswers6C = wrongLeAnswers6C
            self.malformedResponses = malformedResponses
        }

        /// No faults.
        public static let none = Faults()
    }

    /// Bytes written after the DER in each certificate EF.
    public struct CertificatePadding: Hashable, Sendable {
        /// The padding byte (real cards have been seen with `00` or `FF`).
        public var byte: UInt8
        /// How many padding bytes follow the DER.
        public var count: Int

        /// Creates a padding of `count` times `byte`.
        public init(byte: UInt8, count: Int) {
            self.byte = byte
            self.count = count
        }
    }

    /// The ATR; `nil` picks ``CardATR/contactExtendedLength`` when ``extendedLength`` is on and
    /// ``CardATR/contactNoHistoricalBytes`` otherwise.
    public var atr: CardATR?
    /// Whether the card accepts extended Lc/Le and short EF identifiers in READ BINARY. When off, every extended
    /// APDU is answered `67 00` and P1 = `80|SFI` is answered `6A 86`.
    public var extendedLength: Bool

    /// The authentication PIN (EF 0018): 4 digits.
    public var authPIN: String
    /// The signing password (EF 001B): 6 to 16 characters, A-Z and 0-9.
    public var signPIN: String
    /// The card-info input support PIN (EF 0011): 4 digits.
    public var cardInfoPIN: String
    /// Tries left on the authentication PIN at power-up (0 = blocked; at most 3).
    public var authPINTries: Int
    /// Tries left on the signing password at power-up (0 = blocked; at most 5).
    public var signPINTries: Int
    /// Tries left on the card-info PIN at power-up (0 = blocked; at most 3).
    public var cardInfoPINTries: Int

    /// The 12-digit My Number; its check digit must be valid.
    public var myNumber: String
    /// The cardholder.
    public var identity: Identity

    /// The answer to a READ BINARY that asks for more than remains.
    public var endOfFileBehaviour: EndOfFileBehaviour
    /// Padding after the DER in the certificate EFs; `nil` makes each EF exactly as long as its certificate.
    public var certificatePadding: CertificatePadding?
    /// Faults to inject.
    public var faults: Faults

    /// The largest number of tries of each PIN (real cards: 3, 5 and 3).
    public static let maximumAuthPINTries = 3
    /// See ``maximumAuthPINTries``.
    public static let maximumSignPINTries = 5
    /// See ``maximumAuthPINTries``.
    public static let maximumCardInfoPINTries = 3

    /// Creates a configuration. Call ``validate()`` (the card's initializer does) before use.
    public init(
        atr: CardATR? = nil,
        extendedLength: Bool = false,
        authPIN: String = "1234",
        signPIN: String = "ABC123",
        cardInfoPIN: String = "1234",
        authPINTries: Int = SimulatorConfiguration.maximumAuthPINTries,
        signPINTries: Int = SimulatorConfiguration.maximumSignPINTries,
        cardInfoPINTries: Int = SimulatorConfiguration.maximumCardInfoPINTries,
        myNumber: String = "123456789018",
        identity: Identity = .sample,
        endOfFileBehaviour: EndOfFileBehaviour = .warning,
        certificatePadding: CertificatePadding? = nil,
        faults: Faults = .none
    ) {
        self.atr = atr
        self.extendedLength = extendedLength
        self.authPIN = authPIN
        self.signPIN = signPIN
        self.cardInfoPIN = cardInfoPIN
        self.authPINTries = authPINTries
        self.signPINTries = signPINTries
        self.cardInfoPINTries = cardInfoPINTries
        self.myNumber = myNumber
        self.identity = identity
        self.endOfFileBehaviour = endOfFileBehaviour
        self.certificatePadding = certificatePadding
        self.faults = faults
    }

    /// The ATR the card answers with.
    public var effectiveATR: CardATR {
        atr ?? (extendedLength ? .contactExtendedLength : .contactNoHistoricalBytes)
    }

    /// Throws unless every setting is in range: PIN forms, tries, My Number check digit, identity, fault values.
    public func validate() throws(SimulatorError) {
        guard Self.isDigits(authPIN, count: 4...4) else {
            throw SimulatorError(.invalidConfiguration, "the authentication PIN must be 4 digits")
        }
        guard Self.isSignPassword(signPIN) else {
            throw SimulatorError(.invalidConfiguration, "the signing password must be 6-16 characters A-Z and 0-9")
        }
        guard Self.isDigits(cardInfoPIN, count: 4...4) else {
            throw SimulatorError(.invalidConfiguration, "the card-info PIN must be 4 digits")
        }
        guard (0...Self.maximumAuthPINTries).contains(authPINTries),
            (0...Self.maximumSignPINTries).contains(signPINTries),
            (0...Self.maximumCardInfoPINTries).contains(cardInfoPINTries)
        else {
            throw SimulatorError(.invalidConfiguration, "PIN tries must be between 0 and 3 (signing password: 5)")
        }
        guard Self.isValidMyNumber(myNumber) else {
            throw SimulatorError(
                .invalidConfiguration,
                "the My Number must be 12 digits with a valid check digit, got \(myNumber)"
            )
        }
        try identity.validate()
        if let threshold = faults.getResponseThreshold, threshold < 0 {
            throw SimulatorError(.invalidConfiguration, "the GET RESPONSE threshold must not be negative")
        }
        if let padding = certificatePadding, !(0...4096).contains(padding.count) {
            throw SimulatorError(.invalidConfiguration, "certificate padding must be 0 to 4096 bytes")
        }
        if case .custom(let bytes) = effectiveATR, !(2...33).contains(bytes.count) {
            throw SimulatorError(.invalidConfiguration, "an ATR is 2 to 33 bytes long")
        }
    }

    /// The check digit of a My Number whose first 11 digits are `first11` (the ordinance's mod-11 rule), or `nil`
    /// when `first11` is not 11 ASCII digits.
    public static func myNumberCheckDigit(_ first11: String) -> Int? {
        let digits = Array(first11.utf8)
        guard digits.count == 11, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        var sum = 0
        // P(n) is the n-th digit counted from the right, n = 1...11; Q(n) = n + 1 (n <= 6) or n - 5 (n >= 7)
        // (総務省令第八十五号 第五条; the weights from the left are 6 5 4 3 2 7 6 5 4 3 2).
        for n in 1...11 {
            let digit = Int(digits[11 - n] - 0x30)
            let weight = n <= 6 ? n + 1 : n - 5
            sum += digit * weight
        }
        let remainder = sum % 11
        return remainder <= 1 ? 0 : 11 - remainder
    }

    /// Whether `number` is 12 ASCII digits whose last one is the check digit of the first 11.
    public static func isValidMyNumber(_ number: String) -> Bool {
        let digits = Array(number.utf8)
        guard digits.count == 12, let check = myNumberCheckDigit(String(decoding: digits.prefix(11), as: UTF8.self))
        else { return false }
        return Int(digits[11]) - 0x30 == check
    }

    static func isDigits(_ text: String, count: ClosedRange<Int>) -> Bool {
        let bytes = Array(text.utf8)
        return count.contains(bytes.count) && bytes.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    static func isSignPassword(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return (6...16).contains(bytes.count)
            && bytes.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) }
    }
}

/// The ATRs a virtual My Number card can answer with: the ones registered for real cards (jpki-card-facts §1).
public enum CardATR: Hashable, Sendable {
    /// `3B E0 00 FF 81 31 FE 45 14`: T=1, no historical bytes (OpenSC's ATR table).
    case contactNoHistoricalBytes
    /// `3B DA 13 FF 81 31 FB 46 80 12 39 2F 31 C1 73 C6 01 C0 3B`: card capabilities `73 C6 01 C0` advertise short EF
    /// identifiers, command chaining and extended Lc/Le.
    case contactExtendedLength
    /// `3B C5 FF 81 31 FB 45 80 73 C6 01 00 00`: card capabilities without extended length.
    case contactShortLength
    /// `3B F5 91 00 FF 91 81 71 FE 40 00 42 00 01 00 D1 D6`.
    case contactVariantA
    /// `3B F5 91 00 FF 91 81 71 FE 40 00 42 00 01 B3 A1 15`.
    case contactVariantB
    /// A contactless (ISO 14443 type B, PC/SC part 3) ATR; `index` 0...3 picks one of the four registered ones.
    case contactless(index: Int)
    /// Any other ATR.
    case custom([UInt8])

    /// The ATR bytes.
    public var bytes: [UInt8] {
        switch self {
        case .contactNoHistoricalBytes:
            return [0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14]
        case .contactExtendedLength:
            return [
                0x3B, 0xDA, 0x13, 0xFF, 0x81, 0x31, 0xFB, 0x46, 0x80, 0x12, 0x39, 0x2F, 0x31, 0xC1, 0x73, 0xC6, 0x01,
                0xC0, 0x3B,
            ]
        case .contactShortLength:
            return [0x3B, 0xC5, 0xFF, 0x81, 0x31, 0xFB, 0x45, 0x80, 0x73, 0xC6, 0x01, 0x00, 0x00]
        case .contactVariantA:
            return [
                0x3B, 0xF5, 0x91, 0x00, 0xFF, 0x91, 0x81, 0x71, 0xFE, 0x40, 0x00, 0x42, 0x00, 0x01, 0x00, 0xD1, 0xD6,
            ]
        case .contactVariantB:
            return [
                0x3B, 0xF5, 0x91, 0x00, 0xFF, 0x91, 0x81, 0x71, 0xFE, 0x40, 0x00, 0x42, 0x00, 0x01, 0xB3, 0xA1, 0x15,
            ]
        case .contactless(let index):
            let all: [[UInt8]] = [
                [0x3B, 0x88, 0x80, 0x01, 0x00, 0x00, 0x05, 0xE0, 0xB3, 0x81, 0xA1, 0x00, 0x7F],
                [0x3B, 0x88, 0x80, 0x01, 0x00, 0x00, 0x41, 0xE0, 0xB3, 0x81, 0xA1, 0x00, 0x3B],
                [0x3B, 0x88, 0x80, 0x01, 0x00, 0x4B, 0x51, 0xFF, 0x00, 0x81, 0xD1, 0x00, 0xBC],
                [0x3B, 0x88, 0x80, 0x01, 0x00, 0x4B, 0x51, 0xFF, 0xB3, 0x81, 0xD1, 0x00, 0x0F],
            ]
            return all[min(max(index, 0), all.count - 1)]
        case .custom(let bytes):
            return bytes
        }
    }
}

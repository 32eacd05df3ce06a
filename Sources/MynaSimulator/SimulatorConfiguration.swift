//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import MynaSpec

/// Everything that makes one virtual My Number card differ from another: its ATR and length profile, its PINs and
/// counters, its cardholder, and the faults it injects.
///
/// The PINs here are the virtual card's own settings for tests, not anybody's secret. Their formats and largest
/// counters are the real card's (``PINKind``); ``validate()`` checks them.
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

    /// The authentication PIN (``PINKind/authentication``).
    public var authPIN: String
    /// The signing password (``PINKind/signing``).
    public var signPIN: String
    /// The card-info input support PIN (``PINKind/cardInfo``).
    public var cardInfoPIN: String
    /// Tries left on the authentication PIN at power-up (0 = blocked; at most its ``PINKind/maximumTries``).
    public var authPINTries: Int
    /// Tries left on the signing password at power-up (0 = blocked; at most its ``PINKind/maximumTries``).
    public var signPINTries: Int
    /// Tries left on the card-info PIN at power-up (0 = blocked; at most its ``PINKind/maximumTries``).
    public var cardInfoPINTries: Int

    /// The 12-digit My Number; its check digit must be valid (``MyNumberCheckDigit``). It is also 照合番号A.
    public var myNumber: String
    /// The cardholder.
    public var identity: Identity
    /// The card's expiry date, `YYYYMMDD` (card-surface DF 29; its year is part of 照合番号B).
    public var expiryDate: String
    /// The 4-digit security code printed on the card (part of 照合番号B).
    public var securityCode: String
    /// Tries left on the 照合番号A keys (card-surface EF 0013, card-info EF 0014) at power-up, 0 to
    /// ``codeMaximumTries``.
    public var codeATries: Int
    /// Tries left on the 照合番号B keys (card-surface EF 0012, card-info EF 0015) at power-up.
    public var codeBTries: Int

    /// The largest counter of the 照合番号 keys and the birth-date key on the virtual card. Real cards are
    /// **unconfirmed** (3 in one source, 10 for B in another); the client reads the counter and never assumes it.
    public static let codeMaximumTries = 3

    /// The answer to a READ BINARY that asks for more than remains.
    public var endOfFileBehaviour: EndOfFileBehaviour
    /// Padding after the DER in the certificate EFs; `nil` makes each EF exactly as long as its certificate.
    public var certificatePadding: CertificatePadding?
    /// Faults to inject.
    public var faults: Faults

    /// Creates a configuration. Call ``validate()`` (the card's initializer does) before use.
    public init(
        atr: CardATR? = nil,
        extendedLength: Bool = false,
        authPIN: String = "1234",
        signPIN: String = "ABC123",
        cardInfoPIN: String = "1234",
        authPINTries: Int = PINKind.authentication.maximumTries,
        signPINTries: Int = PINKind.signing.maximumTries,
        cardInfoPINTries: Int = PINKind.cardInfo.maximumTries,
        myNumber: String = "123456789018",
        identity: Identity = .sample,
        endOfFileBehaviour: EndOfFileBehaviour = .warning,
        certificatePadding: CertificatePadding? = nil,
        faults: Faults = .none,
        expiryDate: String = "20350412",
        securityCode: String = "5827",
        codeATries: Int = SimulatorConfiguration.codeMaximumTries,
        codeBTries: Int = SimulatorConfiguration.codeMaximumTries
    ) {
        self.expiryDate = expiryDate
        self.securityCode = securityCode
        self.codeATries = codeATries
        self.codeBTries = codeBTries
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

    /// The card's PIN of `kind`.
    public func pin(for kind: PINKind) -> String {
        switch kind {
        case .authentication: authPIN
        case .signing: signPIN
        case .cardInfo: cardInfoPIN
        }
    }

    /// 照合番号B of this card: birth date (Japanese-era year), expiry year and security code, or `nil` when they are
    /// out of form (``validate()`` refuses that).
    public var codeB: String? {
        VerificationCodeB.digits(
            birthDate: identity.birthDate.utf8, expiryYear: expiryDate.utf8.prefix(4), securityCode: securityCode.utf8
        ).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The tries left on the PIN of `kind` at power-up.
    public func initialTries(for kind: PINKind) -> Int {
        switch kind {
        case .authentication: authPINTries
        case .signing: signPINTries
        case .cardInfo: cardInfoPINTries
        }
    }
}

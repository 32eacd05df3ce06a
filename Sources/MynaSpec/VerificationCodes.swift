//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// The two codes (照合番号) that open the card-surface and card-info applets without a PIN. Both are derived from what
/// is printed on the card, so holding the card (or having seen it) is the credential.
///
/// | code | value | card-surface applet | card-info applet |
/// |---|---|---|---|
/// | A | the 12-digit My Number | key EF 0013: surface, My Number image | key EF 0014: My Number, digests |
/// | B | ``VerificationCodeB``: 14 digits | key EF 0012: surface | key EF 0015: attributes, digests |
///
/// Their try counters are **unconfirmed** (one source says 3, another 10 for B): the client reads the counter before
/// every VERIFY, never sends one to a blocked key and refuses the last try unless told.
public enum VerificationCodeKind: String, Hashable, Sendable, CaseIterable, Codable {
    /// 照合番号A: the My Number.
    case a = "code-a"
    /// 照合番号B: birth date (Japanese-era year), expiry year, security code.
    case b = "code-b"

    /// The key EF in the card-surface applet.
    public var surfaceKeyFileID: UInt16 { self == .a ? CardSurfaceApplet.EF.codeAKey : CardSurfaceApplet.EF.codeBKey }
    /// The key EF in the card-info applet.
    public var cardInfoKeyFileID: UInt16 { self == .a ? CardInfoApplet.EF.codeAKey : CardInfoApplet.EF.codeBKey }
    /// The number of ASCII digits of the code.
    public var length: Int { self == .a ? 12 : 14 }

    /// VERIFY's P2 naming a key EF of the selected applet by its number, without a SELECT: `80 | EF` (`93` for
    /// 照合番号A of the card-surface applet), as jsapdu and myna-card send it.
    public static func verifyReference(keyFileID: UInt16) -> UInt8 { 0x80 | UInt8(keyFileID & 0x1F) }

    /// What the code is called on screen.
    public var displayName: String {
        self == .a ? "照合番号A (the 12-digit My Number)" : "照合番号B (birth date, expiry year and security code)"
    }

    /// Whether `bytes` is a code of this kind: 12 digits with a valid My Number check digit, or 14 digits.
    public func isValidFormat(_ bytes: some Collection<UInt8>) -> Bool {
        guard bytes.count == length, bytes.allSatisfy({ (0x30...0x39).contains($0) }) else { return false }
        return self == .b || MyNumberCheckDigit.isValid(String(decoding: Array(bytes), as: UTF8.self))
    }
}

/// The Japanese eras (元号) from Meiji on, for the birth-date part of 照合番号B.
///
/// An era starts on its first day (the day after the previous emperor's death, or the accession for Reiwa); the year
/// of the era is the western year minus the era's first year plus one (明治 1868-01-25, 大正 1912-07-30, 昭和
/// 1926-12-25, 平成 1989-01-08, 令和 2019-05-01, as myna-card counts them).
public enum JapaneseEra: String, Hashable, Sendable, CaseIterable {
    case meiji = "明治"
    case taisho = "大正"
    case showa = "昭和"
    case heisei = "平成"
    case reiwa = "令和"

    /// The first day, as `YYYYMMDD`.
    public var firstDay: Int {
        switch self {
        case .meiji: 1868_01_25
        case .taisho: 1912_07_30
        case .showa: 1926_12_25
        case .heisei: 1989_01_08
        case .reiwa: 2019_05_01
        }
    }

    /// The era and the year of the era of a western date `YYYYMMDD`, or `nil` before Meiji.
    public static func of(_ date: Int) -> (era: JapaneseEra, year: Int)? {
        guard let era = allCases.last(where: { $0.firstDay <= date }) else { return nil }
        return (era, date / 10000 - era.firstDay / 10000 + 1)
    }
}

/// 照合番号B: 14 ASCII digits = birth date `YYMMDD` with the **Japanese-era** year, the card's expiry year (western, 4
/// digits), and the 4-digit security code printed on the card. myna-card's test card: born 1980-02-17 (昭和55),
/// expiry 2035, code 2285 → `55021720352285`; its first six digits (`550217`) are the card-surface birth-date key.
public enum VerificationCodeB {
    /// The 14 digits, or `nil` when an input is out of form: `birthDate` not a plausible `YYYYMMDD` on or after
    /// 1868-01-25, `expiryYear` not 4 digits, `securityCode` not 4 digits.
    public static func digits(birthDate: some Collection<UInt8>, expiryYear: some Collection<UInt8>,
        securityCode: some Collection<UInt8>) -> [UInt8]?
    {
        guard let birth = birthDateKey(birthDate: birthDate), expiryYear.count == 4, securityCode.count == 4,
            expiryYear.allSatisfy(isDigit), securityCode.allSatisfy(isDigit)
        else { return nil }
        return birth + Array(expiryYear) + Array(securityCode)
    }

    /// The birth-date key: `YYMMDD` with the year of the Japanese era, or `nil` for a date out of form.
    public static func birthDateKey(birthDate: some Collection<UInt8>) -> [UInt8]? {
        let digits = Array(birthDate)
        guard digits.count == 8, digits.allSatisfy(isDigit) else { return nil }
        let date = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        let month = date / 100 % 100
        let day = date % 100
        guard (1...12).contains(month), (1...31).contains(day), let (_, year) = JapaneseEra.of(date), year < 100
        else { return nil }
        return [UInt8(0x30 + year / 10), UInt8(0x30 + year % 10)] + digits[4..<8]
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
}

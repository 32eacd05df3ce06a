//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

#if canImport(Glibc)
import Glibc
#endif

/// 照合番号A or B, held like a ``PIN``: checked on creation, never printed, wiped by ``wipe()``, after use and on
/// release.
///
/// - 照合番号A is the 12-digit My Number (its check digit is checked).
/// - 照合番号B is computed here from the birth date, the card's expiry year and the security code printed on the card
///   (``VerificationCodeB``): the birth year goes in as the year of its Japanese era, as the card expects.
public final class VerificationCode: @unchecked Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    // @unchecked: the storage is written only by init and wipe(); callers hand a code to one flow at a time.
    public let kind: VerificationCodeKind
    private var storage: [UInt8]

    /// Takes the code's digits from `bytes` (a trailing newline is dropped) and wipes `bytes`.
    ///
    /// - Throws: ``MynaCardError`` `.invalidPINFormat` naming the rule, without echoing the input.
    public init(kind: VerificationCodeKind, consuming bytes: inout [UInt8]) throws {
        defer { PIN.zero(&bytes) }
        var value = bytes
        while let last = value.last, last == 0x0A || last == 0x0D {
            value[value.count - 1] = 0
            value.removeLast()
        }
        self.kind = kind
        guard kind.isValidFormat(value) else {
            PIN.zero(&value)
            let rule = kind == .a ? "12 digits with a valid check digit" : "14 digits"
            throw MynaCardError(.invalidPINFormat, "\(kind.displayName) must be \(rule)")
        }
        storage = value
        PIN.zero(&value)
    }

    /// 照合番号A from a My Number read from the card (the card-info applet, after its PIN).
    public convenience init(myNumber: MyNumber) throws {
        var bytes = Array(myNumber.digits.utf8)
        try self.init(kind: .a, consuming: &bytes)
    }

    /// 照合番号B from the birth date (`YYYYMMDD`, western), the card's expiry year (`YYYY`) and the 4-digit security
    /// code, each wiped afterwards.
    ///
    /// - Throws: ``MynaCardError`` `.invalidPINFormat` for an input out of form (a birth date before 1868-01-25, a
    ///   month 13, a code of 3 digits), naming the input but not its value.
    public static func codeB(birthDate: inout [UInt8], expiryYear: inout [UInt8], securityCode: inout [UInt8]) throws
        -> VerificationCode
    {
        defer {
            PIN.zero(&birthDate)
            PIN.zero(&expiryYear)
            PIN.zero(&securityCode)
        }
        func trimmed(_ bytes: [UInt8]) -> [UInt8] { bytes.filter { $0 != 0x0A && $0 != 0x0D && $0 != 0x20 } }
        guard VerificationCodeB.birthDateKey(birthDate: trimmed(birthDate)) != nil else {
            throw MynaCardError(.invalidPINFormat, "the birth date must be YYYYMMDD (western calendar, from 1868-01-25)")
        }
        guard var digits = VerificationCodeB.digits(
            birthDate: trimmed(birthDate), expiryYear: trimmed(expiryYear), securityCode: trimmed(securityCode))
        else {
            throw MynaCardError(
                .invalidPINFormat, "the card's expiry year must be 4 digits (YYYY) and the security code 4 digits")
        }
        return try VerificationCode(kind: .b, consuming: &digits)
    }

    deinit { PIN.zero(&storage) }

    /// Overwrites the code with zeros; afterwards it is empty.
    public func wipe() {
        PIN.zero(&storage)
        storage = []
    }

    /// Whether ``wipe()`` was called.
    public var isWiped: Bool { storage.isEmpty }

    func withBytes<R>(_ body: ([UInt8]) throws -> R) rethrows -> R {
        try body(storage)
    }

    public var description: String { "VerificationCode(<redacted>)" }
    public var debugDescription: String { "VerificationCode(\(kind.rawValue), <redacted>)" }
}

extension MyNumber {
    /// `********` and the last four digits, as receipts print it: what `mynumber` and `surface` show unless told to
    /// reveal the number.
    public var masked: String { String(repeating: "*", count: 8) + digits.suffix(4) }
}

/// The state of one 照合番号 key's retry counter in one applet.
public struct VerificationCodeStatus: Hashable, Sendable {
    public var kind: VerificationCodeKind
    /// The tries left, or `nil` when the card reported no counter (`63 00`): then no VERIFY is sent unless the caller
    /// allows the last try, since this one could be it.
    public var triesLeft: Int?
    /// The key is already verified in this selection (the card answered `90 00` to the empty VERIFY).
    public var isVerified: Bool
    public var isBlocked: Bool { triesLeft == 0 }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// A 12-digit individual number (個人番号) with a valid check digit.
///
/// The description never shows the number; use ``digits`` deliberately.
public struct MyNumber: Hashable, Sendable, CustomStringConvertible {
    /// The 12 ASCII digits.
    public let digits: String

    /// Validates the format and the check digit.
    ///
    /// - Throws: ``MynaCardError`` `.invalidMyNumber`.
    public init(_ digits: String) throws {
        guard digits.utf8.count == 12, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw MynaCardError(.invalidMyNumber, "a My Number has exactly 12 digits")
        }
        let values = digits.utf8.map { Int($0 - 0x30) }
        guard Self.checkDigit(of: Array(values.prefix(11))) == values[11] else {
            throw MynaCardError(.invalidMyNumber, "the My Number's check digit is wrong")
        }
        self.digits = digits
    }

    /// The check digit of the first 11 digits (the ministry ordinance's rule, jpki-card-facts.md section 9).
    ///
    /// Digits are numbered from the right: P1 is the 11th digit. Weights Qn = n + 1 for n <= 6, n - 5 above.
    public static func checkDigit(of first11: [Int]) -> Int {
        precondition(first11.count == 11)
        var sum = 0
        for n in 1...11 {
            let p = first11[11 - n]
            let q = n <= 6 ? n + 1 : n - 5
            sum += p * q
        }
        let remainder = sum % 11
        return remainder <= 1 ? 0 : 11 - remainder
    }

    public var description: String { "MyNumber(<redacted>)" }
}

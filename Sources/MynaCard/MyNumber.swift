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

    /// Validates the format and the check digit (``MyNumberCheckDigit``).
    ///
    /// - Throws: ``MynaCardError`` `.invalidMyNumber`.
    public init(_ digits: String) throws {
        guard digits.utf8.count == 12, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw MynaCardError(.invalidMyNumber, "a My Number has exactly 12 digits")
        }
        guard MyNumberCheckDigit.isValid(digits) else {
            throw MynaCardError(.invalidMyNumber, "the My Number's check digit is wrong")
        }
        self.digits = digits
    }

    /// The check digit of the first 11 digits, each 0...9 (the rule of 総務省令第八十五号 第五条, in
    /// ``MyNumberCheckDigit``).
    ///
    /// - Precondition: `first11` holds 11 values in 0...9.
    public static func checkDigit(of first11: [Int]) -> Int {
        precondition(first11.count == 11 && first11.allSatisfy { (0...9).contains($0) })
        guard let digit = MyNumberCheckDigit.of(first11.map { UInt8($0) + 0x30 }) else {
            preconditionFailure("11 digits always have a check digit")
        }
        return digit
    }

    public var description: String { "MyNumber(<redacted>)" }
}

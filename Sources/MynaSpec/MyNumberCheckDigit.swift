//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// The check digit of the individual number (個人番号), the public rule of 総務省令第八十五号 第五条.
///
/// Number the first 11 digits from the right: P(n) is the n-th digit counted from the right, n = 1...11, with weights
/// Q(n) = n + 1 for n <= 6 and n - 5 above (from the left: 6 5 4 3 2 7 6 5 4 3 2). With r = (sum of P(n) x Q(n))
/// mod 11, the check digit is 0 when r <= 1, else 11 - r. `12345678901` gives 212, r = 3, check digit 8.
public enum MyNumberCheckDigit {
    /// The check digit of `first11` (11 ASCII digits), or `nil` when `first11` is not 11 ASCII digits.
    public static func of(_ first11: some Collection<UInt8>) -> Int? {
        let digits = Array(first11)
        guard digits.count == 11, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        var sum = 0
        for n in 1...11 {
            sum += Int(digits[11 - n] - 0x30) * (n <= 6 ? n + 1 : n - 5)
        }
        let remainder = sum % 11
        return remainder <= 1 ? 0 : 11 - remainder
    }

    /// Whether `number` is 12 ASCII digits whose last one is the check digit of the first 11.
    public static func isValid(_ number: String) -> Bool {
        let digits = Array(number.utf8)
        guard digits.count == 12, let check = of(digits.prefix(11)) else { return false }
        return Int(digits[11]) - 0x30 == check
    }
}

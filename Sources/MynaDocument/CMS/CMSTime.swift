//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import FoundationEssentials

/// The signing-time attribute's value: UTCTime for 1950 to 2049, GeneralizedTime otherwise (RFC 5652 section
/// 11.3), always in UTC with seconds and `Z`.
enum CMSTime {
    static func encode(_ date: Date) -> [UInt8] {
        let time = CivilTime(date)
        let rest = [time.month, time.day, time.hour, time.minute, time.second].map { CivilTime.digits($0, 2) }.joined()
        if (1950...2049).contains(time.year) {
            return DER.element(DER.Tag.utcTime, Array((CivilTime.digits(time.year % 100, 2) + rest + "Z").utf8))
        }
        return DER.element(DER.Tag.generalizedTime, Array((CivilTime.digits(time.year, 4) + rest + "Z").utf8))
    }

    /// The time in a UTCTime or GeneralizedTime element (`Z` only, as RFC 5280 and 5652 require), or `nil`.
    static func decode(_ element: DER.Element) -> Date? {
        let text = Array(element.content)
        let yearDigits: Int
        switch element.tag {
        case DER.Tag.utcTime: yearDigits = 2
        case DER.Tag.generalizedTime: yearDigits = 4
        default: return nil
        }
        guard text.count == yearDigits + 11, text.last == UInt8(ascii: "Z"),
            text.dropLast().allSatisfy({ (0x30...0x39).contains($0) })
        else { return nil }
        var index = 0
        func number(_ count: Int) -> Int {
            defer { index += count }
            return text[index..<(index + count)].reduce(0) { $0 * 10 + Int($1 - 0x30) }
        }
        var year = number(yearDigits)
        if yearDigits == 2 { year += year < 50 ? 2000 : 1900 }
        return CivilTime(
            year: year, month: number(2), day: number(2), hour: number(2), minute: number(2), second: number(2)
        ).date
    }
}

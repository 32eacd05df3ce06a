//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation

/// The signing-time attribute's value: UTCTime for 1950 to 2049, GeneralizedTime otherwise (RFC 5652 section
/// 11.3), always in UTC with seconds and `Z`.
enum CMSTime {
    static func encode(_ date: Date) -> [UInt8] {
        let parts = components(date)
        let digits = [parts.month, parts.day, parts.hour, parts.minute, parts.second].map(twoDigits).joined()
        if (1950...2049).contains(parts.year) {
            return DER.element(DER.Tag.utcTime, Array((twoDigits(parts.year % 100) + digits + "Z").utf8))
        }
        return DER.element(
            DER.Tag.generalizedTime, Array((String(format: "%04d", parts.year) + digits + "Z").utf8))
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
        var parts = DateComponents()
        parts.year = year
        parts.month = number(2)
        parts.day = number(2)
        parts.hour = number(2)
        parts.minute = number(2)
        parts.second = number(2)
        guard let month = parts.month, (1...12).contains(month), let day = parts.day, (1...31).contains(day),
            let hour = parts.hour, hour < 24, let minute = parts.minute, minute < 60, let second = parts.second,
            second < 61
        else { return nil }
        return calendar.date(from: parts)
    }

    static func components(_ date: Date) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return (parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
    }

    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    private static func twoDigits(_ value: Int) -> String { String(format: "%02d", value) }
}

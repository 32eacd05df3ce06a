//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import FoundationEssentials
import MynaVerify

/// Times on the command line: RFC 3339 with an explicit zone, nothing else.
///
/// A time without a zone (`2031-11-27T23:59:00`) is ambiguous by up to a day around the world and was once read as
/// midnight UTC, which turned an expired certificate valid; a date alone, trailing text or an out-of-range field is
/// refused rather than guessed. Accepted: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)`, `T`/`Z` in either case.
/// Years 0000-9999 are accepted, so that a time long before or after a certificate's validity is a verdict
/// (NOT YET VALID, EXPIRED) rather than a parse error.
enum RFC3339 {
    /// The accepted forms, for error messages.
    static let accepted = "RFC 3339 with a zone, such as 2026-01-31T12:00:00Z or 2026-01-31T21:00:00+09:00"

    static func parse(_ text: String) -> Date? {
        let b = Array(text.utf8)
        var i = 0
        func number(_ count: Int) -> Int? {
            guard i + count <= b.count else { return nil }
            var value = 0
            for byte in b[i..<(i + count)] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            i += count
            return value
        }
        func expect(_ characters: UInt8...) -> Bool {
            guard i < b.count, characters.contains(b[i]) else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect(0x2D), let month = number(2), expect(0x2D), let day = number(2),
            expect(0x54, 0x74), let hour = number(2), expect(0x3A), let minute = number(2), expect(0x3A),
            let second = number(2)
        else { return nil }
        var fraction = 0.0
        if i < b.count, b[i] == 0x2E {
            i += 1
            let start = i
            var scale = 0.1
            while i < b.count, (0x30...0x39).contains(b[i]) {
                fraction += Double(b[i] - 0x30) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        let offsetSeconds: Int
        if expect(0x5A, 0x7A) {
            offsetSeconds = 0
        } else {
            guard i < b.count, b[i] == 0x2B || b[i] == 0x2D else { return nil }
            let sign = b[i] == 0x2D ? -1 : 1
            i += 1
            guard let offsetHour = number(2), expect(0x3A), let offsetMinute = number(2), offsetHour <= 23,
                offsetMinute <= 59
            else { return nil }
            offsetSeconds = sign * (offsetHour * 3600 + offsetMinute * 60)
        }
        guard i == b.count,
            let local = CivilTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second).date
        else { return nil }
        return Date(timeIntervalSince1970: local.timeIntervalSince1970 - Double(offsetSeconds) + fraction)
    }

    /// `2026-01-31T12:00:00Z`.
    static func format(_ date: Date) -> String {
        let t = CivilTime(date)
        return TextFormat.printf("%04d-%02d-%02dT%02d:%02d:%02dZ", t.year, t.month, t.day, t.hour, t.minute, t.second)
    }
}

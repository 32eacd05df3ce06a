//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

#if canImport(Glibc)
import Glibc
#endif

/// Text helpers the CLI used from Foundation, kept here so that it links only FoundationEssentials: each gives the
/// same text as the Foundation call it replaces (named in its documentation).
enum TextFormat {
    /// `format` filled in by the C library's `vsnprintf(3)`, as `String(format:)` formats numbers (`%.1f`, `%04x`,
    /// `%02X`, `%d`): the process keeps the C locale, so the decimal point is always `.`. Numbers only: a Swift
    /// `String` is not a C string argument.
    static func printf(_ format: String, _ arguments: any CVarArg...) -> String {
        var capacity = 64
        while true {
            var buffer = [CChar](repeating: 0, count: capacity)
            let length = Int(withVaList(arguments) { vsnprintf(&buffer, capacity, format, $0) })
            guard length >= 0 else { return "" }
            if length < capacity {
                return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
            capacity = length + 1
        }
    }

    /// `text` padded with spaces, or cut, to `width` UTF-16 units: `padding(toLength:withPad:" ",startingAt:0)`.
    static func padded(_ text: String, toWidth width: Int) -> String {
        let length = text.utf16.count
        if length >= width { return String(decoding: text.utf16.prefix(width), as: UTF16.self) }
        return text + String(repeating: " ", count: width - length)
    }

    /// `text` without tabs and Unicode space separators around it: `trimmingCharacters(in: .whitespaces)`.
    static func trimmingBlanks(_ text: some StringProtocol) -> String {
        trimming(text) { $0 == "\t" || $0.properties.generalCategory == .spaceSeparator }
    }

    /// `text` without white space and line breaks around it: `trimmingCharacters(in: .whitespacesAndNewlines)`
    /// (Unicode separators, tab, U+000A to U+000D and U+0085).
    static func trimmingWhitespace(_ text: some StringProtocol) -> String {
        trimming(text) { scalar in
            switch scalar.properties.generalCategory {
            case .spaceSeparator, .lineSeparator, .paragraphSeparator: true
            default: scalar == "\t" || ("\n"..."\r").contains(scalar) || scalar == "\u{85}"
            }
        }
    }

    private static func trimming(_ text: some StringProtocol, while isTrimmed: (Unicode.Scalar) -> Bool) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isTrimmed($0) }),
            let last = scalars.lastIndex(where: { !isTrimmed($0) })
        else { return "" }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}

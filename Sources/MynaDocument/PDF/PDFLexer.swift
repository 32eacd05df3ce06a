//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// Reads PDF objects from bytes (ISO 32000-1 section 7.2 and 7.3): a file, or a decoded object stream.
///
/// Every read is bounded by the buffer; nesting is limited so that hostile input cannot exhaust the stack.
struct PDFLexer {
    let bytes: [UInt8]
    var position: Int

    /// Deeper nesting of arrays and dictionaries is refused.
    static let maximumDepth = 64

    init(_ bytes: [UInt8], at position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x00 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D || byte == 0x20
    }

    static func isDelimiter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "["),
            UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "/"), UInt8(ascii: "%"):
            true
        default: false
        }
    }

    static func isRegular(_ byte: UInt8) -> Bool { !isWhitespace(byte) && !isDelimiter(byte) }

    /// Skips white space and comments.
    mutating func skipWhitespace() {
        while position < bytes.count {
            let byte = bytes[position]
            if Self.isWhitespace(byte) {
                position += 1
            } else if byte == UInt8(ascii: "%") {
                while position < bytes.count, bytes[position] != 0x0A, bytes[position] != 0x0D { position += 1 }
            } else {
                return
            }
        }
    }

    /// The run of regular characters at the position (a keyword or a number), without consuming it.
    func peekToken() -> ArraySlice<UInt8> {
        var end = position
        while end < bytes.count, Self.isRegular(bytes[end]) { end += 1 }
        return bytes[position..<end]
    }

    /// Consumes `keyword` (after white space) if it is the next token.
    mutating func accept(_ keyword: String) -> Bool {
        skipWhitespace()
        guard peekToken().elementsEqual(keyword.utf8) else { return false }
        position += keyword.utf8.count
        return true
    }

    mutating func expect(_ keyword: String) throws {
        guard accept(keyword) else { throw Self.error("expected '\(keyword)' at byte \(position)") }
    }

    /// A non-negative integer token.
    mutating func readUnsigned() throws -> Int {
        skipWhitespace()
        let token = peekToken()
        guard !token.isEmpty, token.count <= 18, token.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw Self.error("expected a number at byte \(position)")
        }
        position += token.count
        return token.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    /// The object at the position, `n g R` references included.
    mutating func readObject(depth: Int = 0) throws -> PDFObject {
        guard depth < Self.maximumDepth else { throw Self.error("objects nested too deeply") }
        skipWhitespace()
        guard position < bytes.count else { throw Self.error("unexpected end of data") }
        let byte = bytes[position]
        switch byte {
        case UInt8(ascii: "/"):
            return .name(readName())
        case UInt8(ascii: "("):
            return .string(try readLiteralString())
        case UInt8(ascii: "<"):
            if position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "<") {
                return .dictionary(try readDictionary(depth: depth))
            }
            return .string(try readHexString())
        case UInt8(ascii: "["):
            position += 1
            var elements: [PDFObject] = []
            while true {
                skipWhitespace()
                guard position < bytes.count else { throw Self.error("unterminated array") }
                if bytes[position] == UInt8(ascii: "]") {
                    position += 1
                    return .array(elements)
                }
                elements.append(try readObject(depth: depth + 1))
            }
        default:
            return try readKeywordOrNumber()
        }
    }

    /// `<< /Key value … >>`.
    mutating func readDictionary(depth: Int) throws -> PDFDictionary {
        position += 2
        var dictionary = PDFDictionary()
        while true {
            skipWhitespace()
            guard position + 1 < bytes.count else { throw Self.error("unterminated dictionary") }
            if bytes[position] == UInt8(ascii: ">"), bytes[position + 1] == UInt8(ascii: ">") {
                position += 2
                return dictionary
            }
            guard bytes[position] == UInt8(ascii: "/") else {
                throw Self.error("a dictionary key is not a name at byte \(position)")
            }
            let key = readName()
            let value = try readObject(depth: depth + 1)
            // A null value is the same as no entry (section 7.3.7).
            dictionary[key] = value == .null ? nil : value
        }
    }

    private mutating func readKeywordOrNumber() throws -> PDFObject {
        let token = peekToken()
        guard !token.isEmpty else { throw Self.error("unexpected character at byte \(position)") }
        let text = String(decoding: token, as: UTF8.self)
        switch text {
        case "true": position += 4; return .boolean(true)
        case "false": position += 5; return .boolean(false)
        case "null": position += 4; return .null
        default: break
        }
        let numeric = token.allSatisfy {
            (0x30...0x39).contains($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: ".")
        }
        guard numeric else { throw Self.error("unexpected '\(text.prefix(20))' at byte \(position)") }
        position += token.count
        if token.contains(UInt8(ascii: ".")) { return .real(text) }
        guard token.count <= 18, let value = Int(text) else { return .real(text) }
        // `n g R`: look ahead for a generation number and R without consuming anything else.
        if value >= 0, !text.hasPrefix("+") {
            var lookahead = self
            lookahead.skipWhitespace()
            let generation = lookahead.peekToken()
            if !generation.isEmpty, generation.count <= 5, generation.allSatisfy({ (0x30...0x39).contains($0) }) {
                lookahead.position += generation.count
                if lookahead.accept("R") {
                    self = lookahead
                    return .reference(PDFReference(number: value, generation: Int(String(decoding: generation, as: UTF8.self))!))
                }
            }
        }
        return .integer(value)
    }

    /// `/Name` with `#xx` escapes decoded; each byte becomes one Unicode scalar (Latin-1), so nothing is lost.
    private mutating func readName() -> String {
        position += 1
        var scalars = String.UnicodeScalarView()
        while position < bytes.count, Self.isRegular(bytes[position]) {
            var byte = bytes[position]
            if byte == UInt8(ascii: "#"), position + 2 < bytes.count,
                let high = Self.hexValue(bytes[position + 1]), let low = Self.hexValue(bytes[position + 2])
            {
                byte = high << 4 | low
                position += 2
            }
            scalars.append(Unicode.Scalar(byte))
            position += 1
        }
        return String(scalars)
    }

    /// `( … )` with balanced parentheses and escapes (section 7.3.4.2).
    private mutating func readLiteralString() throws -> [UInt8] {
        position += 1
        var output: [UInt8] = []
        var depth = 1
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "("):
                depth += 1
                output.append(byte)
            case UInt8(ascii: ")"):
                depth -= 1
                if depth == 0 { return output }
                output.append(byte)
            case UInt8(ascii: "\\"):
                guard position < bytes.count else { break }
                let escaped = bytes[position]
                position += 1
                switch escaped {
                case UInt8(ascii: "n"): output.append(0x0A)
                case UInt8(ascii: "r"): output.append(0x0D)
                case UInt8(ascii: "t"): output.append(0x09)
                case UInt8(ascii: "b"): output.append(0x08)
                case UInt8(ascii: "f"): output.append(0x0C)
                case 0x0D:
                    if position < bytes.count, bytes[position] == 0x0A { position += 1 }
                case 0x0A: break
                case 0x30...0x37:
                    var value = Int(escaped - 0x30)
                    for _ in 0..<2 where position < bytes.count && (0x30...0x37).contains(bytes[position]) {
                        value = value * 8 + Int(bytes[position] - 0x30)
                        position += 1
                    }
                    output.append(UInt8(truncatingIfNeeded: value))
                default: output.append(escaped)
                }
            default:
                output.append(byte)
            }
        }
        throw Self.error("unterminated string")
    }

    /// `<4E6F>`; white space is ignored and a missing last digit is 0 (section 7.3.4.3).
    private mutating func readHexString() throws -> [UInt8] {
        position += 1
        var output: [UInt8] = []
        var high: UInt8?
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: ">") {
                if let high { output.append(high << 4) }
                return output
            }
            if Self.isWhitespace(byte) { continue }
            guard let value = Self.hexValue(byte) else { throw Self.error("a hex string holds '\(Unicode.Scalar(byte))'") }
            if let pending = high {
                output.append(pending << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        throw Self.error("unterminated hex string")
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }

    static func error(_ reason: String) -> MynaVerifyError {
        MynaVerifyError(code: .malformedPDF, reason: "PDF: \(reason)")
    }
}

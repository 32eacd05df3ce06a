//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// An indirect object's number and generation (`12 0 R`).
struct PDFReference: Hashable, Sendable {
    var number: Int
    var generation: Int
}

/// A PDF object (ISO 32000-1 section 7.3), as much as reading and rewriting dictionaries needs.
///
/// Strings keep their bytes (written back as hex strings), names their decoded bytes, reals the text they were
/// written with, so an object that is read and written again means the same.
indirect enum PDFObject: Equatable, Sendable {
    case null
    case boolean(Bool)
    case integer(Int)
    /// A real number as written in the file (`595.28`, `-.5`).
    case real(String)
    case string([UInt8])
    case name(String)
    case array([PDFObject])
    case dictionary(PDFDictionary)
    case reference(PDFReference)
    /// A stream: its dictionary and where its data lies in the file (or in a decoded buffer).
    case stream(PDFDictionary, Range<Int>)

    var dictionary: PDFDictionary? {
        switch self {
        case .dictionary(let dictionary), .stream(let dictionary, _): dictionary
        default: nil
        }
    }

    var array: [PDFObject]? { if case .array(let array) = self { array } else { nil } }
    var integer: Int? { if case .integer(let value) = self { value } else { nil } }
    var name: String? { if case .name(let name) = self { name } else { nil } }
    var string: [UInt8]? { if case .string(let bytes) = self { bytes } else { nil } }
    var reference: PDFReference? { if case .reference(let reference) = self { reference } else { nil } }

    // MARK: - Writing

    /// The object in PDF syntax; streams cannot be written (their data is not copied by this module).
    func serialized() -> [UInt8] {
        var output: [UInt8] = []
        write(to: &output)
        return output
    }

    func write(to output: inout [UInt8]) {
        switch self {
        case .null: output += Array("null".utf8)
        case .boolean(let value): output += Array((value ? "true" : "false").utf8)
        case .integer(let value): output += Array(String(value).utf8)
        case .real(let text): output += Array(text.utf8)
        case .string(let bytes): output += PDFObject.hexString(bytes)
        case .name(let name): output += PDFObject.nameBytes(name)
        case .reference(let reference): output += Array("\(reference.number) \(reference.generation) R".utf8)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: " ")) }
                element.write(to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .dictionary(let dictionary):
            dictionary.write(to: &output)
        case .stream:
            preconditionFailure("streams are never rewritten")
        }
    }

    /// `<48656C6C6F>`.
    static func hexString(_ bytes: [UInt8]) -> [UInt8] {
        let digits = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = [UInt8(ascii: "<")]
        output.reserveCapacity(bytes.count * 2 + 2)
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
        output.append(UInt8(ascii: ">"))
        return output
    }

    /// `/Name`, with `#xx` for bytes outside the regular printable characters (section 7.3.5).
    static func nameBytes(_ name: String) -> [UInt8] {
        var output: [UInt8] = [UInt8(ascii: "/")]
        for scalar in name.unicodeScalars {
            let byte = UInt8(truncatingIfNeeded: scalar.value)
            if byte > 0x20, byte < 0x7F, !PDFLexer.isDelimiter(byte), byte != UInt8(ascii: "#") {
                output.append(byte)
            } else {
                let digits = Array("0123456789ABCDEF".utf8)
                output += [UInt8(ascii: "#"), digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
            }
        }
        return output
    }

    /// A text string (section 7.9.2.2): ASCII as it is, anything else UTF-16BE with a byte order mark.
    static func textString(_ text: String) -> PDFObject {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return .string(Array(text.utf8)) }
        var bytes: [UInt8] = [0xFE, 0xFF]
        for unit in text.utf16 { bytes += [UInt8(unit >> 8), UInt8(unit & 0xFF)] }
        return .string(bytes)
    }

    /// The text of a text string: UTF-16BE with a byte order mark, UTF-8 with one (PDF 2.0), otherwise
    /// PDFDocEncoding read as Latin-1 (they agree on printable ASCII).
    static func text(of bytes: [UInt8]) -> String {
        if bytes.starts(with: [0xFE, 0xFF]) {
            let body = bytes.dropFirst(2)
            let units = stride(from: body.startIndex, to: body.endIndex - 1, by: 2).map {
                UInt16(body[$0]) << 8 | UInt16(body[$0 + 1])
            }
            return String(decoding: units, as: UTF16.self)
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return String(decoding: bytes.dropFirst(3), as: UTF8.self) }
        return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }
}

/// A dictionary that keeps its keys in file order (so rewritten objects read like the originals).
struct PDFDictionary: Equatable, Sendable {
    private(set) var entries: [(key: String, value: PDFObject)] = []

    init(_ entries: [(key: String, value: PDFObject)] = []) {
        for entry in entries { self[entry.key] = entry.value }
    }

    subscript(key: String) -> PDFObject? {
        get { entries.first { $0.key == key }?.value }
        set {
            if let index = entries.firstIndex(where: { $0.key == key }) {
                if let newValue { entries[index].value = newValue } else { entries.remove(at: index) }
            } else if let newValue {
                entries.append((key, newValue))
            }
        }
    }

    func write(to output: inout [UInt8]) {
        output += Array("<<".utf8)
        for entry in entries {
            output += PDFObject.nameBytes(entry.key)
            output.append(UInt8(ascii: " "))
            entry.value.write(to: &output)
            output.append(UInt8(ascii: " "))
        }
        output += Array(">>".utf8)
    }

    static func == (lhs: PDFDictionary, rhs: PDFDictionary) -> Bool {
        lhs.entries.count == rhs.entries.count
            && zip(lhs.entries, rhs.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import FoundationEssentials

/// The PEM text format (RFC 7468): `-----BEGIN LABEL-----`, base64 lines, `-----END LABEL-----`.
///
/// Parsed in Swift rather than with OpenSSL's PEM reader so that garbage text gets a precise error.
enum PEM {
    struct Block: Sendable {
        var label: String
        var der: [UInt8]
    }

    /// Whether `bytes` look like DER rather than text: DER structures used here always start with a SEQUENCE.
    static func looksLikeDER(_ bytes: [UInt8]) -> Bool { bytes.first == 0x30 }

    /// Every PEM block in `bytes`, in order. Text outside blocks (comments, `openssl x509 -text` output) is ignored.
    ///
    /// - Throws: ``MynaVerifyError/Code/malformedPEM`` if the text is not UTF-8, a block is unterminated or its base64
    ///   is invalid, or no block is present.
    static func blocks(in bytes: [UInt8], what: String) throws -> [Block] {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw MynaVerifyError.malformedPEM("\(what): neither DER nor PEM text (not UTF-8)")
        }
        var blocks: [Block] = []
        var currentLabel: String?
        var body = ""
        for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = trimmingBlanks(rawLine)
            if let label = currentLabel {
                if line.hasPrefix("-----END ") {
                    guard line == "-----END \(label)-----" else {
                        throw MynaVerifyError.malformedPEM("\(what): BEGIN \(label) closed by \(line)")
                    }
                    guard let data = Data(base64Encoded: body), !data.isEmpty else {
                        throw MynaVerifyError.malformedPEM("\(what): the \(label) block is not valid base64")
                    }
                    blocks.append(Block(label: label, der: [UInt8](data)))
                    currentLabel = nil
                    body = ""
                } else if line.contains(":") {
                    throw MynaVerifyError.malformedPEM("\(what): encrypted or headered PEM is not supported")
                } else {
                    body += line
                }
            } else if line.hasPrefix("-----BEGIN "), line.hasSuffix("-----"), line.count > 16 {
                currentLabel = String(line.dropFirst(11).dropLast(5))
            }
        }
        if let label = currentLabel {
            throw MynaVerifyError.malformedPEM("\(what): BEGIN \(label) without END (truncated PEM)")
        }
        if blocks.isEmpty {
            throw MynaVerifyError.malformedPEM("\(what): no PEM block found")
        }
        return blocks
    }

    /// The DER of the blocks labelled with one of `labels`.
    static func ders(in bytes: [UInt8], labels: Set<String>, what: String) throws -> [[UInt8]] {
        let matching = try blocks(in: bytes, what: what).filter { labels.contains($0.label) }
        if matching.isEmpty {
            let wanted = labels.sorted().joined(separator: " or ")
            throw MynaVerifyError.malformedPEM("\(what): no \(wanted) PEM block found")
        }
        return matching.map(\.der)
    }

    /// PEM text for `der` with 64-character lines.
    static func encode(_ der: [UInt8], label: String) -> String {
        let base64 = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN \(label)-----\n\(base64)\n-----END \(label)-----\n"
    }
}

/// `line` without the spaces and tabs around it: the characters Foundation's `CharacterSet.whitespaces` holds (tab
/// and the Unicode space separators), so a line ending in a bare CR keeps it.
func trimmingBlanks(_ line: Substring) -> String {
    func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\t" || scalar.properties.generalCategory == .spaceSeparator
    }
    let scalars = line.unicodeScalars
    guard let first = scalars.firstIndex(where: { !isBlank($0) }) else { return "" }
    let last = scalars.lastIndex(where: { !isBlank($0) })!
    return String(scalars[first...last])
}

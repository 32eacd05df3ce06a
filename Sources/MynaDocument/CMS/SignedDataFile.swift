//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation

/// A `.p7s` file as tools write it: DER, or PEM with the label `CMS` (`openssl cms -outform PEM`) or `PKCS7`.
public enum SignedDataFile {
    /// The DER ContentInfo in `bytes`.
    ///
    /// - Throws: ``MynaVerifyError/Code/malformedCMS`` when the bytes are neither DER nor such a PEM block.
    public static func der(_ bytes: [UInt8]) throws -> [UInt8] {
        if bytes.first == DER.Tag.sequence { return bytes }
        let text = String(decoding: bytes, as: UTF8.self)
        for label in ["CMS", "PKCS7"] {
            guard let begin = text.range(of: "-----BEGIN \(label)-----"),
                let end = text.range(of: "-----END \(label)-----", range: begin.upperBound..<text.endIndex)
            else { continue }
            let body = text[begin.upperBound..<end.lowerBound].filter { !$0.isWhitespace }
            if let data = Data(base64Encoded: String(body)) { return [UInt8](data) }
        }
        throw MynaVerifyError(code: .malformedCMS, reason: "not a CMS signature: neither DER nor a PEM CMS or PKCS7 block")
    }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import FoundationEssentials

/// A `.p7s` file as tools write it: DER, or PEM with the label `CMS` (`openssl cms -outform PEM`) or `PKCS7`.
public enum SignedDataFile {
    /// The DER ContentInfo in `bytes`.
    ///
    /// - Throws: ``MynaVerifyError/Code/malformedCMS`` when the bytes are neither DER nor such a PEM block.
    public static func der(_ bytes: [UInt8]) throws -> [UInt8] {
        if bytes.first == DER.Tag.sequence { return bytes }
        for label in ["CMS", "PKCS7"] {
            guard let begin = bytes.firstRange(of: Array("-----BEGIN \(label)-----".utf8)),
                let end = bytes[begin.upperBound...].firstRange(of: Array("-----END \(label)-----".utf8))
            else { continue }
            let body = bytes[begin.upperBound..<end.lowerBound].filter { !PDFLexer.isWhitespace($0) }
            if let data = Data(base64Encoded: Data(body)) { return [UInt8](data) }
        }
        throw MynaVerifyError(code: .malformedCMS, reason: "not a CMS signature: neither DER nor a PEM CMS or PKCS7 block")
    }
}

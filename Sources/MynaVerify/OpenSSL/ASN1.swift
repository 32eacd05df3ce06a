//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import COpenSSL
import FoundationEssentials

/// Conversions of the ASN.1 values OpenSSL hands out (`ASN1_STRING`, `ASN1_OBJECT`, `ASN1_INTEGER`, `ASN1_TIME`)
/// into Swift values. Every argument is borrowed from the certificate or CRL it belongs to.
enum ASN1 {
    /// The content octets of a string.
    static func bytes(of string: UnsafePointer<ASN1_STRING>?) -> [UInt8] {
        guard let string, let data = ASN1_STRING_get0_data(string) else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(string))))
    }

    /// The content octets of an IA5String (email, DNS name, URI) read as UTF-8.
    static func asciiString(_ string: UnsafePointer<ASN1_STRING>?) -> String {
        String(decoding: bytes(of: string), as: UTF8.self)
    }

    /// Any ASN.1 string type converted to UTF-8 by OpenSSL; raw bytes decoded leniently if conversion fails.
    static func utf8String(_ string: UnsafePointer<ASN1_STRING>?) -> String {
        guard let string else { return "" }
        var output: UnsafeMutablePointer<UInt8>?
        let length = ASN1_STRING_to_UTF8(&output, string)
        guard length >= 0, let output else {
            ERR_clear_error()
            return asciiString(string)
        }
        defer { COpenSSL_free(output) }
        return String(decoding: UnsafeBufferPointer(start: output, count: Int(length)), as: UTF8.self)
    }

    /// The dotted form of an OID.
    static func text(of object: OpaquePointer?) -> String {
        var buffer = [CChar](repeating: 0, count: 128)
        return buffer.withUnsafeMutableBufferPointer { raw -> String in
            let length = OBJ_obj2txt(raw.baseAddress, Int32(raw.count), object, 1)
            guard length > 0 else { return "" }
            if Int(length) < raw.count { return String(cString: raw.baseAddress!) }
            // Longer than the buffer: ask again with the exact size.
            var large = [CChar](repeating: 0, count: Int(length) + 1)
            return large.withUnsafeMutableBufferPointer { big -> String in
                _ = OBJ_obj2txt(big.baseAddress, Int32(big.count), object, 1)
                return String(cString: big.baseAddress!)
            }
        }
    }

    /// An integer (a serial number) as upper-case hexadecimal without leading zeros, `-` first when negative.
    static func hexadecimal(_ integer: UnsafePointer<ASN1_INTEGER>) throws -> String {
        guard let number = ASN1_INTEGER_to_BN(integer, nil) else {
            throw MynaVerifyError.malformedDER("certificate: the serial number does not decode")
        }
        defer { BN_free(number) }
        guard let text = BN_bn2hex(number) else { throw MynaVerifyError.openSSL(.openSSLFailure, "BN_bn2hex failed") }
        defer { COpenSSL_free(text) }
        return String(cString: text)
    }

    /// A UTCTime or GeneralizedTime, or `nil` when it does not decode.
    static func date(of time: UnsafePointer<ASN1_TIME>) -> Date? {
        var parts = tm()
        guard ASN1_TIME_to_tm(time, &parts) == 1 else {
            ERR_clear_error()
            return nil
        }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }
}

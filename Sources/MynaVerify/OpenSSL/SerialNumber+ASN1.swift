//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import COpenSSL

extension SerialNumber {
    /// Runs `body` with an `ASN1_INTEGER` that lives on the stack and borrows ``magnitude``: the form `d2i` gives a
    /// decoded INTEGER (big-endian magnitude without leading zeros, the sign in the type), so OpenSSL's comparisons
    /// treat it like any parsed serial number. Nothing is allocated; the integer must not outlive `body`.
    func withASN1Integer<Result>(_ body: (UnsafeMutablePointer<ASN1_INTEGER>) -> Result) -> Result {
        magnitude.withUnsafeBufferPointer { bytes in
            var integer = ASN1_INTEGER(
                length: Int32(bytes.count),
                type: isNegative ? V_ASN1_NEG_INTEGER : V_ASN1_INTEGER,
                data: UnsafeMutablePointer(mutating: bytes.baseAddress),
                flags: 0
            )
            return body(&integer)
        }
    }
}

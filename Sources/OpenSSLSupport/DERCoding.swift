//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import COpenSSL

/// Why DER input did not decode as exactly one object.
package enum DERDecodingError: Error, Hashable, Sendable {
    /// OpenSSL could not decode the input (truncated, wrong lengths, wrong structure). Its reasons are on the error
    /// queue for ``OpenSSLErrorQueue/drain()``.
    case undecodable
    /// One complete object decoded, but this many bytes followed it.
    case trailingBytes(Int)
}

/// Decodes `der` with an OpenSSL `d2i_*` function and insists that the object spans the whole input.
///
/// A `d2i_*` function stops at the end of the first object and only reports how far it read by advancing its cursor,
/// so a certificate followed by garbage decodes without complaint. Inputs in MynaKit are "one certificate", "one
/// CRL", "one key", never a prefix, so this helper measures what is left and frees the object when anything is.
///
/// The error queue is cleared first: after a failure it holds this decoding's reasons only.
///
/// ```swift
/// let x509 = try decodeWholeDER(der, with: { d2i_X509(nil, $0, $1) }, free: X509_free)
/// ```
///
/// - Parameters:
///   - der: the encoding.
///   - decode: calls the `d2i_*` function with the cursor (pointing at the first byte) and the input length.
///   - free: frees an object that `decode` returned.
/// - Returns: the decoded object; the caller owns it and wraps it in its handle class at once.
/// - Throws: ``DERDecodingError``.
package func decodeWholeDER(
    _ der: [UInt8],
    with decode: (UnsafeMutablePointer<UnsafePointer<UInt8>?>, Int) -> OpaquePointer?,
    free: (OpaquePointer) -> Void
) throws(DERDecodingError) -> OpaquePointer {
    ERR_clear_error()
    let outcome: Result<OpaquePointer, DERDecodingError> = der.withUnsafeBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return .failure(.undecodable) }
        var cursor: UnsafePointer<UInt8>? = base
        guard let object = decode(&cursor, buffer.count) else { return .failure(.undecodable) }
        let trailing = buffer.count - (cursor.map { $0 - base } ?? buffer.count)
        guard trailing == 0 else {
            free(object)
            return .failure(.trailingBytes(trailing))
        }
        return .success(object)
    }
    return try outcome.get()
}

/// Runs an OpenSSL `i2d_*` function in its allocating form (`*out == NULL`) and returns the bytes it wrote.
///
/// OpenSSL allocates the output buffer; it is copied into a Swift array and freed here.
///
/// ```swift
/// let der = encodeDER { i2d_X509(x509, $0) }
/// ```
///
/// - Parameter encode: calls the `i2d_*` function with the output pointer to fill.
/// - Returns: the encoding, or `nil` when OpenSSL could not encode (its reasons are on the error queue).
package func encodeDER(_ encode: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>) -> Int32) -> [UInt8]? {
    var output: UnsafeMutablePointer<UInt8>?
    let length = encode(&output)
    guard length > 0, let output else { return nil }
    defer { COpenSSL_free(output) }
    return Array(UnsafeBufferPointer(start: output, count: Int(length)))
}

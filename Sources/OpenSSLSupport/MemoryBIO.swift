//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import COpenSSL

/// Owns an OpenSSL memory `BIO` (`BIO_s_mem`): how bytes go into OpenSSL's PEM reader and come out of its writers.
///
/// Not `Sendable`: a BIO is a stream with a position; each use makes its own.
package final class MemoryBIO {
    package let pointer: OpaquePointer

    /// An empty BIO to write into, or `nil` when OpenSSL cannot allocate one.
    package init?() {
        guard let pointer = BIO_new(BIO_s_mem()) else { return nil }
        self.pointer = pointer
    }

    deinit {
        BIO_free(pointer)
    }

    /// Everything written so far, or `nil` when the BIO does not hand it all back.
    package func contents() -> [UInt8]? {
        let pending = Int(BIO_ctrl_pending(pointer))
        var bytes = [UInt8](repeating: 0, count: pending)
        let read = bytes.withUnsafeMutableBytes { BIO_read(pointer, $0.baseAddress, Int32(pending)) }
        return read == pending ? bytes : nil
    }

    /// Runs `body` with a read-only BIO over `bytes`.
    ///
    /// `BIO_new_mem_buf` does not copy: the BIO reads `bytes` in place, so it exists only for the duration of `body`
    /// and is freed before this returns.
    ///
    /// - Returns: what `body` returns, or `nil` when OpenSSL cannot allocate the BIO.
    package static func withReadOnly<Result>(_ bytes: [UInt8], _ body: (OpaquePointer) -> Result?) -> Result? {
        bytes.withUnsafeBytes { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
            defer { BIO_free(bio) }
            return body(bio)
        }
    }
}

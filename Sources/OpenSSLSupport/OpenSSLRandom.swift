//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import COpenSSL

/// OpenSSL's cryptographically secure random generator (`RAND_bytes(3)`).
package enum OpenSSLRandom {
    /// `count` random bytes, or `nil` when the generator is not seeded or fails; never predictable bytes instead.
    package static func bytes(count: Int) -> [UInt8]? {
        var output = [UInt8](repeating: 0, count: count)
        let status = output.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32($0.count)) }
        return status == 1 ? output : nil
    }
}

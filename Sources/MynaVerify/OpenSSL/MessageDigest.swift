//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import COpenSSL

extension HashAlgorithm {
    /// OpenSSL's `EVP_MD` for this algorithm: the one place a ``HashAlgorithm`` becomes an OpenSSL digest.
    var evpMessageDigest: OpaquePointer? {
        switch self {
        case .sha1: return EVP_sha1()
        case .sha256: return EVP_sha256()
        case .sha384: return EVP_sha384()
        case .sha512: return EVP_sha512()
        }
    }

    /// The digest of `data` in one `EVP_Digest` call.
    ///
    /// - Throws: ``MynaVerifyError/Code/openSSLFailure`` when OpenSSL cannot hash.
    func evpDigest(_ data: [UInt8]) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let status = data.withUnsafeBytes { input in
            output.withUnsafeMutableBufferPointer { out in
                EVP_Digest(input.baseAddress, input.count, out.baseAddress, &length, evpMessageDigest, nil)
            }
        }
        guard status == 1 else { throw MynaVerifyError.openSSL(.openSSLFailure, "EVP_Digest(\(self)) failed") }
        return Array(output.prefix(Int(length)))
    }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import COpenSSL
import OpenSSLSupport

/// Owns an OpenSSL `EVP_MD_CTX`: a hash fed in pieces, so a large file or a PDF's two byte ranges are hashed without
/// being copied into one buffer.
///
/// Not `Sendable`: a context is fed by one caller.
final class DigestContext {
    private let pointer: OpaquePointer
    let algorithm: HashAlgorithm

    /// A context for `algorithm`, found by OpenSSL's name for it (`sha256`, …).
    ///
    /// - Throws: ``MynaVerifyError/Code/openSSLFailure`` when OpenSSL cannot set it up.
    init(_ algorithm: HashAlgorithm) throws {
        guard let context = EVP_MD_CTX_new() else {
            throw MynaVerifyError(code: .openSSLFailure, reason: "EVP_MD_CTX_new failed", openSSLErrors: OpenSSLErrorQueue.drain())
        }
        guard let digest = EVP_get_digestbyname(algorithm.rawValue), EVP_DigestInit_ex(context, digest, nil) == 1 else {
            EVP_MD_CTX_free(context)
            throw MynaVerifyError(
                code: .openSSLFailure, reason: "EVP_DigestInit_ex(\(algorithm)) failed",
                openSSLErrors: OpenSSLErrorQueue.drain())
        }
        self.pointer = context
        self.algorithm = algorithm
    }

    deinit {
        EVP_MD_CTX_free(pointer)
    }

    /// Feeds `bytes`.
    func update(_ bytes: UnsafeRawBufferPointer) throws {
        guard bytes.count > 0 else { return }
        guard EVP_DigestUpdate(pointer, bytes.baseAddress, bytes.count) == 1 else {
            throw MynaVerifyError(
                code: .openSSLFailure, reason: "EVP_DigestUpdate failed", openSSLErrors: OpenSSLErrorQueue.drain())
        }
    }

    /// The digest of everything fed; the context cannot be fed after this.
    func finish() throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let status = output.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(pointer, $0.baseAddress, &length) }
        guard status == 1 else {
            throw MynaVerifyError(
                code: .openSSLFailure, reason: "EVP_DigestFinal_ex failed", openSSLErrors: OpenSSLErrorQueue.drain())
        }
        return Array(output.prefix(Int(length)))
    }
}

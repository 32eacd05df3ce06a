//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import COpenSSL

/// Owns one reference to an OpenSSL `EVP_PKEY` and releases it in `deinit`.
///
/// MynaVerify holds certificate public keys in it; MynaSimulator holds the card's private keys in it.
///
/// `@unchecked Sendable`: a key is never mutated after it is made. Every operation creates its own `EVP_PKEY_CTX`,
/// which is the documented way to use one key from several threads at once (OpenSSL 3, `EVP_PKEY_CTX_new(3)`).
package final class EVPKeyHandle: @unchecked Sendable {
    package let pointer: OpaquePointer

    /// Takes over one reference to `pointer`, which this handle releases.
    package init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    /// Parses a DER SubjectPublicKeyInfo that spans the whole of `der`.
    ///
    /// - Throws: ``DERDecodingError``; OpenSSL's reasons are left on the error queue.
    package convenience init(subjectPublicKeyInfo der: [UInt8]) throws(DERDecodingError) {
        self.init(taking: try decodeWholeDER(der, with: { d2i_PUBKEY(nil, $0, $1) }, free: EVP_PKEY_free))
    }

    deinit {
        EVP_PKEY_free(pointer)
    }

    /// Whether this is an RSA key (`EVP_PKEY_RSA`; RSA-PSS keys are a different type).
    package var isRSA: Bool {
        EVP_PKEY_get_base_id(pointer) == EVP_PKEY_RSA
    }

    /// The key size in bits; for RSA, the modulus length.
    package var bits: Int {
        Int(EVP_PKEY_get_bits(pointer))
    }

    /// The largest signature this key makes, in bytes (for RSA, the modulus length).
    package var size: Int {
        Int(EVP_PKEY_get_size(pointer))
    }

    /// The algorithm as OpenSSL names it (`RSA`, `EC`, …), or `nil` when it has no name.
    package var algorithmName: String? {
        EVP_PKEY_get0_type_name(pointer).map { String(cString: $0) }
    }

    /// The public key as a DER SubjectPublicKeyInfo, or `nil` when OpenSSL cannot encode it.
    package func subjectPublicKeyInfo() -> [UInt8]? {
        encodeDER { i2d_PUBKEY(pointer, $0) }
    }
}

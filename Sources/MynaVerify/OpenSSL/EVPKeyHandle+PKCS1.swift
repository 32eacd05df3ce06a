//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import COpenSSL
import OpenSSLSupport

extension EVPKeyHandle {
    /// RSASSA-PKCS1-v1_5 verification (RFC 8017 section 8.2.2) of `signature` over a precomputed `digest`, with an
    /// `EVP_PKEY_CTX` of its own.
    ///
    /// - Returns: `false` for any signature that does not verify (wrong value, wrong length).
    /// - Throws: ``MynaVerifyError`` only when the key is unusable or OpenSSL cannot set up the operation.
    func verifiesPKCS1(signature: [UInt8], digest: [UInt8], hash: HashAlgorithm) throws -> Bool {
        ERR_clear_error()
        guard let context = EVP_PKEY_CTX_new(pointer, nil) else {
            throw MynaVerifyError.openSSL(.openSSLFailure, "EVP_PKEY_CTX_new failed")
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_verify_init(context) == 1,
            EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PADDING) == 1,
            EVP_PKEY_CTX_set_signature_md(context, hash.evpMessageDigest) == 1
        else {
            throw MynaVerifyError.openSSL(.unsupportedKey, "the key cannot verify RSA PKCS#1 v1.5 \(hash) signatures")
        }
        let status = signature.withUnsafeBufferPointer { signatureBytes in
            digest.withUnsafeBufferPointer { digestBytes in
                EVP_PKEY_verify(
                    context,
                    signatureBytes.baseAddress,
                    signatureBytes.count,
                    digestBytes.baseAddress,
                    digestBytes.count
                )
            }
        }
        // A signature that does not verify leaves entries on the queue; they describe the signature, not an error.
        ERR_clear_error()
        return status == 1
    }
}

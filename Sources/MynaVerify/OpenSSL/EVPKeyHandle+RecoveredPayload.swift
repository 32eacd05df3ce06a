//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import COpenSSL
import OpenSSLSupport

extension EVPKeyHandle {
    /// RSASSA-PKCS1-v1_5 verification against a whole expected payload: the signature, opened with the public key and
    /// stripped of its type-01 padding, must be exactly `payload` (RFC 8017 section 8.2.2 steps 2 and 4 with the
    /// encoding compared byte for byte).
    ///
    /// With no digest set on the context, OpenSSL compares the recovered bytes with `payload` itself. That is what the
    /// card-surface signature needs (a DigestInfo whose OCTET STRING holds three SHA-256 digests, which no message
    /// digest of OpenSSL's describes), and it is just as strict for ordinary DigestInfos.
    ///
    /// - Returns: `false` for any signature that does not open to `payload`.
    /// - Throws: ``MynaVerifyError`` only when OpenSSL cannot set up the operation.
    func verifiesPKCS1(signature: [UInt8], recoveringTo payload: [UInt8]) throws -> Bool {
        ERR_clear_error()
        guard let context = EVP_PKEY_CTX_new(pointer, nil) else {
            throw MynaVerifyError.openSSL(.openSSLFailure, "EVP_PKEY_CTX_new failed")
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_verify_init(context) == 1, EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PADDING) == 1 else {
            throw MynaVerifyError.openSSL(.unsupportedKey, "the key cannot verify RSA PKCS#1 v1.5 signatures")
        }
        let status = signature.withUnsafeBufferPointer { signatureBytes in
            payload.withUnsafeBufferPointer { payloadBytes in
                EVP_PKEY_verify(
                    context, signatureBytes.baseAddress, signatureBytes.count, payloadBytes.baseAddress,
                    payloadBytes.count)
            }
        }
        // A signature that does not verify leaves entries on the queue; they describe the signature, not an error.
        ERR_clear_error()
        return status == 1
    }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import COpenSSL
import OpenSSLSupport

// Keys for the certificates and CRLs `RevocationListIssuer` makes (benchmarks and tests).
extension EVPKeyHandle {
    /// A fresh RSA-2048 key.
    static func generateRSA2048() throws -> EVPKeyHandle {
        guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, nil) else {
            throw MynaVerifyError.openSSL(.openSSLFailure, "EVP_PKEY_CTX_new_id")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_CTX_set_rsa_keygen_bits(context, 2048) == 1,
            EVP_PKEY_keygen(context, &key) == 1, let key
        else { throw MynaVerifyError.openSSL(.openSSLFailure, "RSA key generation") }
        return EVPKeyHandle(taking: key)
    }

    /// Parses an unencrypted PEM private key.
    static func privateKey(pem: [UInt8]) throws -> EVPKeyHandle {
        let parsed = MemoryBIO.withReadOnly(pem) { bio in PEM_read_bio_PrivateKey(bio, nil, nil, nil) }
        guard let parsed else { throw MynaVerifyError.openSSL(.unsupportedKey, "the private key does not parse") }
        return EVPKeyHandle(taking: parsed)
    }

    /// The private key as unencrypted PKCS#8 PEM.
    func privateKeyPEM() throws -> [UInt8] {
        guard let bio = MemoryBIO(), PEM_write_bio_PrivateKey(bio.pointer, pointer, nil, nil, 0, nil, nil) == 1,
            let pem = bio.contents()
        else { throw MynaVerifyError.openSSL(.openSSLFailure, "PEM_write_bio_PrivateKey") }
        return pem
    }
}

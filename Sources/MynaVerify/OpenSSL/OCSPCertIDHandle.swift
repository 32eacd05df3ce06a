//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import COpenSSL
import OpenSSLSupport

/// Owns an OpenSSL `OCSP_CERTID`: which certificate an OCSP request asks about and a response answers for (RFC 6960
/// section 4.1.1: hashes of the issuer's name and key, and the serial number).
///
/// `@unchecked Sendable`: never changed after `init`; OpenSSL only reads it (`OCSP_id_cmp`, `i2d`).
final class OCSPCertIDHandle: @unchecked Sendable {
    let pointer: OpaquePointer

    /// The CertID of `certificate` issued by `issuer`, with `hash` for the name and key hashes.
    ///
    /// - Throws: ``MynaVerifyError/Code/openSSLFailure``.
    init(certificate: X509Handle, issuer: X509Handle, hash: HashAlgorithm) throws {
        guard let pointer = OCSP_cert_to_id(hash.evpMessageDigest, certificate.pointer, issuer.pointer) else {
            throw MynaVerifyError.openSSL(.openSSLFailure, "OCSP_cert_to_id(\(hash.rawValue)) failed")
        }
        self.pointer = pointer
    }

    /// A copy for an owner that frees its own (`OCSP_request_add0_id` takes the CertID it is given).
    func duplicate() throws -> OpaquePointer {
        guard let copy = OCSP_CERTID_dup(pointer) else {
            throw MynaVerifyError.openSSL(.openSSLFailure, "OCSP_CERTID_dup failed")
        }
        return copy
    }

    deinit {
        OCSP_CERTID_free(pointer)
    }
}

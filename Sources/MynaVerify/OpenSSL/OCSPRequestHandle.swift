//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import COpenSSL
import OpenSSLSupport

/// Owns an OpenSSL `OCSP_REQUEST` asking about one certificate, optionally with a nonce.
///
/// `@unchecked Sendable`: filled in `init` and only read afterwards (`i2d`, `OCSP_check_nonce`).
final class OCSPRequestHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    /// The CertID the request carries (the request holds a copy of its own).
    let certID: OCSPCertIDHandle

    /// A request for `certID`, with the nonce extension carrying `nonce` when it is not `nil`.
    ///
    /// - Throws: ``MynaVerifyError/Code/openSSLFailure``.
    init(certID: OCSPCertIDHandle, nonce: [UInt8]?) throws {
        guard let request = OCSP_REQUEST_new() else {
            throw MynaVerifyError.openSSL(.openSSLFailure, "OCSP_REQUEST_new failed")
        }
        let copy: OpaquePointer
        do {
            copy = try certID.duplicate()
        } catch {
            OCSP_REQUEST_free(request)
            throw error
        }
        guard OCSP_request_add0_id(request, copy) != nil else {
            OCSP_CERTID_free(copy)
            OCSP_REQUEST_free(request)
            throw MynaVerifyError.openSSL(.openSSLFailure, "OCSP_request_add0_id failed")
        }
        if var nonce {
            // The nonce goes in as the content of an OCTET STRING inside the extension (RFC 6960 section 4.4.1).
            let status = nonce.withUnsafeMutableBufferPointer {
                OCSP_request_add1_nonce(request, $0.baseAddress, Int32($0.count))
            }
            guard status == 1 else {
                OCSP_REQUEST_free(request)
                throw MynaVerifyError.openSSL(.openSSLFailure, "OCSP_request_add1_nonce failed")
            }
        }
        self.pointer = request
        self.certID = certID
    }

    deinit {
        OCSP_REQUEST_free(pointer)
    }

    /// The DER encoding, as it is POSTed.
    func derEncoding() throws -> [UInt8] {
        guard let der = encodeDER({ i2d_OCSP_REQUEST(pointer, $0) }) else {
            throw MynaVerifyError.openSSL(.openSSLFailure, "i2d_OCSP_REQUEST failed")
        }
        return der
    }
}

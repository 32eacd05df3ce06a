//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import COpenSSLTLS
import OpenSSLSupport

/// An OpenSSL `SSL_CTX` for https:// to the verification service: TLS 1.2 or newer, the server's certificate
/// verified against the system's CA certificates or the file given. Owns and frees its pointer.
final class TLSContext: @unchecked Sendable {
    // @unchecked: the context is configured in init and only read afterwards; OpenSSL allows sharing it between
    // connections.
    let pointer: OpaquePointer

    /// - Parameter caFile: a PEM file of the CA certificates to trust; the system's when `nil`.
    init(caFile: String?) throws(ServiceClientError) {
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            throw ServiceClientError.tls("SSL_CTX_new: \(OpenSSLErrorQueue.drain().joined(separator: "; "))")
        }
        pointer = context
        guard COpenSSLTLS_require_tls12(context) == 1 else {
            throw ServiceClientError.tls("cannot require TLS 1.2: \(OpenSSLErrorQueue.drain().joined(separator: "; "))")
        }
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        let loaded: Int32
        if let caFile {
            loaded = SSL_CTX_load_verify_locations(context, caFile, nil)
        } else {
            loaded = SSL_CTX_set_default_verify_paths(context)
        }
        guard loaded == 1 else {
            let errors = OpenSSLErrorQueue.drain().joined(separator: "; ")
            throw ServiceClientError.tls("cannot load the CA certificates \(caFile ?? "of the system"): \(errors)")
        }
    }

    deinit {
        SSL_CTX_free(pointer)
    }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import COpenSSLTLS
import OpenSSLSupport

#if canImport(Glibc)
import Glibc
#endif

/// A TLS connection (an OpenSSL `SSL`) over a connected ``TCPSocket``: the handshake checks the server's certificate
/// chain and that it names the host (DNS name, or IP address for an IP literal). Owns and frees its pointer.
final class TLSStream: ByteStream, @unchecked Sendable {
    // @unchecked: like TCPSocket, one exchange at a time uses it, on the client's serial queue.
    private let socket: TCPSocket
    private let context: TLSContext
    private let ssl: OpaquePointer

    init(socket: TCPSocket, context: TLSContext, host: String) throws(ServiceClientError) {
        guard let ssl = SSL_new(context.pointer) else {
            throw ServiceClientError.tls("SSL_new: \(OpenSSLErrorQueue.drain().joined(separator: "; "))")
        }
        self.ssl = ssl
        self.socket = socket
        self.context = context
        _ = SSL_set_fd(ssl, socket.descriptor)
        let isAddress = host.contains(":") || host.split(separator: ".").allSatisfy { UInt8($0) != nil }
        if isAddress {
            _ = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host)
        } else {
            _ = COpenSSLTLS_set_server_name(ssl, host)
            _ = SSL_set1_host(ssl, host)
        }
        guard SSL_connect(ssl) == 1 else {
            let verify = SSL_get_verify_result(ssl)
            var reason = OpenSSLErrorQueue.drain().joined(separator: "; ")
            if verify != Int(X509_V_OK), let text = X509_verify_cert_error_string(verify) {
                reason = "the service's certificate is not trusted: \(String(cString: text))"
            }
            throw ServiceClientError.tls("TLS handshake with \(host) failed: \(reason)")
        }
    }

    deinit {
        SSL_free(ssl)
    }

    func send(_ bytes: [UInt8]) throws(ServiceClientError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                SSL_write(ssl, buffer.baseAddress! + offset, Int32(buffer.count - offset))
            }
            guard written > 0 else { throw failure(written, "SSL_write") }
            offset += Int(written)
        }
    }

    func receive(maximum: Int = 16 * 1024) throws(ServiceClientError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: maximum)
        let count = buffer.withUnsafeMutableBytes { raw in SSL_read(ssl, raw.baseAddress, Int32(raw.count)) }
        if count > 0 {
            buffer.removeSubrange(Int(count)...)
            return buffer
        }
        if SSL_get_error(ssl, count) == SSL_ERROR_ZERO_RETURN { return [] }
        throw failure(count, "SSL_read")
    }

    func close() {
        _ = SSL_shutdown(ssl)
        socket.close()
    }

    private func failure(_ result: Int32, _ call: String) -> ServiceClientError {
        let code = SSL_get_error(ssl, result)
        let error = errno
        let queued = OpenSSLErrorQueue.drain().joined(separator: "; ")
        if code == SSL_ERROR_SYSCALL, error == EAGAIN || error == EWOULDBLOCK {
            return .timedOut("no answer from the service in time")
        }
        return .connectionLost("\(call): \(queued.isEmpty ? "error \(code)" : queued)")
    }
}

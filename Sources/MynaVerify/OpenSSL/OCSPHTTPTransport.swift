//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import COpenSSL
import Dispatch
import FoundationEssentials

#if canImport(Glibc)
import Glibc
#endif
import OpenSSLSupport

/// POSTs a DER OCSP request over HTTP with OpenSSL's own HTTP client (`OSSL_HTTP_transfer`, RFC 6960 appendix A.1)
/// and returns the response body: no HTTP library besides libcrypto.
///
/// One request per connection (no keep-alive), `Content-Type: application/ocsp-request`, and a response accepted only
/// with `Content-Type: application/ocsp-response`, a DER body and at most the given size. The timeout bounds the whole
/// exchange, connecting included.
enum OCSPHTTPTransport {
    /// Why no response came back.
    enum Failure: Error {
        /// The URL does not parse, or is not `http:` (OCSP responders are plain HTTP: the response is signed).
        case invalidURL(String)
        /// No connection: refused, unreachable, unknown host.
        case unreachable(String)
        /// No complete response within the timeout.
        case timedOut
        /// Connected, but the exchange failed: an HTTP error status, another content type, a response too large or
        /// cut short.
        case exchange(String)
    }

    /// Which HTTP proxy to use.
    enum Proxy {
        /// `http_proxy` / `HTTP_PROXY` and `no_proxy`, as curl and wget read them.
        case environment
        /// None.
        case none
        /// This proxy (`http://host:port`).
        case url(String)
    }

    static func post(
        _ body: [UInt8],
        to url: String,
        timeoutSeconds: Int,
        proxy: Proxy,
        maximumResponseSize: Int
    ) throws(Failure) -> [UInt8] {
        ERR_clear_error()
        var useTLS: Int32 = 0
        var host: UnsafeMutablePointer<CChar>?
        var port: UnsafeMutablePointer<CChar>?
        var path: UnsafeMutablePointer<CChar>?
        var query: UnsafeMutablePointer<CChar>?
        defer { for part in [host, port, path, query] { COpenSSL_free(part) } }
        guard OSSL_HTTP_parse_url(url, &useTLS, nil, &host, &port, nil, &path, &query, nil) == 1,
            let host, let port, let path
        else {
            throw .invalidURL("\(url): " + OpenSSLErrorQueue.drain().joined(separator: "; "))
        }
        guard useTLS == 0 else { throw .invalidURL("\(url): OCSP over https is not supported; responders use http") }
        let target = String(cString: path) + (query.map { "?" + String(cString: $0) } ?? "")

        let proxyArgument: String?
        switch proxy {
        case .environment: proxyArgument = nil
        case .none: proxyArgument = ""
        case .url(let value): proxyArgument = value
        }
        let start = DispatchTime.now().uptimeNanoseconds
        let outcome: Result<[UInt8], Failure>? = MemoryBIO.withReadOnly(body) { request in
            let response = withOptionalCString(proxyArgument) { proxyPointer in
                OSSL_HTTP_transfer(
                    nil, host, port, target, 0, proxyPointer, nil, nil, nil, nil, nil, 0, nil,
                    "application/ocsp-request", request, "application/ocsp-response", 1, maximumResponseSize,
                    Int32(timeoutSeconds), 0)
            }
            guard let response else {
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                return .failure(classify(elapsed: seconds, timeout: timeoutSeconds, probe: {
                    proxyArgument == "" || (proxyArgument == nil && !environmentProxyIsSet)
                        ? connectionProblem(host: String(cString: host), port: String(cString: port)) : nil
                }))
            }
            defer { BIO_free(response) }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 16_384)
            while true {
                let count = chunk.withUnsafeMutableBytes { BIO_read(response, $0.baseAddress, Int32($0.count)) }
                if count <= 0 { break }
                bytes += chunk[..<Int(count)]
            }
            return .success(bytes)
        }
        guard let outcome else { throw .exchange("BIO_new_mem_buf failed") }
        return try outcome.get()
    }

    /// Names a failed transfer from the first and last entries of OpenSSL's error queue (then drained into the
    /// message) and from how long it took.
    ///
    /// OpenSSL retries a refused connection until the timeout and then reports only "connect timeout", so after a
    /// failure to connect `probe` makes one direct attempt, which names the cause (connection refused, unknown host);
    /// a responder that accepts the probe is reported as slow.
    private static func classify(elapsed: Double, timeout: Int, probe: () -> String?) -> Failure {
        let codes = [ERR_peek_error(), ERR_peek_last_error()]
        let reasons = OpenSSLErrorQueue.drain().joined(separator: "; ")
        func matches(_ library: Int32, _ reasons: [Int32]) -> Bool {
            codes.contains { ERR_GET_LIB($0) == library && reasons.contains(ERR_GET_REASON($0)) }
        }
        let connecting =
            codes.contains(where: { ERR_GET_LIB($0) == ERR_LIB_SYS })
            || matches(ERR_LIB_BIO, [BIO_R_CONNECT_TIMEOUT, BIO_R_CONNECT_ERROR, BIO_R_LOOKUP_RETURNED_NOTHING])
            || matches(ERR_LIB_HTTP, [HTTP_R_CONNECT_FAILURE])
        if connecting, let problem = probe() {
            return .unreachable(problem + (elapsed >= 1 ? " (retried for \(Int(elapsed.rounded())) s)" : ""))
        }
        if matches(ERR_LIB_BIO, [BIO_R_CONNECT_TIMEOUT, BIO_R_TRANSFER_TIMEOUT])
            || matches(ERR_LIB_HTTP, [HTTP_R_RETRY_TIMEOUT]) || (timeout > 0 && elapsed >= Double(timeout) - 0.05)
        {
            return .timedOut
        }
        if connecting { return .unreachable(reasons) }
        return .exchange(reasons.isEmpty ? "the HTTP exchange failed" : reasons)
    }

    /// One direct, non-blocking connection attempt to `host`:`port` (at most 2 s): why it fails, or `nil` when it
    /// connects.
    private static func connectionProblem(host: String, port: String) -> String? {
        var addresses: OpaquePointer?
        let stream = Int32(SOCK_STREAM.rawValue)
        guard BIO_lookup_ex(host, port, Int32(BIO_LOOKUP_CLIENT.rawValue), AF_UNSPEC, stream, 0, &addresses) == 1,
            let addresses
        else {
            ERR_clear_error()
            return "host \(host) not found"
        }
        defer { BIO_ADDRINFO_free(addresses) }
        var problem: String?
        var candidate: OpaquePointer? = addresses
        while let current = candidate {
            candidate = BIO_ADDRINFO_next(current)
            let socket = BIO_socket(BIO_ADDRINFO_family(current), stream, 0, 0)
            guard socket >= 0 else { continue }
            defer { BIO_closesocket(socket) }
            _ = BIO_socket_nbio(socket, 1)
            var code: Int32 = 0
            if BIO_connect(socket, BIO_ADDRINFO_address(current), 0) == 1 {
                code = 0
            } else if errno == EINPROGRESS {
                code = BIO_socket_wait(socket, 0, time(nil) + 2) > 0 ? BIO_sock_error(socket) : ETIMEDOUT
            } else {
                code = errno
            }
            ERR_clear_error()
            if code == 0 { return nil }
            problem = String(cString: strerror(code)).lowercased()
        }
        return problem.map { "\(host):\(port): \($0)" }
    }

    /// Whether `http_proxy` or `HTTP_PROXY` is set, in which case OpenSSL connects to the proxy, not the responder.
    private static var environmentProxyIsSet: Bool {
        let names = ["http_proxy", "HTTP_PROXY"]
        return names.contains { name in getenv(name).map { $0.pointee != 0 } ?? false }
    }

    private static func withOptionalCString<Result>(
        _ string: String?, _ body: (UnsafePointer<CChar>?) -> Result
    ) -> Result {
        guard let string else { return body(nil) }
        return string.withCString { body($0) }
    }
}

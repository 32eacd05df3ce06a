//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

#if canImport(Glibc)
import Glibc
#endif

/// Where the client's bytes go: a ``TCPSocket`` for http://, a ``TLSStream`` over one for https://.
protocol ByteStream: AnyObject, Sendable {
    /// Sends all of `bytes`.
    func send(_ bytes: [UInt8]) throws(ServiceClientError)
    /// Some bytes; an empty array when the peer closed the connection.
    func receive(maximum: Int) throws(ServiceClientError) -> [UInt8]
    /// Closes the connection now.
    func close()
}

/// A connected TCP socket with send and receive timeouts: the only file of the client that calls the C library.
///
/// Blocking calls only; the client runs them on its own dispatch queue, never on Swift's cooperative pool.
// @unchecked: one exchange at a time uses a socket (the client hands it over under a lock and runs every call on
// its own serial queue).
final class TCPSocket: ByteStream, @unchecked Sendable {
    private(set) var descriptor: Int32

    /// Resolves `host`, connects to the first address that answers within `timeout`, and sets `TCP_NODELAY` (each
    /// request is written in one call, and the answer should not wait for Nagle's algorithm).
    init(host: String, port: Int, timeout: Duration) throws(ServiceClientError) {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            let reason = gai_strerror(status).map { String(cString: $0) } ?? "error \(status)"
            throw ServiceClientError.unreachable("cannot resolve \(host): \(reason)")
        }
        defer { freeaddrinfo(first) }
        var lastError: Int32 = 0
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        var connected: Int32 = -1
        while let info = cursor, connected < 0 {
            cursor = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            guard fd >= 0 else {
                lastError = errno
                continue
            }
            // On Linux SO_SNDTIMEO bounds connect() too.
            Self.setTimeout(fd, SO_SNDTIMEO, timeout)
            Self.setTimeout(fd, SO_RCVTIMEO, timeout)
            if connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
                connected = fd
            } else {
                lastError = errno
                Glibc.close(fd)
            }
        }
        guard connected >= 0 else {
            throw ServiceClientError.unreachable("cannot connect to \(host):\(port): \(Self.describe(lastError))")
        }
        var one: Int32 = 1
        _ = setsockopt(connected, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        descriptor = connected
    }

    deinit {
        if descriptor >= 0 { Glibc.close(descriptor) }
    }

    /// Sends all of `bytes`.
    func send(_ bytes: [UInt8]) throws(ServiceClientError) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { buffer in
                Glibc.send(descriptor, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 {
                if errno == EINTR { continue }
                throw ServiceClientError.connectionLost("send: \(Self.describe(errno))")
            }
            offset += sent
        }
    }

    /// Up to `maximum` bytes; an empty array when the peer closed the connection.
    func receive(maximum: Int = 16 * 1024) throws(ServiceClientError) -> [UInt8] {
        while true {
            var buffer = [UInt8](repeating: 0, count: maximum)
            let count = buffer.withUnsafeMutableBytes { raw in recv(descriptor, raw.baseAddress, raw.count, 0) }
            if count >= 0 {
                buffer.removeSubrange(count...)
                return buffer
            }
            let error = errno
            if error == EINTR { continue }
            if error == EAGAIN || error == EWOULDBLOCK {
                throw ServiceClientError.timedOut("no answer from the service in time")
            }
            throw ServiceClientError.connectionLost("recv: \(Self.describe(error))")
        }
    }

    /// Closes the socket now.
    func close() {
        if descriptor >= 0 {
            Glibc.close(descriptor)
            descriptor = -1
        }
    }

    private static func setTimeout(_ fd: Int32, _ option: Int32, _ timeout: Duration) {
        let (seconds, attoseconds) = timeout.components
        var value = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        _ = setsockopt(fd, SOL_SOCKET, option, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    private static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}

//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Serves a ``VirtualCard`` to pcscd through vsmartcard's `vpcd` reader driver.
///
/// vpcd listens on TCP (port 35963 for reader `Virtual PCD 00 00`, 35964 for `00 01`); the card connects as the
/// client. Every message in both directions is a 2-byte big-endian length and a payload; a 1-byte payload from
/// vpcd is a control byte (`00` power off, `01` power on, `02` reset, `04` send the ATR), anything longer a command
/// APDU to answer. Closing the connection is a card removal; connecting is an insertion.
///
/// vpcd writes the length and the payload with two `send()` calls, so the link sets `TCP_NODELAY` and re-arms
/// `TCP_QUICKACK` before each receive; without both, delayed ACKs cost about 40 ms per APDU.
public final class VPCDLink: @unchecked Sendable {
    // @unchecked: `card` is used only by the thread running `run()`; the socket descriptor is behind a Mutex.

    public struct Options: Sendable {
        /// Delay before answering each APDU, like a slow contactless card.
        public var latency: Duration
        /// Close the connection (pull the card) after answering this many APDUs.
        public var removeAfterAPDUs: Int?
        /// How long `run()`/`start()` keep trying to reach vpcd.
        public var connectTimeout: Duration
        /// Called with each command APDU's header (CLA INS P1 P2) after it was answered: counts for benchmarks
        /// without ever seeing command data.
        public var onAPDU: (@Sendable ([UInt8]) -> Void)?

        public init(
            latency: Duration = .zero, removeAfterAPDUs: Int? = nil, connectTimeout: Duration = .seconds(10),
            onAPDU: (@Sendable ([UInt8]) -> Void)? = nil
        ) {
            self.latency = latency
            self.removeAfterAPDUs = removeAfterAPDUs
            self.connectTimeout = connectTimeout
            self.onAPDU = onAPDU
        }
    }

    /// Why the link could not serve.
    public struct LinkError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public let host: String
    public let port: UInt16
    public let options: Options
    private let card: any VirtualCard
    private let socket = Mutex<Int32>(-1)
    private let stopped = Mutex(false)
    private let answered = Mutex(0)
    private let finished = DispatchSemaphore(value: 0)

    public init(card: any VirtualCard, host: String = "127.0.0.1", port: UInt16 = 35963, options: Options = Options()) {
        self.card = card
        self.host = host
        self.port = port
        self.options = options
    }

    /// Number of command APDUs answered so far.
    public var apduCount: Int { answered.withLock { $0 } }

    /// Connects to vpcd and serves the card until ``stop()`` is called or vpcd closes the connection.
    ///
    /// - Throws: ``LinkError`` when vpcd cannot be reached within the connect timeout.
    public func run() throws {
        defer { finished.signal() }
        let fd = try connectWithRetry()
        defer {
            socket.withLock { descriptor in
                if descriptor >= 0 { close(descriptor) }
                descriptor = -1
            }
        }
        serve(fd)
    }

    /// Connects, then serves on a background thread; returns once the card is connected to vpcd.
    public func start() throws {
        let ready = DispatchSemaphore(value: 0)
        let failure = Mutex<LinkError?>(nil)
        let thread = DispatchQueue(label: "mynakit.vpcd.link")
        thread.async {
            defer { self.finished.signal() }
            let fd: Int32
            do {
                fd = try self.connectWithRetry()
            } catch {
                failure.withLock { $0 = error as? LinkError ?? LinkError(description: "\(error)") }
                ready.signal()
                return
            }
            ready.signal()
            self.serve(fd)
            self.socket.withLock { descriptor in
                if descriptor >= 0 { close(descriptor) }
                descriptor = -1
            }
        }
        ready.wait()
        if let error = failure.withLock({ $0 }) { throw error }
    }

    /// Pulls the card: closes the connection and lets ``run()`` return.
    public func stop() {
        stopped.withLock { $0 = true }
        socket.withLock { descriptor in
            if descriptor >= 0 { shutdown(descriptor, Int32(SHUT_RDWR)) }
        }
    }

    /// Waits until the serving thread has ended (after ``stop()`` or a removal fault).
    public func waitUntilFinished() {
        finished.wait()
        finished.signal()
    }

    // MARK: - Socket work

    private func connectWithRetry() throws -> Int32 {
        let deadline = ContinuousClock.now + options.connectTimeout
        var lastError: Int32 = 0
        while ContinuousClock.now < deadline {
            if stopped.withLock({ $0 }) { throw LinkError(description: "stopped before connecting") }
            let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw LinkError(description: "socket() failed: errno \(errno)") }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
                close(fd)
                throw LinkError(description: "'\(host)' is not an IPv4 address")
            }
            let rv = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            if rv == 0 {
                var one: Int32 = 1
                setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                socket.withLock { $0 = fd }
                if stopped.withLock({ $0 }) { shutdown(fd, Int32(SHUT_RDWR)) }
                return fd
            }
            lastError = errno
            close(fd)
            usleep(50_000)
        }
        throw LinkError(
            description: "vpcd does not answer on \(host):\(port) (errno \(lastError)); is pcscd running with the "
                + "vsmartcard-vpcd driver?")
    }

    private func serve(_ fd: Int32) {
        while !stopped.withLock({ $0 }) {
            guard let message = receiveMessage(fd) else { return }
            if message.count == 1 {
                switch message[0] {
                case 0x00: card.powerOff()
                case 0x01: card.powerOn()
                case 0x02: card.reset()
                case 0x04: guard send(fd, card.atr) else { return }
                default: break  // unknown control bytes are ignored, as vicc does
                }
                continue
            }
            if options.latency > .zero {
                let (seconds, attoseconds) = options.latency.components
                usleep(UInt32(seconds) * 1_000_000 + UInt32(attoseconds / 1_000_000_000_000))
            }
            let response = card.process(message)
            guard send(fd, response) else { return }
            options.onAPDU?(Array(message.prefix(4)))
            let count = answered.withLock { count in
                count += 1
                return count
            }
            if let limit = options.removeAfterAPDUs, count >= limit {
                return  // the caller closes the socket: the card leaves the reader
            }
        }
    }

    private func receiveMessage(_ fd: Int32) -> [UInt8]? {
        guard let header = receiveExactly(fd, count: 2) else { return nil }
        let length = Int(header[0]) << 8 | Int(header[1])
        if length == 0 { return [] }
        return receiveExactly(fd, count: length)
    }

    private func receiveExactly(_ fd: Int32, count: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            // Linux clears TCP_QUICKACK after use: re-arm it before every receive.
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_QUICKACK, &one, socklen_t(MemoryLayout<Int32>.size))
            let n = buffer.withUnsafeMutableBytes { raw in
                recv(fd, raw.baseAddress! + filled, count - filled, 0)
            }
            if n <= 0 {
                if n < 0 && errno == EINTR { continue }
                return nil
            }
            filled += n
        }
        return buffer
    }

    private func send(_ fd: Int32, _ payload: [UInt8]) -> Bool {
        guard payload.count <= 0xFFFF else { return false }
        let message = [UInt8(payload.count >> 8), UInt8(truncatingIfNeeded: payload.count)] + payload
        var sent = 0
        while sent < message.count {
            let n = message.withUnsafeBytes { raw in
                Glibc.send(fd, raw.baseAddress! + sent, message.count - sent, Int32(MSG_NOSIGNAL))
            }
            if n <= 0 {
                if n < 0 && errno == EINTR { continue }
                return false
            }
            sent += n
        }
        return true
    }
}

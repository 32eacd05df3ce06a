//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A small PKI for OCSP tests, made with the `openssl` CLI: a CA, leaves that are good, revoked (keyCompromise) and
/// unknown to the responder, a delegated responder certificate (extendedKeyUsage OCSPSigning), a certificate of the
/// CA without that usage, an unrelated self-signed certificate with its own key, and an impostor: self-signed with
/// the CA's name but another key; plus the `openssl ca` index that `openssl ocsp -index` answers from.
public final class OCSPTestPKI: Sendable {
    public let directory: URL
    /// PEM files; the keys are unencrypted PEM.
    public let ca, caKey, good, revoked, unknown, responder, responderKey, noUsage, noUsageKey, unrelated,
        unrelatedKey, impostor, impostorKey: URL
    /// The `openssl ca` database (`index.txt`): the CA, good, revoked, responder and no-usage certificates; not
    /// `unknown`.
    public let index: URL
    /// When `revoked` was revoked, as the index records it (to the second).
    public let revocationTime: Date

    /// Builds the PKI in a new directory under `parent`.
    public init(in parent: URL) throws {
        let directory = parent.appendingPathComponent("ocsp-pki")
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("newcerts"), withIntermediateDirectories: true)
        self.directory = directory
        func path(_ name: String) -> URL { directory.appendingPathComponent(name) }
        try Self.configuration.write(to: path("ca.cnf"), atomically: true, encoding: .utf8)
        try "".write(to: path("index.txt"), atomically: true, encoding: .utf8)
        try "1000\n".write(to: path("serial"), atomically: true, encoding: .utf8)
        func run(_ arguments: [String]) throws { try OpenSSLTool.run(arguments, in: directory) }
        func key(_ name: String) throws -> URL {
            try run(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "\(name).key"])
            return path("\(name).key")
        }

        ca = path("ca.pem")
        caKey = try key("ca")
        // Self-signed through `openssl ca` so that the CA, like every certificate it issues, is valid from 2020 on:
        // tests judge responses at times before the PKI was made.
        try run(["req", "-new", "-config", "ca.cnf", "-key", "ca.key", "-subj", "/C=JP/O=MynaKit test/CN=OCSP test CA",
            "-out", "ca.csr"])
        try run(["ca", "-batch", "-config", "ca.cnf", "-selfsign", "-in", "ca.csr", "-out", "ca.pem", "-extensions",
            "root", "-startdate", Self.start, "-enddate", Self.end, "-notext"])
        func issue(_ name: String, extensions: String, inIndex: Bool = true) throws -> URL {
            let key = try key(name)
            try run(["req", "-new", "-config", "ca.cnf", "-key", key.lastPathComponent, "-subj", "/C=JP/CN=\(name)",
                "-out", "\(name).csr"])
            if inIndex {
                try run(["ca", "-batch", "-config", "ca.cnf", "-in", "\(name).csr", "-out", "\(name).pem",
                    "-extensions", extensions, "-startdate", Self.start, "-enddate", Self.end, "-notext"])
            } else {
                // Signed by the CA without going through its database: the responder has never heard of it.
                try run(["x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial",
                    "0x7777", "-days", "365", "-sha256", "-extfile", "ca.cnf", "-extensions", extensions,
                    "-out", "\(name).pem"])
            }
            return path("\(name).pem")
        }
        good = try issue("good", extensions: "leaf")
        revoked = try issue("revoked", extensions: "leaf")
        unknown = try issue("unknown", extensions: "leaf", inIndex: false)
        responder = try issue("responder", extensions: "responder")
        responderKey = path("responder.key")
        noUsage = try issue("no-usage", extensions: "leaf")
        noUsageKey = path("no-usage.key")
        unrelatedKey = try key("unrelated")
        unrelated = path("unrelated.pem")
        try run(["req", "-new", "-x509", "-config", "ca.cnf", "-extensions", "root", "-key", "unrelated.key",
            "-subj", "/C=JP/O=Elsewhere/CN=Unrelated responder", "-days", "3650", "-out", "unrelated.pem"])
        impostorKey = try key("impostor")
        impostor = path("impostor.pem")
        try run(["req", "-new", "-x509", "-config", "ca.cnf", "-extensions", "root", "-key", "impostor.key",
            "-subj", "/C=JP/O=MynaKit test/CN=OCSP test CA", "-days", "3650", "-out", "impostor.pem"])
        try run(["ca", "-config", "ca.cnf", "-revoke", "revoked.pem", "-crl_reason", "keyCompromise"])
        index = path("index.txt")

        // The revocation time, from the index line `R <expiry> <revoked>,keyCompromise <serial> …`.
        let line = try String(contentsOf: index, encoding: .utf8).split(separator: "\n").first { $0.hasPrefix("R") }
        let field = line?.split(separator: "\t")[2].split(separator: ",")[0] ?? ""
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = field.count == 15 ? "yyyyMMddHHmmss'Z'" : "yyMMddHHmmss'Z'"
        guard let time = formatter.date(from: String(field)) else {
            throw TestSupportError("no revocation time in \(index.path)")
        }
        revocationTime = time
    }

    /// The validity of the CA and of the certificates in its index.
    public static let start = "20200101000000Z"
    public static let end = "20391231235959Z"

    private static let configuration = OpenSSLConfiguration.file(
        cas: [
            OpenSSLConfiguration.CA(
                name: "ca_default", directory: ".", certificate: "ca.pem", privateKey: "ca.key", isDefault: true,
                policy: .commonNameFirst)
        ],
        extensions: [
            OpenSSLConfiguration.root("root"),
            OpenSSLConfiguration.section("leaf", [
                "basicConstraints = CA:FALSE", "keyUsage = critical, digitalSignature", "subjectKeyIdentifier = hash",
                "authorityKeyIdentifier = keyid",
            ]),
            OpenSSLConfiguration.section("responder", [
                "basicConstraints = CA:FALSE", "keyUsage = critical, digitalSignature", "extendedKeyUsage = OCSPSigning",
                "subjectKeyIdentifier = hash", "authorityKeyIdentifier = keyid",
            ]),
        ])
}

/// A real `openssl ocsp` responder answering from an index, started on a free port and stopped by ``stop()`` (or
/// when released).
///
/// OpenSSL 3.0's `-port` takes a number only, so the responder listens on every interface; clients use
/// ``url`` (127.0.0.1).
public final class OpenSSLOCSPResponder: @unchecked Sendable {
    // @unchecked: `process` is set once in `init` and only terminated afterwards.
    private let process: Process
    public let port: Int
    /// `http://127.0.0.1:PORT/`.
    public var url: String { "http://127.0.0.1:\(port)/" }

    /// Starts `openssl ocsp -index INDEX -CA CA -rsigner SIGNER -rkey KEY -port PORT` plus `extra` arguments (such as
    /// `["-nmin", "5"]` for a nextUpdate five minutes on), and waits until it says it is listening.
    ///
    /// Readiness is read from its output, never probed with a connection: OpenSSL 3.0's responder spins on a
    /// connection that closes without sending a request.
    public init(index: URL, ca: URL, signer: URL, key: URL, extra: [String] = []) throws {
        var lastError = ""
        for _ in 0..<5 {
            let port = try freePort()
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("ocsp-responder-\(UUID().uuidString).log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            defer { try? FileManager.default.removeItem(at: log) }
            let output = try FileHandle(forWritingTo: log)
            defer { try? output.close() }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "openssl", "ocsp", "-index", index.path, "-CA", ca.path, "-rsigner", signer.path, "-rkey", key.path,
                "-port", String(port),
            ] + extra
            process.standardOutput = output
            process.standardError = output
            try process.run()
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline, process.isRunning {
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                if text.contains("waiting for OCSP client connections") {
                    self.process = process
                    self.port = port
                    return
                }
                Thread.sleep(forTimeInterval: 0.05)
            }
            lastError = "openssl ocsp on port \(port) did not start: " + ((try? String(contentsOf: log, encoding: .utf8)) ?? "")
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
        throw TestSupportError(lastError)
    }

    public func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}

/// A one-trick HTTP server on 127.0.0.1 for the responders `openssl ocsp` cannot play: it answers every POST with
/// fixed bytes (a replayed or doctored response), after a delay or never, and records the request bodies it got.
public final class CannedHTTPResponder: @unchecked Sendable {
    /// What the server does with each request.
    public enum Behaviour: Sendable {
        /// `200 OK` with this body and content type, after `delay` seconds.
        case respond(body: [UInt8], contentType: String = "application/ocsp-response", delay: TimeInterval = 0)
        /// Read the request and never answer (until stopped).
        case hang
        /// An HTTP error status.
        case status(Int)
    }

    // @unchecked: `requests` and `stopped` are guarded by `lock`; the rest is set in `init`.
    private let lock = NSLock()
    private var bodies: [[UInt8]] = []
    private var stopped = false
    private let listener: Int32
    public let port: Int
    /// `http://127.0.0.1:PORT/`.
    public var url: String { "http://127.0.0.1:\(port)/" }

    public init(_ behaviour: Behaviour) throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw TestSupportError("socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(socket, 16) == 0 else {
            close(socket)
            throw TestSupportError("bind/listen: \(String(cString: strerror(errno)))")
        }
        listener = socket
        port = boundPort(socket)
        let thread = Thread { [self] in serve(behaviour) }
        thread.start()
    }

    /// The bodies of the requests received so far, oldest first.
    public var requestBodies: [[UInt8]] {
        lock.lock()
        defer { lock.unlock() }
        return bodies
    }

    /// Stops accepting and closes the listening socket.
    public func stop() {
        lock.lock()
        let wasStopped = stopped
        stopped = true
        lock.unlock()
        if !wasStopped {
            shutdown(listener, Int32(SHUT_RDWR))
            close(listener)
        }
    }

    deinit { stop() }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    private func serve(_ behaviour: Behaviour) {
        while !isStopped {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            let body = readRequest(client)
            lock.lock()
            bodies.append(body)
            lock.unlock()
            switch behaviour {
            case .respond(let bytes, let contentType, let delay):
                if delay > 0 { Thread.sleep(forTimeInterval: delay) }
                let header = "HTTP/1.0 200 OK\r\nContent-Type: \(contentType)\r\nContent-Length: \(bytes.count)\r\n\r\n"
                writeAll(client, Array(header.utf8) + bytes)
            case .status(let code):
                writeAll(client, Array("HTTP/1.0 \(code) Failure\r\nContent-Length: 0\r\n\r\n".utf8))
            case .hang:
                while !isStopped { Thread.sleep(forTimeInterval: 0.05) }
            }
            close(client)
        }
    }

    /// Reads the headers and a `Content-Length` body.
    private func readRequest(_ client: Int32) -> [UInt8] {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var expected: Int?
        var headerEnd = 0
        while expected.map({ data.count < headerEnd + $0 }) ?? true {
            let count = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            data += buffer[..<count]
            if expected == nil, let range = findHeaderEnd(data) {
                headerEnd = range
                let headers = String(decoding: data[..<range], as: UTF8.self).lowercased()
                let length = headers.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                expected = length.flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            }
        }
        return headerEnd > 0 ? Array(data[headerEnd...]) : []
    }

    private func findHeaderEnd(_ data: [UInt8]) -> Int? {
        guard data.count >= 4 else { return nil }
        for index in 0...(data.count - 4) where data[index..<index + 4].elementsEqual([13, 10, 13, 10]) {
            return index + 4
        }
        return nil
    }

    private func writeAll(_ client: Int32, _ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count <= 0 { return }
            sent += count
        }
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on right now (bound to port 0, read back, released).
public func freePort() throws -> Int {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socket >= 0 else { throw TestSupportError("socket: \(String(cString: strerror(errno)))") }
    defer { close(socket) }
    var address = loopback(port: 0)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw TestSupportError("bind: \(String(cString: strerror(errno)))") }
    return boundPort(socket)
}

private func loopback(port: Int) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    return address
}

private func boundPort(_ socket: Int32) -> Int {
    var address = sockaddr_in()
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}
